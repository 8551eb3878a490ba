// SPDX-License-Identifier: GPL-2.0-or-later
/* dbdboot: the installed kernels (see kernel.h). */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "dbdboot.h"
#include "kernel.h"
#include "rootpath.h"

int kver_valid(const char *kver)
{
	size_t n = strlen(kver);

	if (!n || n >= KVER_MAX || !strcmp(kver, ".") || !strcmp(kver, ".."))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (kver[i] == '/' || kver[i] <= ' ' || kver[i] > '~')
			return 0;
	return 1;
}

static int add(char (*out)[KVER_MAX], int n, int max, const char *kver)
{
	if (!kver_valid(kver))
		return n;
	for (int i = 0; i < n; i++)
		if (!strcmp(out[i], kver))
			return n;
	if (n >= max) {
		warn("more than %d kernels: '%s' and later ones ignored", max, kver);
		return n;
	}
	strcpy(out[n], kver);
	return n + 1;
}

static int cmp_kver(const void *a, const void *b)
{
	return strverscmp(a, b);
}

int kernels_list(char (*out)[KVER_MAX], int max)
{
	char p[PATH_MAX];
	struct dirent *d;
	DIR *dir;
	int n = 0;

	dir = opendir(rpath(p, "/boot"));
	if (dir) {
		while ((d = readdir(dir)))
			if (!strncmp(d->d_name, "vmlinuz-", 8))
				n = add(out, n, max, d->d_name + 8);
		closedir(dir);
	}
	dir = opendir(rpath(p, "/lib/modules"));
	if (dir) {
		while ((d = readdir(dir))) {
			char q[PATH_MAX];

			if (d->d_name[0] == '.')
				continue;
			/* A directory left with only our files or dkms' leftovers is no kernel. */
			if (path_exists(rpath(q, "/lib/modules/%s/modules.dep", d->d_name)) ||
			    path_exists(rpath(q, "/lib/modules/%s/kernel", d->d_name)) ||
			    path_exists(rpath_resolved(q, rpath(p, "/lib/modules/%s/build/Makefile",
								  d->d_name))))
				n = add(out, n, max, d->d_name);
		}
		closedir(dir);
	}
	qsort(out, (size_t)n, KVER_MAX, cmp_kver);
	return n;
}

const char *sysmap_state_str(enum sysmap_state s)
{
	static const char *const names[] = { "missing", "placeholder", "real", "recovered" };

	return names[s];
}

enum sysmap_state sysmap_classify(const char *path)
{
	unsigned char *buf;
	size_t len;
	enum sysmap_state s;

	if (read_file(path, 256u << 20, &buf, &len))
		return path_exists(path) ? SYSMAP_PLACEHOLDER : SYSMAP_MISSING;
	/* Debian's placeholder is one line; a real map has _text among
	 * tens of thousands of "ADDRESS TYPE NAME" lines. */
	s = len > 4096 && (strstr((char *)buf, " T _text\n") || strstr((char *)buf, " t _text\n")) ?
		    SYSMAP_REAL : SYSMAP_PLACEHOLDER;
	free(buf);
	return s;
}

int kernel_probe(const char *kver, struct kernel *k)
{
	/* Where the driver's build looks, in its order. */
	static const char *const maps[][2] = { { "/lib/modules/", "/System.map" },
					       { "/boot/System.map-", "" },
					       { "/usr/lib/debug/boot/System.map-", "" } };
	char p[PATH_MAX], q[PATH_MAX];

	memset(k, 0, sizeof(*k));
	if (!kver_valid(kver))
		return -EINVAL;
	strcpy(k->kver, kver);
	k->image = path_exists(rpath(p, "/boot/vmlinuz-%s", kver));
	k->modules = path_exists(rpath(p, "/lib/modules/%s/modules.dep", kver)) ||
		     path_exists(rpath(p, "/lib/modules/%s/kernel", kver));
	k->headers = path_exists(rpath_resolved(q, rpath(p, "/lib/modules/%s/build/Makefile", kver)));
	k->sysmap = SYSMAP_MISSING;
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		enum sysmap_state s = sysmap_classify(rpath(p, "%s%s%s", maps[i][0], kver, maps[i][1]));

		if (s == SYSMAP_MISSING)
			continue;
		if (k->sysmap == SYSMAP_MISSING || (s == SYSMAP_REAL && k->sysmap != SYSMAP_REAL)) {
			k->sysmap = s;
			snprintf(k->sysmap_path, sizeof(k->sysmap_path), "%s%s%s", maps[i][0], kver,
				 maps[i][1]);
		}
		if (s == SYSMAP_REAL)
			break;
	}
	if (k->sysmap == SYSMAP_REAL && i_wrote_sysmap(kver) &&
	    !strncmp(k->sysmap_path, "/lib/modules/", 13))
		k->sysmap = SYSMAP_RECOVERED;
	return 0;
}
