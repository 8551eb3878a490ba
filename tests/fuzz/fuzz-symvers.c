// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: the Module.symvers lookup. The first line of the input
 * is the symbol looked up in the rest; it must never read past the end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "symvers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	char sym[128];
	uint32_t crc;
	size_t n;
	char *copy;

	if (!nl || (size_t)(nl - data) >= sizeof(sym))
		return 0;
	n = (size_t)(nl - data);
	memcpy(sym, data, n);
	sym[n] = '\0';
	/* An exact-size copy: ASan sees any read past the end. */
	copy = malloc(size - n - 1 ? size - n - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, nl + 1, size - n - 1);
	dbd_symvers_crc(copy, size - n - 1, sym, &crc);
	free(copy);
	return 0;
}
