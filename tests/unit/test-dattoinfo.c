// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of lib/dattoinfo.c (/proc/datto-info) and lib/jsonread.c. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dattoinfo.h"
#include "jsonread.h"

static struct dbd_datto_info info;
static char diags[2048];

static void collect(void *ctx, unsigned int line, const char *msg)
{
	size_t l = strlen(diags);

	(void)ctx;
	snprintf(diags + l, sizeof(diags) - l, "%u: %s\n", line, msg);
}

static int parse(const char *text)
{
	diags[0] = '\0';
	return dbd_dattoinfo_parse(text, strlen(text), &info, collect, NULL);
}

/* As the driver writes it: verified, with auto_expand; unverified with an error. */
static void driver_text(void **state)
{
	(void)state;
	assert_int_equal(parse("{\n\t\"version\": \"0.12.1\",\n\t\"devices\": [\n"
			       "\t\t{\n\t\t\t\"minor\": 3,\n\t\t\t\"cow_file\": \"/a \"b\"\",\n"
			       "\t\t\t\"block_device\": \"/dev/vdb\",\n\t\t\t\"max_cache\": 314572800,\n"
			       "\t\t\t\"seq_id\": 7,\n"
			       "\t\t\t\"uuid\": \"00112233445566778899aabbccddeeff\",\n"
			       "\t\t\t\"auto_expand\": {\n\t\t\t\t\"step_size_mib\": 5,\n"
			       "\t\t\t\t\"state\": 9\n\t\t\t},\n"
			       "\t\t\t\"state\": 2\n\t\t},\n"
			       "\t\t{\n\t\t\t\"minor\": 4,\n\t\t\t\"cow_file\": \"/.datto\",\n"
			       "\t\t\t\"block_device\": \"/dev/vdc\",\n\t\t\t\"error\": -22,\n"
			       "\t\t\t\"state\": 4\n\t\t}\n\t]\n}\n"), 0);
	assert_string_equal(info.version, "0.12.1");
	assert_int_equal(info.n, 2);
	assert_int_equal(info.dev[0].minor, 3);
	assert_string_equal(info.dev[0].cow, "/a \"b\"");	/* unescaped: to the last quote */
	assert_int_equal(info.dev[0].seqid, 7);
	assert_int_equal(info.dev[0].uuid[15], 0xff);
	assert_int_equal(info.dev[0].state, 2);	/* auto_expand's "state" is not the device's */
	assert_int_equal(info.dev[0].max_cache, 314572800);
	assert_false(info.dev[0].bad);
	assert_int_equal(info.dev[1].error, -22);
	assert_false(info.dev[1].has_uuid);
	assert_int_equal(info.bad_lines, 0);
}

static void bad_lines(void **state)
{
	(void)state;
	assert_int_equal(parse("{\n\"devices\": [\n{\n\"minor\": 1,\n\"block_device\": \"/dev/a\",\n"
			       "\"uuid\": \"0011\",\ngarbage\n\"state\": 2\n},\n"
			       "{\n\"cow_file\": \"/x\",\n\"state\": 2\n},\n"
			       "{\n\"minor\": 300,\n\"block_device\": \"/dev/b\"\n}\n]\n}\n"), 0);
	assert_int_equal(info.n, 1);
	assert_true(info.dev[0].bad);	/* kept, but not to be trusted */
	assert_non_null(strstr(diags, "6: uuid is not 32 hex digits"));
	assert_non_null(strstr(diags, "7: not a \"key\": value line"));
	assert_non_null(strstr(diags, "without minor or block_device"));
	assert_non_null(strstr(diags, "minor out of range"));
	assert_int_equal(parse("hello\n"), -EINVAL);
	assert_int_equal(parse(""), -EINVAL);
}

static struct dbd_jtok tok[64];

