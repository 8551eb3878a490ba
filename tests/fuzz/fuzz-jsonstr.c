// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: the JSON string escaper. What it writes must be valid
 * JSON string contents: no control character, no lone '"' or '\', and only
 * valid UTF-8 (checked again here, independently). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonstr.h"

static unsigned char out[1 << 16];
static size_t olen;

static void emit(void *ctx, const char *p, size_t n)
{
	(void)ctx;
	if (n > sizeof(out) - olen)
		abort();
	memcpy(out + olen, p, n);
	olen += n;
}

static void check(void)
{
	for (size_t i = 0; i < olen; i++) {
		unsigned char c = out[i];
		size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
			   (c & 0xf8) == 0xf0 ? 4 : 0;

		if (c < 0x20 || c == '"' || !n || i + n > olen)
			abort();
		if (c == '\\') {
			if (i + 1 >= olen || !strchr("\"\\u", out[i + 1]))
				abort();
			i += out[i + 1] == 'u' ? 5 : 1;
			continue;
		}
		for (size_t k = 1; k < n; k++)
			if ((out[i + k] & 0xc0) != 0x80)
				abort();
		i += n - 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[4096];

	if (size >= sizeof(s))
		size = sizeof(s) - 1;
	memcpy(s, data, size);
	s[size] = '\0';
	olen = 0;
	dbd_json_escape(s, emit, NULL);
	check();
	return 0;
}
