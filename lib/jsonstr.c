// SPDX-License-Identifier: GPL-2.0-or-later
/* See jsonstr.h. Safe on any bytes (fuzzed). */
#include <stdio.h>

#include "jsonstr.h"
#include "fmt.h"

/* The length of the valid UTF-8 sequence at P (2 to 4), or 0. */
static size_t utf8_len(const unsigned char *p)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;	/* no overlong forms */
	else if (c == 0xed)
		hi = 0x9f;	/* no surrogates */
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;	/* nothing past U+10FFFF */
	for (i = 1; i < n; i++, lo = 0x80, hi = 0xbf)
		if (p[i] < lo || p[i] > hi)
			return 0;	/* also stops at the terminating NUL */
	return n;
}

void dbd_json_escape(const char *s, void (*emit)(void *ctx, const char *p, size_t n), void *ctx)
{
	const unsigned char *p = (const unsigned char *)s;
	char esc[8];

	while (*p) {
		size_t run = 0, n;

		while (p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' && p[run] != '\\')
			run++;
		if (run) {
			emit(ctx, (const char *)p, run);
			p += run;
			continue;
		}
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p++;
			emit(ctx, esc, 2);
		} else if (*p >= 0x80 && (n = utf8_len(p)) > 0) {
			emit(ctx, (const char *)p, n);
			p += n;
		} else {
			dbd_snprintf(esc, sizeof(esc), "\\u%04x", *p++);
			emit(ctx, esc, 6);
		}
	}
}
