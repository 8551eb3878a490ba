// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: the /proc/datto-info parser. Every device it keeps must
 * hold NUL-terminated strings and a minor in range. And the free-minor
 * check, which reads only the exact LEN bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dattoinfo.h"

static struct dbd_datto_info info;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1);	/* exact size: ASan sees overreads */

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	dbd_dattoinfo_parse(copy, size, &info, NULL, NULL);
	if (dbd_dattoinfo_lists_minor(copy, size, 0) > 1)
		__builtin_trap();
	for (unsigned int i = 0; i < info.n; i++) {
		if (info.dev[i].minor >= DBD_DATTOINFO_MAX_DEVICES ||
		    strlen(info.dev[i].cow) > DBD_DATTOINFO_MAX_PATH ||
		    strlen(info.dev[i].bdev) > DBD_DATTOINFO_MAX_PATH || info.dev[i].state > 7)
			__builtin_trap();
	}
	free(copy);
	return 0;
}
