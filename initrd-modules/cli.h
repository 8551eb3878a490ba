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

#endif
