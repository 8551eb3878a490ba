// SPDX-License-Identifier: GPL-2.0-or-later
/* dbdboot: all the facts about one kernel (see facts.h). */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "dbdboot.h"
#include "facts.h"
#include "run.h"

char *rpath_resolved(char *out, const char *path)
{
	size_t rl = strlen(opt.root);
	char cur[PATH_MAX], link[PATH_MAX], rest[PATH_MAX];

	snprintf(cur, sizeof(cur), "%s", path);
	/* Follow links component by component, re-rooting absolute targets. */
	for (int hops = 0; hops < 40; hops++) {
		char *s = cur + rl, *slash;
		ssize_t n = -1;

		while (s && *s) {
			slash = strchr(s + 1, '/');
			if (slash)
				*slash = '\0';
			n = readlink(cur, link, sizeof(link) - 1);
			if (slash)
				*slash = '/';
			if (n > 0) {
				link[n] = '\0';
				snprintf(rest, sizeof(rest), "%s", slash ? slash : "");
				if (slash)
					*slash = '\0';
				if (link[0] == '/') {
					snprintf(cur, sizeof(cur), "%s%s%s", opt.root, link, rest);
				} else {
					char *dir = strrchr(cur + rl, '/');
					char base[PATH_MAX];

					if (dir)
						*dir = '\0';
					snprintf(base, sizeof(base), "%s", cur);
					snprintf(cur, sizeof(cur), "%s/%s%s", base, link, rest);
				}
				break;
			}
			s = slash;
		}
		if (n <= 0)
			break;
	}
	snprintf(out, PATH_MAX, "%s", cur);
	return out;
}

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

int facts_get(const char *kver, struct facts *f)
{
	int ret;

	memset(f, 0, sizeof(*f));
	ret = kernel_probe(kver, &f->k);
	if (ret)
		return ret;
	dkms_facts(kver, &f->dkms);
	module_facts(kver, NULL, &f->mod);
	initrd_facts(kver, &f->mod, &f->initrd);
	f->ready = f->k.image && f->mod.found && !f->mod.problem[0] && f->initrd.found &&
		   !f->initrd.problem[0] && f->initrd.module == INITRD_OK &&
		   f->initrd.agent == INITRD_OK && f->initrd.script == INITRD_OK &&
		   (f->initrd.manifest == INITRD_OK || f->initrd.manifest == INITRD_NONE);
	return 0;
}
