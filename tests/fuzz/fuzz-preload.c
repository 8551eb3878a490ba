// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: the record of dattobd's early load (lib/preload.c),
 * which the agent reads from /run. What it accepts must hold NUL-terminated
 * strings and an end no earlier than the start, and format back to a
 * record that parses the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "preload.h"

static struct dbd_preload p, q;
static char out[DBD_PRELOAD_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1);	/* exact size: ASan sees overreads */
	size_t len;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (dbd_preload_parse(copy, size, &p) == 0) {
		if (strnlen(p.path, sizeof(p.path)) == sizeof(p.path) ||
		    strnlen(p.dep, sizeof(p.dep)) == sizeof(p.dep) || p.pid < 1 ||
		    (p.ended && p.ended_ms < p.started_ms))
			__builtin_trap();
		len = dbd_preload_format(&p, out, sizeof(out));
		if (!len || dbd_preload_parse(out, len, &q) || memcmp(&p, &q, sizeof(p)))
			__builtin_trap();
	}
	free(copy);
	return 0;
}
