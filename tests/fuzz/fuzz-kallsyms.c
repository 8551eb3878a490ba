// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: the bzImage header and the kallsyms finder. */
#include <stddef.h>
#include <stdint.h>

#include "kallsyms.h"

static int visit(void *ctx, uint64_t addr, char type, const char *name)
{
	(void)ctx;
	(void)addr;
	(void)type;
	(void)name;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dbd_kallsyms ks;
	const unsigned char *p;
	enum dbd_comp c;
	size_t n;
	char err[256];

	dbd_bzimage_payload(data, size, &p, &n, &c, err, sizeof(err));
	if (!dbd_kallsyms_find(data, size, &ks, err, sizeof(err)))
		dbd_kallsyms_each(&ks, visit, NULL);
	return 0;
}
