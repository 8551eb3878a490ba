// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the manifest parser (lib/manifest.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "manifest.h"

static struct dbd_manifest m;
static char diags[8192];

static void collect(void *ctx, enum dbd_diag_level level, unsigned int line, const char *msg)
{
	size_t l = strlen(diags);

	(void)ctx;
	snprintf(diags + l, sizeof(diags) - l, "%s %u: %s\n",
		 level == DBD_DIAG_ERROR ? "E" : "W", line, msg);
}

static int parse(const char *text)
{
	diags[0] = '\0';
	return dbd_manifest_parse(text, strlen(text), &m, collect, NULL);
}

static void good_manifest(void **state)
{
	(void)state;
	assert_int_equal(parse("# tracked volumes\n"
			       "\n"
			       "dbdboot-manifest 1\n"
			       "volume mode=incremental device=UUID=0b5c-77 cow=/.datto minor=0\n"
			       "  volume\tmode=snapshot device=/dev/vdb cow=/x/.cow minor=3 cache=1048576  \n"
			       "volume mode=incremental device=LABEL=data cow=/.d minor=4\n"
			       "volume mode=incremental device=PARTUUID=ab-01 cow=/.d minor=5\n"
			       "volume mode=incremental device=254:16 cow=/.d minor=6\n"),
			 0);
	assert_string_equal(diags, "");
	assert_int_equal(m.version, 1);
	assert_int_equal(m.n, 5);
	assert_int_equal(m.errors, 0);
	assert_int_equal(m.vol[0].mode, DBD_MODE_INCREMENTAL);
	assert_int_equal(m.vol[0].dev_kind, DBD_DEV_UUID);
	assert_string_equal(m.vol[0].dev_value, "0b5c-77");
	assert_string_equal(m.vol[0].device, "UUID=0b5c-77");
	assert_string_equal(m.vol[0].cow, "/.datto");
	assert_int_equal(m.vol[0].line, 4);
	assert_int_equal(m.vol[1].mode, DBD_MODE_SNAPSHOT);
	assert_int_equal(m.vol[1].dev_kind, DBD_DEV_PATH);
	assert_int_equal(m.vol[1].minor, 3);
	assert_int_equal(m.vol[1].cache_bytes, 1048576);
	assert_int_equal(m.vol[2].dev_kind, DBD_DEV_LABEL);
	assert_string_equal(m.vol[2].dev_value, "data");
	assert_int_equal(m.vol[3].dev_kind, DBD_DEV_PARTUUID);
	assert_int_equal(m.vol[4].dev_kind, DBD_DEV_NUMBER);
	assert_int_equal(m.vol[4].dev_major, 254);
	assert_int_equal(m.vol[4].dev_minor, 16);
}

static void escapes(void **state)
{
	(void)state;
	assert_int_equal(parse("dbdboot-manifest 1\n"
			       "volume mode=incremental device=LABEL=my\\040disk cow=/a\\\\b minor=1\n"),
			 0);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.vol[0].dev_value, "my disk");
	assert_string_equal(m.vol[0].cow, "/a\\b");
	assert_int_equal(parse("dbdboot-manifest 1\n"
			       "volume mode=incremental device=/dev/x cow=/a\\000 minor=1\n"
			       "volume mode=incremental device=/dev/y cow=/a\\q minor=2\n"
			       "volume mode=incremental device=/dev/z cow=/a\\8 minor=3\n"),
			 0);
	assert_int_equal(m.n, 0);
	assert_int_equal(m.errors, 3);
}

