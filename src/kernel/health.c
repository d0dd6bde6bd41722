// SPDX-License-Identifier: GPL-2.0-only
/*
 * health.c - kernel health: taint flags.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/health.h"

#define TAINTED_PATH	"/proc/sys/kernel/tainted"

/* kernel/panic.c taint_flags[], letter when the bit is set */
static const char health_taint_chars[] = {
	'P',	/*  0 PROPRIETARY_MODULE */
	'F',	/*  1 FORCED_MODULE */
	'S',	/*  2 CPU_OUT_OF_SPEC */
	'R',	/*  3 FORCED_RMMOD */
	'M',	/*  4 MACHINE_CHECK */
	'B',	/*  5 BAD_PAGE */
	'U',	/*  6 USER */
	'D',	/*  7 DIE */
	'A',	/*  8 OVERRIDDEN_ACPI_TABLE */
	'W',	/*  9 WARN */
	'C',	/* 10 CRAP */
	'I',	/* 11 FIRMWARE_WORKAROUND */
	'O',	/* 12 OOT_MODULE */
	'E',	/* 13 UNSIGNED_MODULE */
	'L',	/* 14 SOFTLOCKUP */
	'K',	/* 15 LIVEPATCH */
	'X',	/* 16 AUX */
	'T',	/* 17 RANDSTRUCT */
	'N',	/* 18 TEST */
	'J',	/* 19 FWCTL */
};

int health_taint_read(unsigned long *taint)
{
	char buf[64], *end;
	ssize_t n;
	int fd;

	fd = open(TAINTED_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	buf[n] = '\0';

	errno = 0;
	*taint = strtoul(buf, &end, 10);
	if (errno || end == buf || (*end && *end != '\n'))
		return -EINVAL;
	return 0;
}

void health_taint_letters(unsigned long taint, char *buf, size_t len)
{
	size_t pos = 0;
	unsigned int bit;

	if (!len)
		return;
	for (bit = 0; bit < sizeof(taint) * 8 && pos + 1 < len; bit++) {
		if (!(taint & (1UL << bit)))
			continue;
		buf[pos++] = bit < sizeof(health_taint_chars) ?
			     health_taint_chars[bit] : '?';
	}
	buf[pos] = '\0';
}

bool health_taint_is_report(unsigned long before, unsigned long after)
{
	return (after & ~before & HEALTH_TAINT_REPORT_MASK) != 0;
}
