/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MOVESTRESS_SHA256_H
#define MOVESTRESS_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* the SHA-256 digest of @len bytes at @data */
void sha256(const void *data, size_t len, uint8_t out[32]);

#endif