/* Bad lines are reported with their number and skipped; good ones kept. */
static void bad_lines_skipped(void **state)
{
	(void)state;
	assert_int_equal(parse("dbdboot-manifest 1\n"
			       "volume mode=incremental device=/dev/a cow=/.d minor=0\n"
			       "volume mode=differential device=/dev/b cow=/.d minor=1\n"
			       "volume mode=incremental device=/dev/c cow=.d minor=2\n"
			       "volume mode=incremental device=/dev/d cow=/.d minor=255\n"
			       "volume mode=incremental device=/dev/e cow=/.d\n"
			       "volume mode=incremental device=/dev/f cow=/.d minor=0\n"
			       "volume mode=incremental device=/dev/a cow=/.d minor=7\n"
			       "volume mode=incremental device=/dev/g cow=/.d minor=8 minor=9\n"
			       "volume mode=incremental device=dev/h cow=/.d minor=10\n"
			       "volume mode=incremental device=UUID= cow=/.d minor=11\n"
			       "volume mode=incremental device=8:x cow=/.d minor=12\n"
			       "volume mode=incremental justaword device=/dev/i cow=/.d minor=13\n"
			       "volume mode=incremental device=/dev/j cow=/.d minor=14\n"),
			 0);
	assert_int_equal(m.n, 2);
	assert_string_equal(m.vol[0].device, "/dev/a");
	assert_string_equal(m.vol[1].device, "/dev/j");
	assert_int_equal(m.vol[1].line, 14);
	assert_int_equal(m.errors, 11);
	assert_non_null(strstr(diags, "E 3: bad mode 'differential'"));
	assert_non_null(strstr(diags, "E 4: bad cow '.d'"));
	assert_non_null(strstr(diags, "E 5: bad minor '255'"));
	assert_non_null(strstr(diags, "E 6: volume without minor"));
	assert_non_null(strstr(diags, "E 7: minor 0 is already used by line 2"));
	assert_non_null(strstr(diags, "E 8: device /dev/a is already listed on line 2"));
	assert_non_null(strstr(diags, "E 9: key 'minor' given twice"));
	assert_non_null(strstr(diags, "E 10: bad device 'dev/h'"));
	assert_non_null(strstr(diags, "E 13: 'justaword' is not KEY=VALUE"));
}

static void unknown_keys_and_records_warn(void **state)
{
	(void)state;
	assert_int_equal(parse("dbdboot-manifest 1\n"
			       "volume mode=incremental device=/dev/a cow=/.d minor=0 fstype=ext4\n"
			       "snapshot-schedule hourly\n"),
			 0);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.errors, 0);
	assert_int_equal(m.warnings, 2);
	assert_non_null(strstr(diags, "W 2: unknown key 'fstype' ignored"));
	assert_non_null(strstr(diags, "W 3: unknown record 'snapshot-schedule' ignored"));
}

static void header_required(void **state)
{
	(void)state;
	assert_int_equal(parse(""), -EINVAL);
	assert_non_null(strstr(diags, "E 0: empty"));
	assert_int_equal(parse("# only comments\n\n"), -EINVAL);
	assert_int_equal(parse("volume mode=incremental device=/dev/a cow=/.d minor=0\n"), -EINVAL);
	assert_non_null(strstr(diags, "E 1: not a dbdboot manifest"));
	assert_int_equal(m.n, 0);
	assert_int_equal(parse("dbdboot-manifest\n"), -EINVAL);
	assert_int_equal(parse("dbdboot-manifest 0\n"), -EINVAL);
	assert_int_equal(parse("dbdboot-manifestx 1\n"), -EINVAL);
	assert_int_equal(parse("\xff\xfe\x00garbage"), -EINVAL);
}

/* Binary data: the first line holding a NUL ends the parse, whatever follows
 * (random bytes once gave only NUL lines and no header, and said "empty"). */
