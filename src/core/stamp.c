// SPDX-License-Identifier: GPL-2.0-only
/* Page stamps and their seeded pattern. */
#include "config.h"
#include "core/stamp.h"
#include "core/run.h"

#include <string.h>

#define PATTERN_WORDS ((MS_PAGE_SIZE - sizeof(struct stamp)) / sizeof(uint64_t))

static inline uint64_t mix(uint64_t x)
{
	/* splitmix64 finaliser */
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static inline uint64_t pattern_word(uint64_t base, size_t i)
{
	return mix(base + i);
}

static uint64_t pattern_base(uint64_t seed, uint32_t idx, uint32_t gen)
{
	return mix(seed ^ ((uint64_t)idx << 32 | gen));
}

static uint64_t csum_step(uint64_t c, uint64_t w)
{
	return (c ^ w) * 0x100000001b3ULL + (c >> 29);
}

uint64_t stamp_pattern_csum(uint64_t seed, uint32_t idx, uint32_t gen)
{
	uint64_t base = pattern_base(seed, idx, gen), c = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < PATTERN_WORDS; i++)
		c = csum_step(c, pattern_word(base, i));
	return c;
}

void stamp_write(void *page, uint64_t seed, uint16_t region, uint32_t idx, uint32_t gen)
{
	uint64_t *w = (uint64_t *)((char *)page + sizeof(struct stamp));
	uint64_t base = pattern_base(seed, idx, gen), c = 0xcbf29ce484222325ULL;
	struct stamp s = {
		.magic = STAMP_MAGIC, .region = region, .page = idx, .gen = gen, .seed = seed,
	};
	size_t i;

	for (i = 0; i < PATTERN_WORDS; i++) {
		w[i] = pattern_word(base, i);
		c = csum_step(c, w[i]);
	}
	s.csum = c;
	memcpy(page, &s, sizeof(s));
}

enum stamp_state stamp_check(const void *page, struct stamp *out)
{
	const uint64_t *w = (const uint64_t *)((const char *)page + sizeof(struct stamp));
	uint64_t base, c = 0xcbf29ce484222325ULL;
	size_t i;

	memcpy(out, page, sizeof(*out));
	if (out->magic != STAMP_MAGIC) {
		const uint64_t *all = page;

		for (i = 0; i < MS_PAGE_SIZE / sizeof(uint64_t); i++)
			if (all[i])
				return STAMP_GARBAGE;
		return STAMP_ZERO;
	}
	base = pattern_base(out->seed, out->page, out->gen);
	for (i = 0; i < PATTERN_WORDS; i++) {
		if (w[i] != pattern_word(base, i))
			return STAMP_CORRUPT;
		c = csum_step(c, w[i]);
	}
	return c == out->csum ? STAMP_OK : STAMP_CORRUPT;
}

const char *stamp_state_name(enum stamp_state s)
{
	static const char *const names[] = {
		[STAMP_OK] = "ok", [STAMP_ZERO] = "zeroed",
		[STAMP_GARBAGE] = "garbage", [STAMP_CORRUPT] = "corrupt",
	};
	return names[s];
}
