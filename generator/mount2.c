// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot-generator: the drop-ins that keep a tracked volume's mounts on
 * mount(2). dattobd (0.12.1, and the test double as it) sees a volume
 * mounted, remounted read-write or read-only only through the mount(2)
 * path (it hooks path_mount). libmount since util-linux 2.39 mounts with
 * the new mount API instead (fsopen, fsconfig, fsmount, move_mount) when
 * the kernel has it, as Debian 13's does: a reloaded volume mounted that
 * way is never made active and is written to untracked, a broken chain at
 * every boot. libmount reads LIBMOUNT_FORCE_MOUNT2=always and then uses
 * mount(2) (an older libmount ignores it, mount(2) being all it has), so
 * it is set for the mount(8) that systemd runs for each fstab mount of a
 * tracked volume (DIR/UNIT.mount.d/) and, when the root or /usr is
 * tracked, for systemd-remount-fs.service (its read-write remount).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "generator.h"
#include "unitname.h"

#define DROPIN "50-dbdboot-mount2.conf"

static const char why[] =
	"# Written by dbdboot-generator: minor %u is tracked by dattobd, which sees\n"
	"# mounts through mount(2) only; libmount's new mount API would pass it by.\n"
	"[%s]\nEnvironment=LIBMOUNT_FORCE_MOUNT2=always\n";

/* DIR/UNIT.d/50-dbdboot-mount2.conf, section SECTION. 0 or -errno. */
static int dropin(const struct gen_conf *c, const char *unit, const char *section, unsigned int minor)
{
	char d[PATH_MAX], text[512];
	int n;

	if ((size_t)snprintf(d, sizeof(d), "%s/%s.d", c->dir, unit) >= sizeof(d))
		return -ENAMETOOLONG;
	if (mkdir(d, 0755) && errno != EEXIST)
		return -errno;
	n = snprintf(text, sizeof(text), why, minor, section);
	if (n < 0 || (size_t)n >= sizeof(text))
		return -E2BIG;
	return gen_replace(d, DROPIN, text, (size_t)n);
}

int gen_write_mount2(const struct gen_conf *c, const struct dbd_volume *v,
		     const char *const *files, unsigned int n)
{
	char unit[PATH_MAX];
	int ret = 0, r;

	for (unsigned int i = 0; i < n; i++) {
		if (dbd_unit_from_path(files[i], ".mount", unit, sizeof(unit)))
			continue;
		if ((r = dropin(c, unit, "Mount", v->minor)) && !ret)
			ret = r;
	}
	if (gen_initramfs_mounted(v, files, n) &&
	    (r = dropin(c, "systemd-remount-fs.service", "Service", v->minor)) && !ret)
		ret = r;
	if (ret)
		gen_say("could not keep the mounts of minor %u on mount(2) (in '%s': %s): "
			"with libmount's new mount API dattobd does not see them",
			v->minor, c->dir, strerror(-ret));
	return ret;
}
