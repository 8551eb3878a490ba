// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: lib/elfmod.c on untrusted bytes (an initrd's module).
 * A module is always the same as itself; the answer is symmetric. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "elfmod.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t half = size / 2;
	int ab = dbd_elf_same_module(data, half, data + half, size - half);
	int ba = dbd_elf_same_module(data + half, size - half, data, half);
	int aa = dbd_elf_same_module(data, size, data, size);

	if (ab != ba || (aa != 1 && aa != -EINVAL))
		abort();
	return 0;
}
