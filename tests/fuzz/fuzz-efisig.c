// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: EFI signature lists (lib/efisig.c), as shim's
 * MokListRT holds the enrolled keys, each certificate's serial read
 * (lib/dercert.c) as status reads it. Every certificate given lies inside
 * the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dercert.h"
#include "efisig.h"

static const uint8_t *base;
static size_t total;

static int each(const unsigned char *der, size_t n, void *ctx)
{
	char serial[192];

	(void)ctx;
	if (der < base || der + n > base + total)
		__builtin_trap();
	dbd_der_cert_serial(der, n, serial, sizeof(serial));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);	/* exact size: ASan sees overreads */

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	base = copy;
	total = size;
	dbd_efi_x509_each(copy, size, each, NULL);
	free(copy);
	return 0;
}
