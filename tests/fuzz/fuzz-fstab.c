// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: the /etc/fstab reader and what dbdboot-generator makes
 * of each entry: the unit name of its mount point, the /dev path of its
 * device. A unit name never holds '/', and nothing is written past a
 * buffer (ASan). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devspec.h"
#include "fstab.h"
#include "unitname.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1);	/* the text and its NUL: ASan sees overreads */
	struct dbd_fstab f;
	struct dbd_fstab_entry e;
	struct dbd_volume v;
	char out[300];

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	dbd_fstab_open(&f, copy, size);
	while (dbd_fstab_next(&f, &e)) {
		if (!dbd_unit_from_path(e.file, ".mount", out, sizeof(out)) && strchr(out, '/'))
			__builtin_trap();
		dbd_fstab_has_opt(e.opts, "nofail");
		memset(&v, 0, sizeof(v));
		snprintf(v.device, sizeof(v.device), "%s", e.spec);
		v.dev_kind = !strncmp(e.spec, "LABEL=", 6) ? DBD_DEV_LABEL : DBD_DEV_PATH;
		v.dev_value = v.dev_kind == DBD_DEV_LABEL ? v.device + 6 : v.device;
		if (!dbd_devspec_path(&v, out, sizeof(out)) && strlen(out) >= sizeof(out))
			__builtin_trap();
	}
	free(copy);
	return 0;
}
