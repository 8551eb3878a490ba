// SPDX-License-Identifier: GPL-2.0-or-later
/* See symvers.h. Safe on any bytes (fuzzed). */
#include <errno.h>
#include <string.h>

#include "symvers.h"
#include "uuid.h"

/* "0xHEX<TAB>" at P (up to END): the CRC and where the symbol starts. */
static const char *crc_field(const char *p, const char *end, uint32_t *crc)
{
	uint64_t v = 0;
	int digits = 0, h;

	if (end - p < 4 || p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
		return NULL;
	for (p += 2; p < end && (h = dbd_hexval(*p)) >= 0; p++, digits++)
		v = v << 4 | (unsigned int)h;
	if (!digits || digits > 16 || p >= end || *p != '\t')
		return NULL;
	*crc = (uint32_t)v;
	return p + 1;
}

int dbd_symvers_crc(const char *text, size_t len, const char *sym, uint32_t *crc)
{
	const char *p = text, *end = text + len;
	size_t n = strlen(sym);

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *s;
		uint32_t c;

		if (!eol)
			eol = end;
		s = crc_field(p, eol, &c);
		if (s && (size_t)(eol - s) > n && !memcmp(s, sym, n) && s[n] == '\t') {
			*crc = c;
			return 0;
		}
		p = eol + 1;
	}
	return -ENOENT;
}
