// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of lib/initrd.c on initrds made here with cpio(1) and the
 * real compressors, laid out as the kernel reads them: a raw early
 * (microcode) archive, then the main archive compressed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "testutil.h"

#include "initrd.h"

static char dir[] = "/tmp/dbdboot-initrd-XXXXXX";

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p;
	struct stat st;

	assert_non_null(f);
	assert_int_equal(fstat(fileno(f), &st), 0);
	p = malloc((size_t)st.st_size + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	*len = (size_t)st.st_size;
	return p;
}

struct seen {
	unsigned int n, manifest_segment, ucode_segment;
	enum dbd_comp manifest_comp;
	char manifest[128];
	int link_ok, module_ok;
};

static int collect(void *ctx, const struct dbd_initrd_entry *e)
{
	struct seen *s = ctx;

	s->n++;
	if (!strcmp(e->name, "etc/dbdboot/manifest")) {
		snprintf(s->manifest, sizeof(s->manifest), "%.*s", (int)e->size, e->data);
		s->manifest_segment = e->segment;
		s->manifest_comp = e->comp;
	} else if (!strcmp(e->name, "kernel/x86/microcode/GenuineIntel.bin")) {
		s->ucode_segment = e->segment;
	} else if (!strcmp(e->name, "lib")) {
		s->link_ok = S_ISLNK(e->mode) && e->size == 7 && !memcmp(e->data, "usr/lib", 7);
	} else if (!strcmp(e->name, "usr/lib/modules/6.1.0-99/updates/dkms/dattobd.ko")) {
		s->module_ok = S_ISREG(e->mode) && e->size == 5000;
	}
	return 0;
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	sh("cd %s && mkdir -p early/kernel/x86/microcode main/etc/dbdboot "
	   "main/usr/lib/modules/6.1.0-99/updates/dkms && "
	   "printf 'ucode' >early/kernel/x86/microcode/GenuineIntel.bin && "
	   "printf 'dbdboot-manifest 1\\n' >main/etc/dbdboot/manifest && "
	   "head -c 5000 /dev/urandom >main/usr/lib/modules/6.1.0-99/updates/dkms/dattobd.ko && "
	   "ln -s usr/lib main/lib && "
	   "(cd early && find . | cpio --quiet -o -H newc -R 0:0) >early.cpio && "
	   "(cd main && find . | cpio --quiet -o -H newc -R 0:0) >main.cpio && "
	   "mkdir -p app/etc/dbdboot && printf 'dbdboot-manifest 1\\nvolume x\\n' "
	   ">app/etc/dbdboot/manifest && (cd app && find . | cpio --quiet -o -H newc -R 0:0) "
	   ">app.cpio", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -rf %s", dir);
	return 0;
}

static void check_initrd(const char *compress, enum dbd_comp want)
{
	struct seen s = { 0 };
	unsigned char *buf;
	char path[256], err[256];
	size_t len;

	sh("cd %s && %s <main.cpio >main.z && cat early.cpio main.z >initrd", dir, compress);
	snprintf(path, sizeof(path), "%s/initrd", dir);
	buf = slurp(path, &len);
	assert_int_equal(dbd_initrd_walk(buf, len, collect, &s, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_string_equal(s.manifest, "dbdboot-manifest 1\n");
	assert_int_equal(s.ucode_segment, 0);
	assert_int_equal(s.manifest_segment, 1);
	assert_int_equal(s.manifest_comp, want);
	assert_true(s.link_ok);
	assert_true(s.module_ok);

	/* Truncated: an error in words, and what came before was seen. */
	memset(&s, 0, sizeof(s));
	assert_true(dbd_initrd_walk(buf, len - 100, collect, &s, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "segment 1"));
	assert_int_equal(s.ucode_segment, 0);
	free(buf);
}

static void raw_and_gzip(void **state)
{
	(void)state;
	check_initrd("gzip -9", DBD_COMP_GZIP);
}

static void raw_and_xz(void **state)
{
	(void)state;
	check_initrd("xz --check=crc32", DBD_COMP_XZ);
}

static void raw_and_lzma(void **state)
{
	(void)state;
	check_initrd("xz --format=lzma", DBD_COMP_LZMA);
}

static void raw_and_zstd(void **state)
{
	(void)state;
	check_initrd("zstd -q -19", DBD_COMP_ZSTD);
}

static void raw_and_bzip2(void **state)
{
	(void)state;
	check_initrd("bzip2 -9", DBD_COMP_BZIP2);
}

static void raw_and_lz4_legacy(void **state)
{
	(void)state;
	check_initrd("lz4 -q -l", DBD_COMP_LZ4);
}

/* A manifest segment appended after a compressed one, 4-byte aligned. */
static void appended_raw_segment(void **state)
{
	struct seen s = { 0 };
	unsigned char *buf;
	char path[256], err[256];
	size_t len;

	(void)state;
	sh("cd %s && zstd -q <main.cpio >main.z && cat early.cpio main.z >initrd2 && "
	   "pad=$(( (4 - $(stat -c %%s initrd2) %% 4) %% 4 )) && head -c $pad /dev/zero >>initrd2 && "
	   "cat app.cpio >>initrd2", dir);
	snprintf(path, sizeof(path), "%s/initrd2", dir);
	buf = slurp(path, &len);
	assert_int_equal(dbd_initrd_walk(buf, len, collect, &s, err, sizeof(err)), 0);
	/* The last copy wins, as in the kernel. */
	assert_string_equal(s.manifest, "dbdboot-manifest 1\nvolume x\n");
	assert_int_equal(s.manifest_segment, 2);
	assert_int_equal(s.manifest_comp, DBD_COMP_NONE);
	free(buf);
}

static void garbage_and_truncated_bzip2(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(dbd_initrd_walk((const unsigned char *)"hello world", 11, NULL, NULL, err,
					 sizeof(err)), -EBADMSG);
	assert_non_null(strstr(err, "invalid magic"));
	assert_int_equal(dbd_initrd_walk((const unsigned char *)"BZh91AY&SY", 10, NULL, NULL, err,
					 sizeof(err)), -EBADMSG);
	assert_non_null(strstr(err, "bzip2 stream is truncated or corrupt"));
	assert_int_equal(dbd_initrd_walk((const unsigned char *)"\0\0\0\0", 4, NULL, NULL, err,
					 sizeof(err)), 0);
}

/* Make "initrd-NAME": the early archive, the main one compressed with
 * COMPRESS, PAD zero bytes, and the app.cpio of appended_raw_segment. */
static unsigned char *stacked(const char *compress, int pad, size_t *len)
{
	char path[256];

	sh("cd %s && (%s) <main.cpio >main.z && cat early.cpio main.z >stacked && "
	   "head -c %d /dev/zero >>stacked && cat app.cpio >>stacked", dir, compress, pad);
	snprintf(path, sizeof(path), "%s/stacked", dir);
	return slurp(path, len);
}

/*
 * As strict as the kernel: after an lz4 stream, anything but 4 zero bytes
 * is read as a block size (and the kernel stops there); a raw archive off a
 * 4-byte boundary is an "invalid magic"; both were once written by inject.
 */
static void kernel_rules_after_a_segment(void **state)
{
	struct seen s = { 0 };
	unsigned char *buf;
	size_t len, lz4len;
	char err[256];
	int pad;

	(void)state;
	buf = stacked("lz4 -q -l", 0, &len);
	lz4len = len;
	free(buf);
	for (pad = 0; pad < 8; pad++) {
		int aligned = (lz4len + (size_t)pad) % 4 == 0;	/* where app.cpio starts */

		buf = stacked("lz4 -q -l", pad, &len);
		memset(&s, 0, sizeof(s));
		if (pad >= 4 && aligned) {
			assert_int_equal(dbd_initrd_walk(buf, len, collect, &s, err, sizeof(err)), 0);
			assert_string_equal(s.manifest, "dbdboot-manifest 1\nvolume x\n");
		} else {
			assert_int_equal(dbd_initrd_walk(buf, len, collect, &s, err, sizeof(err)),
					 -EBADMSG);
			assert_true(strstr(err, "lz4 stream") || strstr(err, "invalid magic"));
		}
		free(buf);
	}
	/* After zstd, zeros to the boundary are enough; off it, refused. */
	buf = stacked("zstd -q", 0, &len);
	free(buf);
	pad = (int)((4 - len % 4) % 4);
	buf = stacked("zstd -q", pad, &len);
	assert_int_equal(dbd_initrd_walk(buf, len, NULL, NULL, err, sizeof(err)), 0);
	free(buf);
	buf = stacked("zstd -q", pad + 1, &len);
	assert_int_equal(dbd_initrd_walk(buf, len, NULL, NULL, err, sizeof(err)), -EBADMSG);
	assert_non_null(strstr(err, "invalid magic"));
	free(buf);
}

/* Headers the kernel's decoders do not read, and junk inside a stream. */
static void kernel_rules_headers_and_junk(void **state)
{
	unsigned char *buf;
	size_t len;
	char err[256];

	(void)state;
	buf = stacked("xz --check=crc64", 0, &len);
	assert_int_equal(dbd_initrd_walk(buf, len, NULL, NULL, err, sizeof(err)), -EBADMSG);
	assert_non_null(strstr(err, "check type 4"));
	free(buf);
	/* gzip with a comment (FCOMMENT): the kernel reads it as deflate data. */
	sh("cd %s && printf '\\037\\213\\010\\020\\000\\000\\000\\000\\000\\003hi\\000' >gz-comment && "
	   "gzip -n <main.cpio | tail -c +11 >>gz-comment", dir);
	buf = stacked("cat gz-comment", 0, &len);
	assert_int_equal(dbd_initrd_walk(buf, len, NULL, NULL, err, sizeof(err)), -EBADMSG);
	assert_non_null(strstr(err, "flags 0x10"));
	free(buf);
	/* Two archives in one stream with junk between them. */
	buf = stacked("(cat; printf 'junk') | gzip -n", 0, &len);
	assert_int_equal(dbd_initrd_walk(buf, len, NULL, NULL, err, sizeof(err)), -EBADMSG);
	if (!strstr(err, "junk within compressed archive"))
		fail_msg("%s", err);
	free(buf);
	/* lzop, as initramfs-tools' COMPRESS=lzop makes it. */
	buf = stacked("lzop -c", 0, &len);
	free(buf);
	buf = stacked("lzop -c", (int)(4 + (4 - len % 4) % 4), &len);
	assert_int_equal(dbd_initrd_walk(buf, len, NULL, NULL, err, sizeof(err)), 0);
	free(buf);
}

static int stop_at_first(void *ctx, const struct dbd_initrd_entry *e)
{
	(void)ctx;
	(void)e;
	return 42;
}

static void callback_stops_walk(void **state)
{
	unsigned char *buf;
	char path[256];
	size_t len;

	(void)state;
	snprintf(path, sizeof(path), "%s/early.cpio", dir);
	buf = slurp(path, &len);
	assert_int_equal(dbd_initrd_walk(buf, len, stop_at_first, NULL, NULL, 0), 42);
	free(buf);
}

struct ends {
	unsigned int n;
	size_t end[4];
	int cut[4];
};

/* Both callbacks get one context: the entries seen first, then the ends. */
struct seen_ends {
	struct seen s;
	struct ends e;
};

static int seg_ends(void *ctx, const struct dbd_initrd_segment *seg)
{
	struct ends *e = &((struct seen_ends *)ctx)->e;

	if (e->n < 4) {
		e->end[e->n] = seg->end;
		e->cut[e->n] = seg->cut;
	}
	e->n++;
	return 0;
}

/* Which entries and where the segments end, walked with PREFIX. */
static void walk_with(const unsigned char *buf, size_t len, size_t prefix, struct seen *s,
		      struct ends *e)
{
	struct seen_ends both = { 0 };
	char err[256];

	assert_int_equal(dbd_initrd_walk_prefix(buf, len, prefix, collect, seg_ends, &both, err,
						sizeof(err)), 0);
	*s = both.s;
	*e = both.e;
}

/* A zstd segment walked with a prefix: the same ends as unpacked whole,
 * only the entries inside the prefix, the cut said; other formats whole. */
static void prefix_walk(void **state)
{
	struct seen whole, part;
	struct ends we, pe;
	unsigned char *buf;
	char path[256];
	size_t len;

	(void)state;
	sh("cd %s && zstd -q -c <main.cpio >main.z && cat early.cpio main.z >initrd-p && "
	   "truncate -s $(( ($(stat -c %%s initrd-p) + 7) / 4 * 4 )) initrd-p && "
	   "cat app.cpio >>initrd-p", dir);
	snprintf(path, sizeof(path), "%s/initrd-p", dir);
	buf = slurp(path, &len);
	walk_with(buf, len, 0, &whole, &we);
	walk_with(buf, len, 300, &part, &pe);
	assert_int_equal(we.n, 3);
	assert_int_equal(pe.n, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(pe.end[i], we.end[i]);
	assert_int_equal(we.cut[1], 0);
	assert_int_equal(pe.cut[0] + pe.cut[1] * 2 + pe.cut[2] * 4, 2);
	assert_true(part.n < whole.n);
	assert_false(part.module_ok);
	assert_true(whole.module_ok);
	/* the raw segment after it is read whole either way */
	assert_string_equal(part.manifest, "dbdboot-manifest 1\nvolume x\n");
	/* a prefix larger than the stream: nothing cut */
	walk_with(buf, len, 64u << 20, &part, &pe);
	assert_int_equal(part.n, whole.n);
	assert_int_equal(pe.cut[1], 0);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(raw_and_gzip),
		cmocka_unit_test(kernel_rules_after_a_segment),
		cmocka_unit_test(kernel_rules_headers_and_junk),
		cmocka_unit_test(raw_and_xz),
		cmocka_unit_test(raw_and_lzma),
		cmocka_unit_test(raw_and_zstd),
		cmocka_unit_test(raw_and_lz4_legacy),
		cmocka_unit_test(raw_and_bzip2),
		cmocka_unit_test(appended_raw_segment),
		cmocka_unit_test(garbage_and_truncated_bzip2),
		cmocka_unit_test(callback_stops_walk),
		cmocka_unit_test(prefix_walk),
	};

	return cmocka_run_group_tests_name("initrd", tests, setup, teardown);
}
