// SPDX-License-Identifier: GPL-2.0-or-later
/* dbdboot: the system's initrd generator and its paths (see generator.h). */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "dbdboot.h"
#include "generator.h"
#include "rootpath.h"
#include "run.h"

const char *initrd_generator(void)
{
	char p[PATH_MAX];

	/* Debian's: initramfs-tools unless dracut replaced it. */
	if (path_exists(rpath(p, "/usr/sbin/update-initramfs")) &&
	    path_exists(rpath(p, "/usr/share/initramfs-tools/hook-functions")))
		return "initramfs-tools";
	if (have_program("dracut"))
		return "dracut";
	return NULL;
}

int initrd_path(const char *kver, char *out, size_t n)
{
	static const char *const names[][2] = { { "/boot/initrd.img-", "" },
						{ "/boot/initramfs-", ".img" } };
	char p[PATH_MAX];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(out, n, "%s%s%s", names[i][0], kver, names[i][1]);
		if (path_exists(rpath(p, "%s", out)))
			return 1;
	}
	snprintf(out, n, "%s%s%s", names[0][0], kver, names[0][1]);
	return 0;
}

int generator_argv(const char *gen, const char *kver, const char *initrd, int exists,
		   const char *argv[6])
{
	if (!strcmp(gen, "initramfs-tools")) {
		argv[0] = "update-initramfs";
		argv[1] = exists ? "-u" : "-c";
		argv[2] = "-k";
		argv[3] = kver;
		argv[4] = NULL;
		return RUN_UPDATE_INITRAMFS;
	}
	argv[0] = "dracut";
	argv[1] = "-f";
	argv[2] = "--kver";
	argv[3] = kver;
	argv[4] = initrd;
	argv[5] = NULL;
	return RUN_DRACUT;
}
