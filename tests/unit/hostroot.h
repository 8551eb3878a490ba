/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the host utility's unit tests share: a fake root (opt.root, as
 * --root sets it) made by setup and removed by teardown, two kernel
 * releases, and put() to write a file in it. Included once per test
 * program, after cmocka.h and testutil.h.
 */
#ifndef DBDBOOT_TEST_HOSTROOT_H
#define DBDBOOT_TEST_HOSTROOT_H

#include <limits.h>

#include "dbdboot.h"
#include "files.h"
#include "rootpath.h"

#define K1 "6.1.0-9-cloud-amd64"
#define K2 "6.1.0-10-cloud-amd64"

static char root[] = "/tmp/dbdboot-host-XXXXXX";
static char p[PATH_MAX];

static void put(const char *path, const void *data, size_t len)
{
	assert_int_equal(write_atomic(rpath(p, "%s", path), data, len, 0644), 0);
}

static int setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(root));
	opt.root = root;
	opt.quiet = 1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	run("rm -rf %s", root);
	return 0;
}

#endif
