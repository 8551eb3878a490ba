// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: modules.dep lines and the streaming reader. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "modload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dbd_moddep d;
	static char line[16384];
	static int fd = -1;

	if (size < sizeof(line)) {
		memcpy(line, data, size);
		line[size] = '\0';
		if (dbd_moddep_line(line, "dattobd", &d) == 1 && d.ndeps > DBD_MODDEP_MAX_DEPS)
			__builtin_trap();
	}
	if (fd < 0)
		fd = memfd_create("modules.dep", 0);
	if (fd < 0 || ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size ||
	    lseek(fd, 0, SEEK_SET))
		return 0;
	if (dbd_moddep_find(fd, "dattobd", &d) == 0 && strlen(d.path) >= DBD_MODPATH_MAX)
		__builtin_trap();
	return 0;
}