static void binary_is_not_a_manifest(void **state)
{
	static const char elf[] = "\x7f" "ELF\x02\x01\x01\0\0\0\n\n\0\0\n\x03\0";
	static char longline[DBD_MANIFEST_MAX_LINE + 10];

	(void)state;
	diags[0] = '\0';
	assert_int_equal(dbd_manifest_parse(elf, sizeof(elf) - 1, &m, collect, NULL), -EINVAL);
	assert_non_null(strstr(diags, "E 1: not a dbdboot manifest: a NUL byte"));
	assert_null(strstr(diags, "E 3"));
	assert_int_equal(m.errors, 1);

	memset(longline, 'x', sizeof(longline));
	diags[0] = '\0';
	assert_int_equal(dbd_manifest_parse(longline, sizeof(longline), &m, collect, NULL), -EINVAL);
	assert_non_null(strstr(diags, "E 1: not a dbdboot manifest: an overlong line"));
}

static void newer_version_refused(void **state)
{
	(void)state;
	assert_int_equal(parse("dbdboot-manifest 3\n"
			       "volume mode=incremental device=/dev/a cow=/.d minor=0\n"),
			 -EPROTO);
	assert_int_equal(m.n, 0);
	assert_int_equal(m.version, 3);
	assert_non_null(strstr(diags, "version 3 is newer than this program reads (2)"));
}

/* Version 2 adds uuid=, seqid= and by=sync; version 1 only warns about them. */
static void version2_keys(void **state)
{
	(void)state;
	assert_int_equal(parse("dbdboot-manifest 2\n"
			       "volume mode=incremental device=/dev/a cow=/.d minor=0 by=sync "
			       "uuid=00112233445566778899aabbccddeeff seqid=7\n"
			       "volume mode=incremental device=/dev/b cow=/.d minor=1\n"
			       "volume mode=incremental device=/dev/c cow=/.d minor=2 uuid=0011\n"
			       "volume mode=incremental device=/dev/d cow=/.d minor=3 by=hand\n"),
			 0);
	assert_int_equal(m.n, 2);
	assert_true(m.vol[0].by_sync && m.vol[0].has_uuid && m.vol[0].has_seqid);
	assert_int_equal(m.vol[0].seqid, 7);
	assert_int_equal(m.vol[0].uuid[0], 0x00);
	assert_int_equal(m.vol[0].uuid[15], 0xff);
	assert_false(m.vol[1].by_sync || m.vol[1].has_uuid || m.vol[1].has_seqid);
	assert_non_null(strstr(diags, "E 4: bad uuid '0011'"));
	assert_non_null(strstr(diags, "E 5: bad by 'hand'"));
	assert_int_equal(parse("dbdboot-manifest 1\n"
			       "volume mode=incremental device=/dev/a cow=/.d minor=0 seqid=7\n"), 0);
	assert_int_equal(m.n, 1);
	assert_false(m.vol[0].has_seqid);
	assert_non_null(strstr(diags, "W 2: unknown key 'seqid' ignored"));
}

/* stage= (version 2): initramfs when absent; a bad value or a repeat makes the line bad. */
static void stages(void **state)
{
	(void)state;
	assert_int_equal(parse("dbdboot-manifest 2\n"
			       "volume mode=incremental device=/dev/a cow=/.d minor=0\n"
			       "volume mode=incremental device=/dev/b cow=/.d minor=1 stage=root\n"
			       "volume mode=incremental device=/dev/c cow=/.d minor=2 stage=initramfs\n"
			       "volume mode=incremental device=/dev/d cow=/.d minor=3 stage=later\n"
			       "volume mode=incremental device=/dev/e cow=/.d minor=4 stage=root "
			       "stage=root\n"),
			 0);
	assert_int_equal(m.n, 3);
	assert_int_equal(m.vol[0].stage, DBD_STAGE_INITRAMFS);
	assert_int_equal(m.vol[1].stage, DBD_STAGE_ROOT);
	assert_int_equal(m.vol[2].stage, DBD_STAGE_INITRAMFS);
	assert_string_equal(dbd_stage_str(m.vol[1].stage), "root");
	assert_non_null(strstr(diags, "E 5: bad stage 'later'"));
	assert_non_null(strstr(diags, "E 6: key 'stage' given twice"));
	/* mount=: an absolute path, escapes undone. */
	assert_int_equal(parse("dbdboot-manifest 2\n"
			       "volume mode=incremental device=/dev/a cow=/.d minor=0 mount=/srv/my\\040lv\n"
			       "volume mode=incremental device=/dev/b cow=/.d minor=1 mount=srv\n"),
			 0);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.vol[0].mount, "/srv/my lv");
	assert_non_null(strstr(diags, "E 3: bad mount 'srv'"));
}

