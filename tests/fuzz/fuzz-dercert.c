// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: a DER certificate's serial. What it gives is "XX"
 * bytes joined by ':' and fits the buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dercert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[64];
	size_t l;

	memset(out, 'x', sizeof(out));
	if (dbd_der_cert_serial(data, size, out, sizeof(out)))
		return 0;
	l = strnlen(out, sizeof(out));
	if (l == sizeof(out) || (l + 1) % 3)
		abort();
	for (size_t i = 2; i < l; i += 3)
		if (out[i] != ':')
			abort();
	return 0;
}
