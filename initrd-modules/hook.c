// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot kernel-hook EVENT KVER: what the kernel install hooks run (see
 * initrd-modules/hooks/). Whatever happens it exits 0, so that a package
 * installation never fails because of us; what went wrong is said on
 * stderr with the command to run by hand.
 *
 *   image-installed KVER    /etc/kernel/postinst.d/dbdboot, before dkms and
 *                           the initrd generators: System.map, build
 *   initrd-made KVER        /etc/kernel/postinst.d/zz-dbdboot, after them:
 *                           check the initrd, make it again if it lacks us
 *   headers-installed KVER  /etc/kernel/header_postinst.d/dbdboot: build,
 *                           and when the image came first, make its initrd
 *                           again (nothing else would); when the image is
 *                           still to come, hold dkms' own build off
 *   removed KVER            /etc/kernel/postrm.d/dbdboot: remove what
 *                           dbdboot wrote for the kernel
 *   kernel-install add|remove KVER ...   the kernel-install(8) plugin
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dbdboot.h"
#include "facts.h"
#include "inject.h"
#include "rebuild.h"

/*
 * Headers before image: dkms' own header hook would try to build dattobd
 * for a kernel whose image (so whose System.map) is not there yet, fail,
 * and fail the headers' package. dkms reads a per-kernel override of a
 * module's dkms.conf, /etc/dkms/MODULE-VERSION-KVER.conf: one that sets
 * AUTOINSTALL empty makes dkms' autoinstall pass dattobd by for that kernel
 * only. dbdboot writes it then (never over a file of someone else's),
 * records it, and removes it when the image arrives, before it builds.
 */
static void dkms_hold(const char *kver, int on)
{
	static const char text[] = "# Written by dbdboot: dattobd cannot be built for this kernel\n"
				   "# before its image is installed; removed when it is.\n"
				   "AUTOINSTALL=\"\"\n";
	char p[PATH_MAX], list[4096] = "";
	struct dkms_facts d;
	unsigned char *old;
	size_t len;

	if (!on) {
		if (read_file(state_path(p, kver, "dkms-hold"), sizeof(list), &old, &len))
			return;
		for (char *l = strtok((char *)old, "\n"); l; l = strtok(NULL, "\n"))
			if (!strncmp(l, "/etc/dkms/", 10) && !strstr(l, ".."))
				unlink(rpath(p, "%s", l));
		free(old);
		unlink(state_path(p, kver, "dkms-hold"));
		return;
	}
	dkms_facts(kver, &d);
	for (int i = 0; i < d.nversions; i++) {
		char rel[PATH_MAX];

		snprintf(rel, sizeof(rel), "/etc/dkms/" DKMS_MODULE "-%s-%s.conf", d.versions[i], kver);
		if (path_exists(rpath(p, "%s", rel)))
			continue;	/* the admin's own override: left alone */
		if (write_atomic(p, text, sizeof(text) - 1, 0644) == 0) {
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s\n", rel);
			info("%s: dkms' own build of dattobd %s held off until the image is installed "
			     "('%s')", kver, d.versions[i], rel);
		}
	}
	if (list[0])
		state_write(kver, "dkms-hold", list);
}

static void by_hand(const char *kver)
{
	err(0, "kernel hook: dattobd is not ready for %s; the package installation goes on. "
	    "When the cause is fixed, run: dbdboot rebuild -k %s && dbdboot inject -k %s",
	    kver, kver, kver);
}

static int image_installed(const char *kver)
{
	struct rebuild_result r;
	int ret;

	dkms_hold(kver, 0);
	ret = rebuild_one(kver, 0, &r);

	if (ret < 0)
		by_hand(kver);
	return 0;
}

static int initrd_made(const char *kver)
{
	struct facts f;

	if (facts_get(kver, &f) || !f.k.image)
		return 0;
	if (f.ready) {
		info("%s: '%s' holds dattobd, the agent and the manifest", kver, f.initrd.path);
		return 0;
	}
	if (!f.mod.found || f.mod.problem[0]) {
		if (!f.k.headers)
			info("%s: no dattobd in '%s' yet: it will be built and added when "
			     "linux-headers-%s is installed", kver, f.initrd.path, kver);
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

	if (ret < 0) {
		by_hand(kver);
		return 0;
	}
	if (ret == REBUILD_DEFERRED) {
		if (r.outcome && !strcmp(r.outcome, "deferred-image"))
			dkms_hold(kver, 1);
		return 0;
	}
	dkms_hold(kver, 0);
	/* The image came first: its initrd was made without the module. */
	if (facts_get(kver, &f) || f.ready || !f.initrd.found)
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

	dkms_hold(kver, 0);
	if (state_has(kver, "System.map") &&
	    unlink(rpath(p, "/lib/modules/%s/System.map", kver)) == 0)
		info("%s: removed the recovered '/lib/modules/%s/System.map'", kver, kver);
	dir = opendir(state_path(d, kver, ""));
	if (dir) {
		while ((e = readdir(dir)))
			if (e->d_name[0] != '.')
				unlink(state_path(p, kver, e->d_name));
		closedir(dir);
		rmdir(d);
	}
	/* What the kernel's packages left behind, empty, goes too. */
	rmdir(rpath(p, "/lib/modules/%s", kver));
	return 0;
}

int cmd_kernel_hook(int argc, char **argv)
{
	const char *ev, *kver;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs("Usage: dbdboot kernel-hook EVENT KVER\n"
		      "  EVENT: image-installed, initrd-made, headers-installed, removed,\n"
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
		err(0, "usage: dbdboot kernel-hook EVENT KVER (see --help)");
		return EXIT_OK;
	}
	if (!ev || !kver_valid(kver)) {
		err(0, "kernel hook: could not use '%s %s': unknown event or kernel release",
		    argv[1], argv[2]);
		return EXIT_OK;
	}
	if (!strcmp(ev, "image-installed"))
		return image_installed(kver);
	if (!strcmp(ev, "initrd-made"))
		return initrd_made(kver);
	if (!strcmp(ev, "headers-installed"))
		return headers_installed(kver);
	if (!strcmp(ev, "removed"))
		return removed(kver);
	err(0, "kernel hook: could not use event '%s': unknown", ev);
	return EXIT_OK;
}
