/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Builds a small image holding kallsyms tables laid out as
 * scripts/kallsyms.c lays them out, for the kallsyms finder's tests and
 * its fuzzer's seed: N symbols, "A" per-cpu first, "T _text" at BASE, then
 * functions. Token i is the character i (printable ones), token 0x80 is
 * "text", the rest are empty, as unused tokens are.
 */
#ifndef KSYMS_IMAGE_H
#define KSYMS_IMAGE_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define KSYMS_BASE 0xffffffff81000000ull

enum ksyms_layout { KSYMS_61, KSYMS_NEWER, KSYMS_ABSOLUTE };

struct ksyms_img {
	unsigned char b[1 << 16];
	size_t len;
};

static void ki_put(struct ksyms_img *k, const void *p, size_t n)
{
	memcpy(k->b + k->len, p, n);
	k->len += n;
}

static void ki_align(struct ksyms_img *k, size_t a)
{
	while (k->len % a)
		k->b[k->len++] = 0;
}

static void ki_u16(struct ksyms_img *k, uint16_t v)
{
	unsigned char p[2] = { (unsigned char)v, (unsigned char)(v >> 8) };

	ki_put(k, p, 2);
}

static void ki_u32(struct ksyms_img *k, uint32_t v)
{
	ki_u16(k, (uint16_t)v);
	ki_u16(k, (uint16_t)(v >> 16));
}

static void ki_u64(struct ksyms_img *k, uint64_t v)
{
	ki_u32(k, (uint32_t)v);
	ki_u32(k, (uint32_t)(v >> 32));
}

/* Symbol I: its type+name and its address. */
static void ki_sym(unsigned int i, char *name, size_t n, uint64_t *addr)
{
	if (i == 0) {
		snprintf(name, n, "Afixed_percpu_data");
		*addr = 0;
	} else if (i == 1) {
		snprintf(name, n, "T_text");
		*addr = KSYMS_BASE;
	} else {
		snprintf(name, n, "%cfunc_%u", i % 3 ? 't' : 'T', i);
		*addr = KSYMS_BASE + 16ull * i;
	}
}

static void ki_addrs(struct ksyms_img *k, unsigned int n, enum ksyms_layout l)
{
	char name[64];
	uint64_t a;

	for (unsigned int i = 0; i < n; i++) {
		ki_sym(i, name, sizeof(name), &a);
		if (l == KSYMS_ABSOLUTE)
			ki_u64(k, a);
		else
			ki_u32(k, (uint32_t)(a < KSYMS_BASE ? (int32_t)a :
					     (int32_t)(-1 - (int64_t)(a - KSYMS_BASE))));
	}
	ki_align(k, 8);
	if (l != KSYMS_ABSOLUTE)
		ki_u64(k, KSYMS_BASE);
}

static void ki_names_to_index(struct ksyms_img *k, unsigned int n)
{
	uint32_t marks[256];
	uint16_t idx[256];
	size_t start, t;
	char name[64];
	uint64_t a;

	start = k->len;
	for (unsigned int i = 0; i < n; i++) {
		unsigned char enc[64];
		size_t e = 0;

		if (i % 256 == 0)
			marks[i / 256] = (uint32_t)(k->len - start);
		ki_sym(i, name, sizeof(name), &a);
		for (const char *s = name; *s; s++) {
			if (!strncmp(s, "text", 4)) {
				enc[e++] = 0x80;
				s += 3;
			} else {
				enc[e++] = (unsigned char)*s;
			}
		}
		k->b[k->len++] = (unsigned char)e;
		ki_put(k, enc, e);
	}
	ki_align(k, 8);
	for (unsigned int i = 0; i < (n + 255) / 256; i++)
		ki_u32(k, marks[i]);
	ki_align(k, 8);
	t = k->len;
	for (unsigned int i = 0; i < 256; i++) {
		idx[i] = (uint16_t)(k->len - t);
		if (i == 0x80)
			ki_put(k, "text", 4);
		else if (i > 0x20 && i < 0x7f)
			k->b[k->len++] = (unsigned char)i;
		k->b[k->len++] = 0;
	}
	ki_align(k, 8);
	for (unsigned int i = 0; i < 256; i++)
		ki_u16(k, idx[i]);
}

/* N symbols (2..65535) after some leading junk, in layout L. */
static void ksyms_image(struct ksyms_img *k, unsigned int n, enum ksyms_layout l)
{
	memset(k, 0, sizeof(*k));
	for (k->len = 0; k->len < 1000; k->len++)
		k->b[k->len] = (unsigned char)(k->len * 7);
	ki_align(k, 8);
	if (l != KSYMS_NEWER)
		ki_addrs(k, n, l);
	ki_u32(k, n);
	ki_align(k, 8);
	ki_names_to_index(k, n);
	ki_align(k, 8);
	if (l == KSYMS_NEWER)
		ki_addrs(k, n, l);
	for (unsigned int i = 0; i < 64; i++)
		k->b[k->len++] = 0xcc;
}

#endif
