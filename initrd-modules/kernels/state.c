// SPDX-License-Identifier: GPL-2.0-or-later
/* dbdboot: the record of what it wrote for each kernel (see kernel.h). */
#include <limits.h>
#include <string.h>

#include "dbdboot.h"
#include "files.h"
#include "kernel.h"
#include "rootpath.h"

char *state_path(char *out, const char *kver, const char *name)
{
	return rpath(out, STATE_DIR "/kernels/%s/%s", kver, name);
}

char *state_log(char *out, const char *kver, const char *name)
{
	write_atomic(state_path(out, kver, name), "", 0, 0644);
	return out;
}

int state_write(const char *kver, const char *name, const char *text)
{
	char p[PATH_MAX];

	return write_atomic(state_path(p, kver, name), text, strlen(text), 0644);
}

int state_cache(const char *kver, const char *name, const char *text)
{
	char p[PATH_MAX];

	return write_cache(state_path(p, kver, name), text, strlen(text));
}

int state_has(const char *kver, const char *name)
{
	char p[PATH_MAX];

	return path_exists(state_path(p, kver, name));
}
