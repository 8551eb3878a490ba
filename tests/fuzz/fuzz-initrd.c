// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: the initrd reader (cpio segments, decompressors). */
#include <stddef.h>
#include <stdint.h>

#include "initrd.h"

static int visit(void *ctx, const struct dbd_initrd_entry *e)
{
	volatile unsigned char sink = 0;

	(void)ctx;
	if (e->size)	/* every byte it hands out must be readable */
		sink = e->data[0] ^ e->data[e->size - 1];
	(void)sink;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];

	dbd_unpack_max_out = 16u << 20;
	dbd_unpack_max_decoder_mem = 64u << 20;
	dbd_initrd_walk(data, size, visit, NULL, err, sizeof(err));
	/* and as inject --manifest-only walks it: zstd cut after a prefix */
	dbd_initrd_walk_prefix(data, size, 1 + size % 4096, visit, NULL, NULL, err, sizeof(err));
	return 0;
}
