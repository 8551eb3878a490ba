// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot: dattobd's DKMS state, read from dkms' own tree (as dkms 3.0
 * lays it out): /var/lib/dkms/dattobd/VERSION/source for a registered
 * version, VERSION/KVER/ARCH/module/ for a build, kernel-KVER-ARCH -> the
 * build that is installed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "dbdboot.h"
#include "dkms.h"
#include "rootpath.h"

const char *dkms_state_str(enum dkms_state s)
{
	static const char *const names[] = { "unregistered", "registered", "built", "installed" };

	return names[s];
}

static int cmp_ver(const void *a, const void *b)
{
	return strverscmp(a, b);
}

int dkms_facts(const char *kver, struct dkms_facts *d)
{
	char p[PATH_MAX], q[PATH_MAX], link[PATH_MAX];
	struct utsname u;
	struct dirent *e;
	DIR *dir;
	ssize_t n;

	memset(d, 0, sizeof(*d));
	snprintf(d->arch, sizeof(d->arch), "%s", uname(&u) ? "x86_64" : u.machine);
	dir = opendir(rpath(p, "/var/lib/dkms/" DKMS_MODULE));
	if (!dir)
		return 0;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.' || !strncmp(e->d_name, "kernel-", 7) ||
		    strlen(e->d_name) >= sizeof(d->versions[0]))
			continue;
		if (!path_exists(rpath_resolved(link, rpath(q, "/var/lib/dkms/" DKMS_MODULE
								  "/%s/source/dkms.conf", e->d_name))))
			continue;
		if (d->nversions < MAX_DKMS_VERSIONS)
			strcpy(d->versions[d->nversions++], e->d_name);
	}
	closedir(dir);
	qsort(d->versions, (size_t)d->nversions, sizeof(d->versions[0]), cmp_ver);
	if (d->nversions)
		d->state = DKMS_REGISTERED;
	/* Installed: the link dkms makes, "VERSION/KVER/ARCH". */
	n = readlink(rpath(p, "/var/lib/dkms/" DKMS_MODULE "/kernel-%s-%s", kver, d->arch), link,
		     sizeof(link) - 1);
	if (n > 0) {
		char *slash;

		link[n] = '\0';
		slash = strchr(link, '/');
		if (slash)
			*slash = '\0';
		snprintf(d->version, sizeof(d->version), "%s", link);
		d->state = DKMS_INSTALLED;
		return 0;
	}
	for (int i = d->nversions - 1; i >= 0; i--) {
		if (path_exists(rpath(p, "/var/lib/dkms/" DKMS_MODULE "/%s/%s/%s/module",
				      d->versions[i], kver, d->arch))) {
			strcpy(d->version, d->versions[i]);
			d->state = DKMS_BUILT;
			break;
		}
	}
	return 0;
}
