// SPDX-License-Identifier: GPL-2.0-or-later
/* dbdboot: the command line's plumbing (see cli.h). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "cli.h"
#include "dbdboot.h"

/* Bad usage, as util-linux says it: what to read. EXIT_USAGE. */
int try_help(const char *command)
{
	fprintf(stderr, "Try 'dbdboot%s%s --help' for more information.\n", command ? " " : "",
		command ? command : "");
	return EXIT_USAGE;
}

int unexpected_arg(const char *arg)
{
	ERR("unexpected argument '%s'", arg);
	return EXIT_USAGE;
}

int kernels_select(const char *kver, int all, char (*list)[KVER_MAX], int max)
{
	struct utsname u;
	int n;

	if (kver && all) {
		ERR("-k and --all exclude each other");
		return -EINVAL;
	}
	if (all) {
		n = kernels_list(list, max);
		if (n == 0) {
			ERR("could not find any kernel under '%s/boot' or "
			    "'%s/lib/modules'", opt.root, opt.root);
			return -ENOENT;
		}
		return n;
	}
	if (!kver) {
		if (*opt.root) {
			ERR("with --root, say which kernel: -k KVER or --all");
			return -EINVAL;
		}
		if (uname(&u)) {
			int e = errno;

			ERR("could not read the running kernel's release");
			return -e;
		}
		kver = u.release;
	}
	if (!kver_valid(kver)) {
		ERR("could not use kernel release '%s': not a release name", kver);
		return -EINVAL;
	}
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
	if (optind < argc)
		return unexpected_arg(argv[optind]);
	n = kernels_select(kver, all, list, MAX_KERNELS);
	if (n < 0)
		return select_exit(n);
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

int select_exit(int n)
{
	return n == -EINVAL ? EXIT_USAGE : EXIT_FAIL;
}
