// SPDX-License-Identifier: GPL-2.0-or-later
/* dbdboot: global options and the subcommand table. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dbdboot.h"
#include "readiness.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *what;
	int watched;	/* can change a kernel's readiness: readiness_update after it */
} cmds[] = {
	{ "status", cmd_status, "what each installed kernel has: module, System.map, initrd", 0 },
	{ "sysmap", cmd_sysmap, "recover a kernel's System.map from its vmlinuz", 0 },
	{ "rebuild", cmd_rebuild, "build dattobd with DKMS for a kernel, and verify it", 1 },
	{ "inject", cmd_inject, "put the module, the agent and the manifest into an initrd", 1 },
	{ "kernel-hook", cmd_kernel_hook, "what the kernel install hooks run", 1 },
	{ "bundle", cmd_bundle, "export or import a built module for one kernel", 1 },
	{ "package", cmd_package, "make a Debian package of the module for one kernel", 0 },
	{ "sync", cmd_sync, "write the manifest from dattobd's live state, into every initrd", 1 },
	{ "verdict", cmd_verdict, "say, per volume, whether its tracking chain survived the boot", 0 },
	{ "record-shutdown", cmd_record_shutdown, "what the shutdown unit runs: sync, then the record", 0 },
	{ "metrics", cmd_metrics, "each kernel's readiness for node_exporter and the journal", 0 },
};

static void usage(FILE *f)
{
	fputs("Usage: dbdboot [--root DIR] [-q | -v] COMMAND [OPTIONS]\n"
	      "\n"
	      "Keep dattobd built, verified and inside the initrd of every installed kernel.\n"
	      "\n"
	      "Commands:\n", f);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-12s %s\n", cmds[i].name, cmds[i].what);
	fputs("\n"
	      "Options:\n"
	      "  -r, --root DIR  act on the system tree at DIR instead of /\n"
	      "  -q, --quiet     say only what failed\n"
	      "  -v, --verbose   say more: what runs, what each step read and took\n"
	      "  -h, --help      show this help; COMMAND --help for a command's\n"
	      "  -V, --version   show the version\n"
	      "\n"
	      "Exit status: 0 done or all good, 1 failed or a problem found, 2 bad usage,\n"
	      "3 nothing could be done yet (a package is still missing). See dbdboot(8).\n", f);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static char root[PATH_MAX];
	int c;

	while ((c = getopt_long(argc, argv, "+r:qvhV", lo, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (!realpath(optarg, root)) {
				ERR("could not use root '%s': %s", optarg, strerror(errno));
				return EXIT_USAGE;
			}
			opt.root = strcmp(root, "/") ? root : "";
			break;
		case 'q':
			opt.quiet = 1;
			break;
		case 'v':
			opt.verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("dbdboot %s\n", DBDBOOT_VERSION);
			return EXIT_OK;
		default:
			return try_help(NULL);
		}
	}
	VERBOSE("dbdboot %s, root '%s'", DBDBOOT_VERSION, *opt.root ? opt.root : "/");
	if (optind >= argc) {
		ERR("no command given");
		return try_help(NULL);
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (!strcmp(argv[optind], cmds[i].name)) {
			static char prog[64];
			int ret;

			/* getopt's own messages then start "dbdboot COMMAND: ". */
			snprintf(prog, sizeof(prog), "dbdboot %s", cmds[i].name);
			opt.command = cmds[i].name;
			argv += optind;
			argc -= optind;
			argv[0] = prog;
			/* -J anywhere, even after a bad option: the error is JSON too. */
			for (int j = 1; j < argc && strcmp(argv[j], "--"); j++)
				if (!strcmp(argv[j], "-J") || !strcmp(argv[j], "--json"))
					opt.json = 1;
			optind = 0;	/* getopt_long starts over for the command */
			ret = cmds[i].fn(argc, argv);
			if (cmds[i].watched && !opt.changes_nothing && ret != EXIT_USAGE)
				readiness_update();
			if (ret == EXIT_USAGE)
				ret = try_help(cmds[i].name);
			if (opt.json)
				json_finish(cmds[i].name, ret,
					    ret == EXIT_USAGE ? "bad usage: see --help" : NULL);
			return ret;
		}
	}
	ERR("unknown command '%s'", argv[optind]);
	return try_help(NULL);
}