static void json_reads(void **state)
{
	static const char t[] = " {\"a\": [1, -2, {\"b\": \"x\\u00e9\\n\\ud83d\\ude00\"}], "
				"\"c\": true, \"n\": null, \"big\": 9223372036854775808} ";
	struct dbd_json j;
	long long v;
	char s[32];
	int arr;

	(void)state;
	assert_int_equal(dbd_json_parse(t, strlen(t), tok, 64, &j), 0);
	arr = dbd_json_get(&j, 0, "a");
	assert_int_equal(j.tok[arr].size, 3);
	assert_int_equal(dbd_json_int(&j, dbd_json_at(&j, arr, 1), &v), 0);
	assert_int_equal(v, -2);
	assert_int_equal(dbd_json_get_str(&j, dbd_json_at(&j, arr, 2), "b", s, sizeof(s)), 0);
	assert_string_equal(s, "x\xc3\xa9\n\xf0\x9f\x98\x80");
	assert_int_equal(dbd_json_bool(&j, dbd_json_get(&j, 0, "c")), 1);
	assert_int_equal(dbd_json_get(&j, 0, "missing"), -1);
	assert_int_equal(dbd_json_get_int(&j, 0, "big", &v), -EINVAL);	/* out of range */
	assert_int_equal(dbd_json_get_str(&j, 0, "c", s, sizeof(s)), -EINVAL);
	assert_int_equal(dbd_json_get_str(&j, dbd_json_at(&j, arr, 2), "b", s, 4), -ENAMETOOLONG);
}

static void json_refuses(void **state)
{
	static const char *const bad[] = { "", "{", "{\"a\" 1}", "[1,]", "{\"a\":1,}", "01",
					   "\"\x01\"", "\"\\x\"", "tru", "[1] 2", "-", "1.", "{1: 2}",
					   "\"\\u12\"" };
	char deep[80];
	struct dbd_json j;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(dbd_json_parse(bad[i], strlen(bad[i]), tok, 64, &j), -EBADMSG);
	memset(deep, '[', sizeof(deep));
	assert_int_equal(dbd_json_parse(deep, sizeof(deep), tok, 64, &j), -EBADMSG);
	assert_int_equal(dbd_json_parse("[1,2,3]", 7, tok, 3, &j), -E2BIG);
	assert_int_equal(dbd_json_parse("\"a\\u0000\"", 9, tok, 64, &j), 0);
	assert_int_equal(dbd_json_str(&j, 0, (char[8]){ 0 }, 8), -EINVAL);	/* no NUL inside */
}

/* The agent's free-minor check: which minors a text lists, without a table. */
static void lists_minor(void **state)
{
	static const char two[] = "{\n\t\"version\": \"0.12.1\",\n\t\"devices\": [\n"
				  "\t\t{\n\t\t\t\"minor\": 0,\n\t\t\t\"state\": 3\n\t\t},\n"
				  "\t\t{\n\t\t\t\"minor\":12,\n\t\t\t\"state\": 4\n\t\t}\n\t]\n}\n";
	static const char none[] = "{\n\t\"version\": \"0.12.1\",\n\t\"devices\": [\n\n\t]\n}\n";
	static const char huge[] = "{\"devices\": [{\"minor\": 4294967296000}]}";

	(void)state;
	assert_int_equal(dbd_dattoinfo_lists_minor(two, strlen(two), 0), 1);
	assert_int_equal(dbd_dattoinfo_lists_minor(two, strlen(two), 12), 1);
	assert_int_equal(dbd_dattoinfo_lists_minor(two, strlen(two), 1), 0);	/* not "12"'s prefix */
	assert_int_equal(dbd_dattoinfo_lists_minor(two, strlen(two), 2), 0);
	assert_int_equal(dbd_dattoinfo_lists_minor(none, strlen(none), 0), 0);
	assert_int_equal(dbd_dattoinfo_lists_minor(huge, strlen(huge), 0), 0);
	/* Cut short after the key: no digits, nothing listed. */
	assert_int_equal(dbd_dattoinfo_lists_minor(two, (size_t)(strstr(two, "0,") - two), 0), 0);
	assert_int_equal(dbd_dattoinfo_lists_minor("{\"minor\": 0}", 13, 0), -EINVAL);
	assert_int_equal(dbd_dattoinfo_lists_minor("", 0, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(driver_text),
		cmocka_unit_test(bad_lines),
		cmocka_unit_test(json_reads),
		cmocka_unit_test(json_refuses),
		cmocka_unit_test(lists_minor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
