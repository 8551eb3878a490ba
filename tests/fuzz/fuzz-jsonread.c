// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: the JSON reader, and its getters on what it parsed
 * (the verdict reads the agent's report, the shutdown record and the last
 * verdict through them). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonread.h"

static struct dbd_jtok tok[512];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1), s[64];
	struct dbd_json j;
	long long v;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (!dbd_json_parse(copy, size, tok, 512, &j)) {
		for (unsigned int i = 0; i < j.n; i++) {
			if (tok[i].end > size || tok[i].start > tok[i].end || tok[i].next > j.n ||
			    tok[i].next <= i)
				__builtin_trap();
			dbd_json_str(&j, (int)i, s, sizeof(s));
			dbd_json_int(&j, (int)i, &v);
			dbd_json_at(&j, (int)i, 1);
			dbd_json_get(&j, (int)i, "minor");
		}
	}
	free(copy);
	return 0;
}
