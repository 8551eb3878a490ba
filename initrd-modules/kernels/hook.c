// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot kernel-hook EVENT KVER: what the kernel install hooks run (see
 * initrd-modules/kernels/hooks/). Whatever happens it exits 0, so that a package
 * installation never fails because of us; what went wrong is said on
 * stderr with the command to run by hand.
 *
 *   image-installed KVER    /etc/kernel/postinst.d/dbdboot, before dkms and
 *                           the initrd generators: System.map, build
 *   initrd-made KVER        /etc/kernel/postinst.d/zz-dbdboot, after them:
 *                           check the initrd, make it again if it lacks us
 *   headers-installed KVER  /etc/kernel/header_postinst.d/dbdboot: build,
 *                           and when the image came first, make its initrd
 *                           again (nothing else would)
 *   removed KVER            /etc/kernel/postrm.d/dbdboot: remove what
 *                           dbdboot wrote for the kernel
 *   module-installed KVER   the postinst and postrm of a package that
 *   module-removed KVER     dbdboot package made: the initrd checked, and
 *                           made again when it lacks the module now chosen,
 *                           or holds one when none is left
 *   kernel-install add|remove KVER ...   the kernel-install(8) plugin
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dbdboot.h"
#include "facts.h"
#include "files.h"
#include "inject.h"
#include "rebuild.h"
#include "rootpath.h"

static void by_hand(const char *kver)
{
	ERR("kernel hook: dattobd is not ready for %s; the package installation goes on. "
	    "When the cause is fixed, run: dbdboot rebuild -k %s && dbdboot inject -k %s",
	    kver, kver, kver);
}

static int image_installed(const char *kver)
{
	struct rebuild_result r;
	int ret = rebuild_one(kver, 0, &r);

	if (ret < 0 && ret != -EKEYREJECTED)
		by_hand(kver);
	return 0;
}

/*
 * A module package removed, and no other dattobd left for KVER: the initrd
 * still loads the removed module at boot. It is made again without it, so
 * that the initrd holds what is installed, and status and the hooks say
 * the kernel is not ready.
 */
static void module_gone(const char *kver, const struct facts *f)
{
	warn("%s: dattobd-modules-%s is removed and no other dattobd is installed for this "
	     "kernel: making '%s' again without it; the kernel is NOT READY until a module is "
	     "installed (the fleet's package, or dkms and linux-headers-%s to build one)",
	     kver, kver, f->initrd.path, kver);
	if (inject_remake(kver))
		ERR("kernel hook: '%s' still holds the removed dattobd; run: update-initramfs -u -k "
		    "%s (or dracut -f --kver %s)", f->initrd.path, kver, kver);
}

static int initrd_made(const char *kver, int module_removed)
{
	struct facts f;

	if (facts_get(kver, FACT_ALL, &f) || !f.k.image)
		return 0;
	if (module_removed && !f.mod.found && f.initrd.found && f.initrd.module == INITRD_OK) {
		module_gone(kver, &f);
		return 0;
	}
	if (f.mod.found && !f.mod.problem[0] && !f.sig.will_load)
		warn("%s: dattobd %s", kver, f.sig.why);
	if (facts_initrd_complete(&f) && f.mod.found && !f.mod.problem[0]) {
		info("%s: '%s' holds dattobd, the agent and the manifest", kver, f.initrd.path);
		return 0;
	}
	if (!f.mod.found || f.mod.problem[0]) {
		if (!f.k.headers)
			info("%s: no dattobd in '%s' yet: it will be added when dattobd-modules-%s "
			     "(your fleet's package) or linux-headers-%s (to build it) is installed",
			     kver, f.initrd.path, kver, kver);
		else
			by_hand(kver);
		return 0;
	}
	if (inject_one(kver, 0) < 0)
		by_hand(kver);
	return 0;
}

