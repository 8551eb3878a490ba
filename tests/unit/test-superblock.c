// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of lib/superblock.c on real filesystem images made by
 * mke2fs and mkfs.xfs, altered where a test needs a dirty journal.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#include "superblock.h"

static char dir[] = "/tmp/dbdboot-sb-XXXXXX";
static char path[256];

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/img", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return run("rm -rf %s", dir);
}

static void ext4_clean_and_recovering(void **state)
{
	struct dbd_fs_info fs;

	(void)state;
	assert_int_equal(run("mke2fs -q -F -t ext4 -L data -U 0b5c5a3e-1111-4222-8333-444455556666 %s 16M", path), 0);
	assert_int_equal(dbd_fs_read(path, &fs), 0);
	assert_int_equal(fs.type, DBD_FS_EXT);
	assert_string_equal(fs.label, "data");
	assert_string_equal(fs.uuid_str, "0b5c5a3e-1111-4222-8333-444455556666");
	assert_int_equal(fs.journal, DBD_JOURNAL_CLEAN);

	assert_int_equal(run("debugfs -w -R 'feature needs_recovery' %s >/dev/null 2>&1", path), 0);
	assert_int_equal(dbd_fs_read(path, &fs), 0);
	assert_int_equal(fs.journal, DBD_JOURNAL_NEEDS_RECOVERY);
	assert_string_equal(dbd_journal_str(fs.journal), "needs-recovery");
}

static void ext2_has_no_journal(void **state)
{
	struct dbd_fs_info fs;

	(void)state;
	assert_int_equal(run("mke2fs -q -F -t ext2 %s 8M", path), 0);
	assert_int_equal(dbd_fs_read(path, &fs), 0);
	assert_int_equal(fs.type, DBD_FS_EXT);
	assert_int_equal(fs.journal, DBD_JOURNAL_NONE);
}

/* Where the XFS log's last record header is: block 0 of a fresh log. */
static off_t xfs_log_offset(void)
{
	unsigned char sb[512];
	int fd = open(path, O_RDONLY);
	uint64_t logstart;
	uint32_t bs, agblocks;

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, sb, sizeof(sb), 0), sizeof(sb));
	close(fd);
	bs = (uint32_t)sb[4] << 24 | (uint32_t)sb[5] << 16 | (uint32_t)sb[6] << 8 | sb[7];
	agblocks = (uint32_t)sb[84] << 24 | (uint32_t)sb[85] << 16 | (uint32_t)sb[86] << 8 | sb[87];
	logstart = 0;
	for (int i = 0; i < 8; i++)
		logstart = logstart << 8 | sb[48 + i];
	return (off_t)(((logstart >> sb[124]) * agblocks + (logstart & ((1ull << sb[124]) - 1))) * bs);
}

static void xfs_clean_then_dirty(void **state)
{
	struct dbd_fs_info fs;
	unsigned char b[512];
	off_t log;
	int fd;

	(void)state;
	if (run("command -v mkfs.xfs >/dev/null") != 0)
		fail_msg("mkfs.xfs is missing: install xfsprogs (make deps)");
	assert_int_equal(run("truncate -s 300M %s && mkfs.xfs -q -f -L xlab -m uuid=77aa0000-bbbb-4ccc-8ddd-eeeeffff0000 %s", path, path), 0);
	assert_int_equal(dbd_fs_read(path, &fs), 0);
	assert_int_equal(fs.type, DBD_FS_XFS);
	assert_string_equal(fs.label, "xlab");
	assert_string_equal(fs.uuid_str, "77aa0000-bbbb-4ccc-8ddd-eeeeffff0000");
	assert_int_equal(fs.journal, DBD_JOURNAL_CLEAN);

	/* Take the unmount flag off the last record's op: a log to replay. */
	log = xfs_log_offset();
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, b, sizeof(b), log), sizeof(b));
	assert_int_equal(b[0], 0xfe);	/* record header magic */
	assert_int_equal(pread(fd, b, sizeof(b), log + 512), sizeof(b));
	assert_true(b[9] & 0x20);
	b[9] &= (unsigned char)~0x20;
	assert_int_equal(pwrite(fd, b, sizeof(b), log + 512), sizeof(b));
	close(fd);
	assert_int_equal(dbd_fs_read(path, &fs), 0);
	assert_int_equal(fs.journal, DBD_JOURNAL_NEEDS_RECOVERY);
}

static void not_a_filesystem(void **state)
{
	unsigned char zero[2048] = { 0 };
	struct dbd_fs_info fs;

	(void)state;
	assert_int_equal(dbd_fs_probe(zero, sizeof(zero), &fs), -ENODATA);
	assert_int_equal(dbd_fs_probe(zero, 10, &fs), -ENODATA);
	assert_int_equal(fs.type, DBD_FS_UNKNOWN);
	assert_int_equal(dbd_fs_read("/nonexistent/dev", &fs), -ENOENT);
	assert_string_equal(dbd_fs_type_str(DBD_FS_UNKNOWN), "unknown");
}

/* A truncated probe buffer never reads past its end (ASan checks). */
static void short_buffers(void **state)
{
	unsigned char buf[2048];
	struct dbd_fs_info fs;
	size_t n;

	(void)state;
	memset(buf, 0, sizeof(buf));
	buf[1024 + 0x38] = 0x53;
	buf[1024 + 0x39] = 0xef;
	for (n = 0; n <= sizeof(buf); n += 7)
		(void)dbd_fs_probe(buf, n, &fs);
	assert_int_equal(dbd_fs_probe(buf, sizeof(buf), &fs), 0);
	assert_int_equal(fs.type, DBD_FS_EXT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ext4_clean_and_recovering),
		cmocka_unit_test(ext2_has_no_journal),
		cmocka_unit_test(xfs_clean_then_dirty),
		cmocka_unit_test(not_a_filesystem),
		cmocka_unit_test(short_buffers),
	};

	return cmocka_run_group_tests_name("superblock", tests, setup, teardown);
}
