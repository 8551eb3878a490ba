/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the cmocka unit tests. Include after <cmocka.h>. */
#ifndef DBDBOOT_TESTUTIL_H
#define DBDBOOT_TESTUTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Run a shell command made like printf; its system() status. */
__attribute__((format(printf, 1, 2), unused))
static int run(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* The same, and the test fails unless the command succeeds. */
#define sh(...) assert_int_equal(run(__VA_ARGS__), 0)

#endif