static int headers_installed(const char *kver)
{
	struct rebuild_result r;
	struct facts f;
	int ret = rebuild_one(kver, 0, &r);

	/* A module the kernel will refuse for its signature is still built and
	 * goes into the initrd: enrolling the key is all that is left. */
	if (ret < 0 && ret != -EKEYREJECTED) {
		by_hand(kver);
		return 0;
	}
	if (ret == REBUILD_DEFERRED) {
		if (r.outcome && !strcmp(r.outcome, "deferred-image") &&
		    !facts_get(kver, FACT_DKMS, &f) && f.dkms.nversions)
			warn("%s: dkms' own hook, next, will try to build dattobd for this kernel "
			     "and fail: without the image there is no System.map to build with. That "
			     "failure is expected and harmless; dbdboot builds dattobd when the image "
			     "is installed, and 'dpkg --configure -a' then finishes the headers' "
			     "package", kver);
		return 0;
	}
	/* The image came first: its initrd was made without the module. */
	if (facts_get(kver, FACT_ALL, &f) || facts_initrd_complete(&f) || !f.initrd.found)
		return 0;
	if (inject_one(kver, 0) < 0)
		by_hand(kver);
	return 0;
}

static int removed(const char *kver)
{
	char p[PATH_MAX], d[PATH_MAX];
	struct dirent *e;
	DIR *dir;

	if (state_has(kver, "System.map") &&
	    remove_path(rpath(p, "/lib/modules/%s/System.map", kver), 0) == 0)
		info("%s: removed the recovered '/lib/modules/%s/System.map'", kver, kver);
	/* A module a bundle import wrote outside dkms: the kernel is gone. */
	if (state_has(kver, "bundle") &&
	    remove_path(rpath(p, "/lib/modules/%s/updates/dkms/dattobd.ko", kver), 0) == 0) {
		info("%s: removed '/lib/modules/%s/updates/dkms/dattobd.ko', which a bundle "
		     "import installed", kver, kver);
		remove_path(rpath(p, "/lib/modules/%s/updates/dkms", kver), 1);
		remove_path(rpath(p, "/lib/modules/%s/updates", kver), 1);
	}
	dir = opendir(state_path(d, kver, ""));
	if (dir) {
		while ((e = readdir(dir)))
			if (e->d_name[0] != '.')
				remove_path(state_path(p, kver, e->d_name), 0);
		closedir(dir);
		remove_path(d, 1);
	}
	/* What the kernel's packages left behind, empty, goes too. */
	remove_path(rpath(p, "/lib/modules/%s", kver), 1);
	return 0;
}

int cmd_kernel_hook(int argc, char **argv)
{
	const char *ev, *kver;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs("Usage: dbdboot kernel-hook EVENT KVER\n"
		      "  EVENT: image-installed, initrd-made, headers-installed, removed,\n"
		      "         module-installed, module-removed (a module package's scripts),\n"
		      "         or kernel-install add|remove KVER [...] (kernel-install(8))\n"
		      "Run by the kernel install hooks; always exits 0.\n", stdout);
		return EXIT_OK;
	}
	if (argc >= 4 && !strcmp(argv[1], "kernel-install")) {
		ev = !strcmp(argv[2], "add") ? "image-installed" :
		     !strcmp(argv[2], "remove") ? "removed" : NULL;
		kver = argv[3];
	} else if (argc == 3) {
		ev = argv[1];
		kver = argv[2];
	} else {
		ERR("usage: dbdboot kernel-hook EVENT KVER (see --help)");
		return EXIT_OK;
	}
	if (!ev || !kver_valid(kver)) {
		ERR("kernel hook: could not use '%s %s': unknown event or kernel release",
		    argv[1], argv[2]);
		return EXIT_OK;
	}
	if (!strcmp(ev, "image-installed"))
		return image_installed(kver);
	if (!strcmp(ev, "initrd-made") || !strcmp(ev, "module-installed") ||
	    !strcmp(ev, "module-removed"))
		return initrd_made(kver, !strcmp(ev, "module-removed"));
	if (!strcmp(ev, "headers-installed"))
		return headers_installed(kver);
	if (!strcmp(ev, "removed"))
		return removed(kver);
	ERR("kernel hook: could not use event '%s': unknown", ev);
	return EXIT_OK;
}
