// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of lib/tarw.c: names over 100 bytes split into ustar's prefix
 * and name at a '/', as GNU tar reads them back; names that cannot be
 * split refused; the archive's end.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#include "tarw.h"

/* NAME as a one-member archive, listed back by tar into a string. */
static void listed(const char *name, char *out, size_t n)
{
	struct dbd_tarw t = { .owner_names = 1 };
	char path[] = "/tmp/test-tarw-XXXXXX", cmd[256];
	FILE *f, *p;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	dbd_tar_add(&t, name, '0', 0644, "x", 1);
	assert_int_equal(dbd_tar_end(&t), 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(t.out.p, 1, t.out.len, f), t.out.len);
	fclose(f);
	free(t.out.p);
	snprintf(cmd, sizeof(cmd), "tar -tf %s", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	out[0] = '\0';
	assert_non_null(fgets(out, (int)n, p));
	out[strcspn(out, "\n")] = '\0';
	pclose(p);
	unlink(path);
}

static void long_names(void **state)
{
	char name[300], got[400];

	(void)state;
	/* 150 bytes: "./" + 7 folders of 19 + "/" ... + a file name. */
	snprintf(name, sizeof(name), "./%s/%s/%s/%s/%s/%s/%s/dattobd.ko", "aaaaaaaaaaaaaaaaaa",
		 "bbbbbbbbbbbbbbbbbb", "cccccccccccccccccc", "dddddddddddddddddd",
		 "eeeeeeeeeeeeeeeeee", "ffffffffffffffffff", "gggggggggggggggggg");
	assert_true(strlen(name) > 100);
	listed(name, got, sizeof(got));
	assert_string_equal(got, name);
	listed("./short", got, sizeof(got));
	assert_string_equal(got, "./short");
}

static void refused(void **state)
{
	struct dbd_tarw t = { 0 };
	char name[300];

	(void)state;
	memset(name, 'a', 120);	/* over 100 bytes with no '/' to split at */
	name[120] = '\0';
	dbd_tar_add(&t, name, '0', 0644, "x", 1);
	assert_int_equal(dbd_tar_end(&t), -ENAMETOOLONG);
	free(t.out.p);
	memset(&t, 0, sizeof(t));
	memset(name, 'a', 260);	/* over 255 bytes */
	name[130] = '/';
	name[260] = '\0';
	dbd_tar_add(&t, name, '0', 0644, "x", 1);
	assert_int_equal(dbd_tar_end(&t), -ENAMETOOLONG);
	free(t.out.p);
	memset(&t, 0, sizeof(t));
	memset(name, 'a', 200);	/* its last 110 bytes without a '/': the name part too long */
	name[89] = '/';
	name[200] = '\0';
	dbd_tar_add(&t, name, '0', 0644, "x", 1);
	assert_int_equal(dbd_tar_end(&t), -ENAMETOOLONG);
	free(t.out.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(long_names),
		cmocka_unit_test(refused),
	};

	return cmocka_run_group_tests_name("tarw", tests, NULL, NULL);
}
