// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: the bundle reader (gzip with a size cap, tar, the
 * metadata lines). What it gives must lie inside what it unpacked. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bundlefmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dbd_bundle b;
	char why[256];

	dbd_unpack_max_out = 16u << 20;
	if (!dbd_bundle_read(data, size, &b, why, sizeof(why))) {
		if (b.ko < b.tar.p || b.ko_size > b.tar.len ||
		    (size_t)(b.ko - b.tar.p) > b.tar.len - b.ko_size)
			abort();
		if (strlen(b.sha256) != 64 || memchr(b.kernel, '\n', sizeof(b.kernel)))
			abort();
	}
	free(b.tar.p);
	return 0;
}
