// SPDX-License-Identifier: GPL-2.0-or-later
/* Commands of issue 4 still to come: each says so and fails. */
#include "dbdboot.h"

static int later(const char *name)
{
	err(0, "could not run '%s': not written yet in this version", name);
	return EXIT_FAIL;
}

int cmd_status(int argc, char **argv) { (void)argc; (void)argv; return later("status"); }
int cmd_rebuild(int argc, char **argv) { (void)argc; (void)argv; return later("rebuild"); }
int cmd_inject(int argc, char **argv) { (void)argc; (void)argv; return later("inject"); }
int cmd_kernel_hook(int argc, char **argv) { (void)argc; (void)argv; return later("kernel-hook"); }
int cmd_bundle(int argc, char **argv) { (void)argc; (void)argv; return later("bundle"); }
