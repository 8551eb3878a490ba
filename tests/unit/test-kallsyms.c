// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of lib/kallsyms.c: tables built here in each layout the
 * kernel has used, and the bzImage header. The real Debian kernels are
 * covered by TEST-30-sysmap, against their -dbg System.map and against
 * /proc/kallsyms of the booted kernel.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kallsyms.h"
#include "ksyms-image.h"

static struct ksyms_img img;

struct seen {
	unsigned int n, bad;
	uint64_t text;
};

static int check_sym(void *ctx, uint64_t addr, char type, const char *name)
{
	struct seen *s = ctx;
	char want[64];
	uint64_t a;

	ki_sym(s->n, want, sizeof(want), &a);
	if (addr != a || type != want[0] || strcmp(name, want + 1))
		s->bad++;
	if (!strcmp(name, "_text"))
		s->text = addr;
	s->n++;
	return 0;
}

static void layout(enum ksyms_layout l, unsigned int n)
{
	struct dbd_kallsyms ks;
	struct seen s = { 0 };
	char err[256];

	ksyms_image(&img, n, l);
	assert_int_equal(dbd_kallsyms_find(img.b, img.len, &ks, err, sizeof(err)), 0);
	assert_int_equal(ks.num_syms, n);
	assert_int_equal(ks.relative, l != KSYMS_ABSOLUTE);
	assert_int_equal(dbd_kallsyms_each(&ks, check_sym, &s), 0);
	assert_int_equal(s.n, n);
	assert_int_equal(s.bad, 0);
	assert_true(s.text == KSYMS_BASE);
}

static void layout_61(void **state)
{
	(void)state;
	layout(KSYMS_61, 300);
	layout(KSYMS_61, 2);
	layout(KSYMS_61, 257);
}

static void layout_newer(void **state)
{
	(void)state;
	layout(KSYMS_NEWER, 300);
	layout(KSYMS_NEWER, 511);
}

static void layout_absolute(void **state)
{
	(void)state;
	layout(KSYMS_ABSOLUTE, 300);
}

/* Damage anywhere in the tables: no result rather than a wrong one. */
static void damaged(void **state)
{
	struct dbd_kallsyms ks;
	char err[256];
	size_t markers;

	(void)state;
	ksyms_image(&img, 300, KSYMS_61);
	assert_int_equal(dbd_kallsyms_find(img.b, img.len, &ks, err, sizeof(err)), 0);
	markers = ks.markers;

	img.b[markers + 4] ^= 1;	/* the second marker */
	assert_int_equal(dbd_kallsyms_find(img.b, img.len, &ks, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "found the kallsyms token table"));

	ksyms_image(&img, 300, KSYMS_61);
	img.b[ks.token_index + 20] ^= 0x40;	/* a token index entry */
	assert_int_equal(dbd_kallsyms_find(img.b, img.len, &ks, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "no kallsyms tables"));

	/* Addresses out of order. */
	ksyms_image(&img, 300, KSYMS_61);
	assert_int_equal(dbd_kallsyms_find(img.b, img.len, &ks, err, sizeof(err)), 0);
	img.b[ks.addrs + 4 * 100 + 1] ^= 0x10;	/* 4 KiB off: before its neighbour */
	assert_int_equal(dbd_kallsyms_find(img.b, img.len, &ks, err, sizeof(err)), -ENOENT);

	assert_int_equal(dbd_kallsyms_find(img.b, 100, &ks, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "too small"));
}

static void bzimage_header(void **state)
{
	static unsigned char bz[8192];
	const unsigned char *p;
	enum dbd_comp c;
	size_t n;
	char err[256];

	(void)state;
	assert_int_equal(dbd_bzimage_payload(bz, sizeof(bz), &p, &n, &c, err, sizeof(err)),
			 -ENOEXEC);
	assert_non_null(strstr(err, "not a bzImage"));
	memcpy(bz + 0x202, "HdrS", 4);
	bz[0x206] = 0x06;
	bz[0x207] = 0x02;
	assert_int_equal(dbd_bzimage_payload(bz, sizeof(bz), &p, &n, &c, err, sizeof(err)),
			 -ENOEXEC);
	assert_non_null(strstr(err, "older than 2.08"));
	bz[0x206] = 0x0f;
	bz[0x1f1] = 3;		/* setup: 4 sectors, payload at 2048 + 100 */
	bz[0x248] = 100;
	bz[0x24c] = 0x10;
	bz[0x24d] = 0x20;	/* 8208 bytes: past the end of the file */
	assert_int_equal(dbd_bzimage_payload(bz, sizeof(bz), &p, &n, &c, err, sizeof(err)),
			 -EBADMSG);
	assert_non_null(strstr(err, "truncated?"));
	bz[0x24d] = 0x01;
	memcpy(bz + 2148, "\x28\xb5\x2f\xfd", 4);
	assert_int_equal(dbd_bzimage_payload(bz, sizeof(bz), &p, &n, &c, err, sizeof(err)), 0);
	assert_ptr_equal(p, bz + 2148);
	assert_int_equal(n, 0x110);
	assert_int_equal(c, DBD_COMP_ZSTD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout_61),
		cmocka_unit_test(layout_newer),
		cmocka_unit_test(layout_absolute),
		cmocka_unit_test(damaged),
		cmocka_unit_test(bzimage_header),
	};

	return cmocka_run_group_tests_name("kallsyms", tests, NULL, NULL);
}
