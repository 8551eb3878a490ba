/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dbdboot's command line, beside main.c: exit codes, which kernels a
 * command acts on, the loop of the per-kernel commands, bad usage. The
 * only layer that turns a negative errno into an exit code.
 */
#ifndef DBDBOOT_CLI_H
#define DBDBOOT_CLI_H

#include "kernel.h"

/* Exit codes (documented in dbdboot(8)). */
#define EXIT_OK		0	/* done; or all checked and good */
#define EXIT_FAIL	1	/* an operation failed, or a check found a problem */
#define EXIT_USAGE	2	/* bad command line */
#define EXIT_DEFERRED	3	/* nothing could be done yet (a package is missing); not an error */

/* Bad usage, as util-linux says it: "Try 'dbdboot COMMAND --help' ..."
 * (COMMAND NULL: dbdboot's own). Returns EXIT_USAGE. */
int try_help(const char *command);
/* An argument left after a command's options: said, EXIT_USAGE. */
int unexpected_arg(const char *arg);

/* Parse "-k KVER | --all" style selections: fills LIST, returns the count or
 * <0 after saying why (-EINVAL: bad usage). KVER NULL and ALL 0: the
 * running kernel (root /). */
int kernels_select(const char *kver, int all, char (*list)[KVER_MAX], int max);
/* That count (or error) as what a command returns: <0 into its exit code. */
int select_exit(int n);

/*
 * The loop of the commands that act on kernels (rebuild, inject): parses
 * -k KVER, -a/--all, -J, -h and one flag of the command's own (FLAG, a
 * short option letter, and FLAG_LONG), calls ONE for each kernel, prints
 * the JSON array of results with -J, and maps to the exit code: 1 when
 * one failed, 3 when all were deferred, else 0.
 */
struct kresult {
	const char *outcome;	/* words for -J: "built", "verified", ... */
	char version[64];
	double seconds;
};
struct per_kernel {
	const char *name;
	void (*help)(void);
	char flag;
	const char *flag_long;
	int (*one)(const char *kver, int flag, struct kresult *r);	/* 0, 1 deferred, <0 */
};
int per_kernel(int argc, char **argv, const struct per_kernel *pk);

/* The subcommands. */
int cmd_status(int argc, char **argv);
int cmd_sysmap(int argc, char **argv);
int cmd_rebuild(int argc, char **argv);
int cmd_inject(int argc, char **argv);
int cmd_kernel_hook(int argc, char **argv);
int cmd_bundle(int argc, char **argv);
int cmd_package(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_sync(int argc, char **argv);
int cmd_record_shutdown(int argc, char **argv);
int cmd_verdict(int argc, char **argv);

#endif
