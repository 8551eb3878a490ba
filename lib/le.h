/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading little- and big-endian integers from unaligned bytes. */
#ifndef DBDBOOT_LE_H
#define DBDBOOT_LE_H

#include <stdint.h>

static inline uint16_t dbd_le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t dbd_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t dbd_le64(const unsigned char *p)
{
	return (uint64_t)dbd_le32(p) | (uint64_t)dbd_le32(p + 4) << 32;
}

static inline uint32_t dbd_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

#endif
