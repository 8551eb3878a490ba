// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: the manifest parser on any bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "manifest.h"

static struct dbd_manifest m;

static void diag(void *ctx, enum dbd_diag_level level, unsigned int line, const char *msg)
{
	(void)ctx;
	(void)level;
	(void)line;
	if (strlen(msg) > 255)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int i;

	dbd_manifest_parse((const char *)data, size, &m, diag, NULL);
	if (m.n > DBD_MANIFEST_MAX_VOLUMES)
		__builtin_trap();
	for (i = 0; i < m.n; i++) {
		/* Every kept volume is complete and its strings terminated. */
		if (m.vol[i].cow[0] != '/' || !m.vol[i].device[0] ||
		    m.vol[i].minor > DBD_MANIFEST_MAX_MINOR ||
		    m.vol[i].dev_value < m.vol[i].device ||
		    m.vol[i].dev_value > m.vol[i].device + strlen(m.vol[i].device))
			__builtin_trap();
	}
	return 0;
}