static void limits(void **state)
{
	static char big[DBD_MANIFEST_MAX_SIZE + 2];
	char buf[16384];
	size_t l;
	unsigned int i;

	(void)state;
	/* More volumes than the table holds: the first ones are kept. */
	l = (size_t)snprintf(buf, sizeof(buf), "dbdboot-manifest 1\n");
	for (i = 0; i < DBD_MANIFEST_MAX_VOLUMES + 3; i++)
		l += (size_t)snprintf(buf + l, sizeof(buf) - l,
				      "volume mode=incremental device=/dev/d%u cow=/.d minor=%u\n", i, i);
	assert_int_equal(dbd_manifest_parse(buf, l, &m, NULL, NULL), 0);
	assert_int_equal(m.n, DBD_MANIFEST_MAX_VOLUMES);
	assert_int_equal(m.errors, 3);

	/* A device spec one byte too long; a line too long. */
	l = (size_t)snprintf(buf, sizeof(buf), "dbdboot-manifest 1\nvolume mode=incremental device=/");
	memset(buf + l, 'a', DBD_MANIFEST_MAX_DEVICE);
	l += DBD_MANIFEST_MAX_DEVICE;
	l += (size_t)snprintf(buf + l, sizeof(buf) - l, " cow=/.d minor=0\n");
	diags[0] = '\0';
	assert_int_equal(dbd_manifest_parse(buf, l, &m, collect, NULL), 0);
	assert_int_equal(m.n, 0);
	assert_non_null(strstr(diags, "device is longer than 255 bytes"));

	l = (size_t)snprintf(buf, sizeof(buf), "dbdboot-manifest 1\n#");
	memset(buf + l, 'c', DBD_MANIFEST_MAX_LINE);
	l += DBD_MANIFEST_MAX_LINE;
	l += (size_t)snprintf(buf + l, sizeof(buf) - l,
			      "\nvolume mode=incremental device=/dev/a cow=/.d minor=0\n");
	diags[0] = '\0';
	assert_int_equal(dbd_manifest_parse(buf, l, &m, collect, NULL), 0);
	assert_int_equal(m.n, 1);
	assert_non_null(strstr(diags, "E 2: longer than 4095 bytes"));

	memset(big, '#', sizeof(big));
	assert_int_equal(dbd_manifest_parse(big, sizeof(big), &m, NULL, NULL), -EFBIG);
}

static void nul_and_crlf(void **state)
{
	static const char text[] = "dbdboot-manifest 1\r\n"
				   "volume mode=incremental device=/dev/a cow=/.d minor=0\r\n"
				   "volume mode=incremental device=/dev/b\0 cow=/.d minor=1\n";

	(void)state;
	diags[0] = '\0';
	assert_int_equal(dbd_manifest_parse(text, sizeof(text) - 1, &m, collect, NULL), 0);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.vol[0].cow, "/.d");
	assert_non_null(strstr(diags, "E 3: holds a NUL byte"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_manifest),
		cmocka_unit_test(escapes),
		cmocka_unit_test(bad_lines_skipped),
		cmocka_unit_test(unknown_keys_and_records_warn),
		cmocka_unit_test(header_required),
		cmocka_unit_test(binary_is_not_a_manifest),
		cmocka_unit_test(newer_version_refused),
		cmocka_unit_test(version2_keys),
		cmocka_unit_test(stages),
		cmocka_unit_test(limits),
		cmocka_unit_test(nul_and_crlf),
	};

	return cmocka_run_group_tests_name("manifest", tests, NULL, NULL);
}
