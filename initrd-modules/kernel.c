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
#include "facts.h"
#include "kernel.h"

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

int kernels_select(const char *kver, int all, char (*list)[KVER_MAX], int max)
{
	struct utsname u;
	int n;

	if (kver && all)
		return err(-EINVAL, "-k and --all exclude each other");
	if (all) {
		n = kernels_list(list, max);
		if (n == 0)
			return err(-ENOENT, "could not find any kernel under '%s/boot' or "
				   "'%s/lib/modules'", opt.root, opt.root);
		return n;
	}
	if (!kver) {
		if (*opt.root)
			return err(-EINVAL, "with --root, say which kernel: -k KVER or --all");
		if (uname(&u))
			return err(-errno, "could not read the running kernel's release");
		kver = u.release;
	}
	if (!kver_valid(kver))
		return err(-EINVAL, "could not use kernel release '%s': not a release name", kver);
	strcpy(list[0], kver);
	return 1;
}

int per_kernel(int argc, char **argv, const struct per_kernel *pk)
{
	struct option lo[] = {
		{ "kernel", required_argument, NULL, 'k' }, { "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'J' },	    { "help", no_argument, NULL, 'h' },
		{ pk->flag_long, no_argument, NULL, pk->flag }, { NULL, 0, NULL, 0 },
	};
	static char list[MAX_KERNELS][KVER_MAX];
	const char *kver = NULL;
	char shortopts[16];
	int c, n, all = 0, flag = 0, failed = 0, deferred = 0;

	snprintf(shortopts, sizeof(shortopts), "k:aJh%c", pk->flag);
	while ((c = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		if (c == 'k')
			kver = optarg;
		else if (c == 'a')
			all = 1;
		else if (c == 'J')
			opt.json = 1;
		else if (c == 'h')
			return pk->help(), EXIT_OK;
		else if (c == pk->flag)
			flag = 1;
		else
			return EXIT_USAGE;
	}
	if (optind < argc) {
		err(0, "unexpected argument '%s' (see dbdboot %s --help)", argv[optind], pk->name);
		return EXIT_USAGE;
	}
	n = kernels_select(kver, all, list, MAX_KERNELS);
	if (n < 0)
		return n == -EINVAL ? EXIT_USAGE : EXIT_FAIL;
	if (opt.json)
		json_array(NULL);
	for (int i = 0; i < n; i++) {
		struct kresult r = { 0 };
		int ret = pk->one(list[i], flag, &r);

		if (ret == 1)
			deferred++;
		else if (ret)
			failed++;
		if (opt.json) {
			json_open(NULL);
			json_str("kernel", list[i]);
			json_str("outcome", r.outcome ? r.outcome : ret < 0 ? "failed" : "done");
			json_str("version", r.version[0] ? r.version : NULL);
			json_int("ms", (long long)(r.seconds * 1000));
			json_close();
		}
	}
	if (opt.json) {
		json_close();
		json_end();
	}
	return failed ? EXIT_FAIL : deferred == n ? EXIT_DEFERRED : EXIT_OK;
}
