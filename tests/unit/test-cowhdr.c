// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of lib/cowhdr.c and of the interface header's layouts. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cowhdr.h"

static void put32(unsigned char *b, size_t off, uint32_t v)
{
	memcpy(b + off, &v, sizeof(v));
}

static void put64(unsigned char *b, size_t off, uint64_t v)
{
	memcpy(b + off, &v, sizeof(v));
}

/* A header laid out byte by byte at the documented offsets. */
static void make_header(unsigned char *b, uint32_t flags, uint64_t seqid)
{
	unsigned int i;

	memset(b, 0, 4096);
	put32(b, 0x00, 4776);
	put32(b, 0x04, flags);
	put64(b, 0x08, 4096);
	put64(b, 0x10, 1 << 20);
	put64(b, 0x18, seqid);
	for (i = 0; i < 16; i++)
		b[0x20 + i] = (unsigned char)(0xa0 + i);
	put64(b, 0x30, 1);
	put64(b, 0x38, 12345);
}

static void decode_reads_documented_offsets(void **state)
{
	unsigned char b[4096];
	struct dbd_cow_header h;

	(void)state;
	make_header(b, DBD_COW_CLEAN | DBD_COW_INDEX_ONLY, 7);
	assert_int_equal(dbd_cow_decode(b, sizeof(b), &h), 0);
	assert_int_equal(h.magic, DBD_COW_MAGIC);
	assert_int_equal(h.flags, DBD_COW_CLEAN | DBD_COW_INDEX_ONLY);
	assert_int_equal(h.fpos, 4096);
	assert_int_equal(h.fsize, 1 << 20);
	assert_int_equal(h.seqid, 7);
	assert_int_equal(h.uuid[0], 0xa0);
	assert_int_equal(h.uuid[15], 0xaf);
	assert_int_equal(h.version, 1);
	assert_int_equal(h.nr_changed_blocks, 12345);
}

static void decode_refuses_short_input(void **state)
{
	unsigned char b[4096];
	struct dbd_cow_header h;

	(void)state;
	make_header(b, DBD_COW_CLEAN, 1);
	assert_int_equal(dbd_cow_decode(b, 0x3f, &h), -EINVAL);
	assert_int_equal(dbd_cow_decode(NULL, 4096, &h), -EINVAL);
	assert_int_equal(dbd_cow_decode(b, 0x40, &h), 0);
}

static void check_verdicts(void **state)
{
	unsigned char b[4096];
	struct dbd_cow_header h;

	(void)state;
	make_header(b, DBD_COW_CLEAN | DBD_COW_INDEX_ONLY, 3);
	dbd_cow_decode(b, sizeof(b), &h);
	assert_int_equal(dbd_cow_check(&h, DBD_COW_MODE_ANY), DBD_COW_OK);
	assert_int_equal(dbd_cow_check(&h, DBD_COW_MODE_INCREMENTAL), DBD_COW_OK);
	assert_int_equal(dbd_cow_check(&h, DBD_COW_MODE_SNAPSHOT), DBD_COW_WRONG_MODE);

	h.flags = DBD_COW_CLEAN;
	assert_int_equal(dbd_cow_check(&h, DBD_COW_MODE_SNAPSHOT), DBD_COW_OK);
	assert_int_equal(dbd_cow_check(&h, DBD_COW_MODE_INCREMENTAL), DBD_COW_WRONG_MODE);

	h.flags = DBD_COW_INDEX_ONLY;	/* dirty: a crash */
	assert_int_equal(dbd_cow_check(&h, DBD_COW_MODE_ANY), DBD_COW_DIRTY);

	h.flags = DBD_COW_CLEAN | DBD_COW_INTERNAL;
	assert_int_equal(dbd_cow_check(&h, DBD_COW_MODE_SNAPSHOT), DBD_COW_OK);

	h.magic = 4777;
	assert_int_equal(dbd_cow_check(&h, DBD_COW_MODE_ANY), DBD_COW_BAD_MAGIC);
}

static void verdict_words(void **state)
{
	(void)state;
	assert_string_equal(dbd_cow_verdict_str(DBD_COW_OK), "clean");
	assert_non_null(strstr(dbd_cow_verdict_str(DBD_COW_DIRTY), "chain is broken"));
	assert_non_null(strstr(dbd_cow_verdict_str(DBD_COW_BAD_MAGIC), "magic"));
	assert_string_equal(dbd_cow_verdict_str((enum dbd_cow_verdict)99), "unknown verdict");
}

static void state_names(void **state)
{
	(void)state;
	assert_string_equal(dbd_state_str(0), "dormant incremental");
	assert_string_equal(dbd_state_str(DBD_STATE_ACTIVE_INC), "active incremental");
	assert_string_equal(dbd_state_str(DBD_STATE_ACTIVE_SNAP), "active snapshot");
	assert_string_equal(dbd_state_str(DBD_STATE_UNVERIFIED_INC), "unverified incremental");
	assert_string_equal(dbd_state_str(DBD_STATE_UNVERIFIED_SNAP), "unverified snapshot");
	assert_string_equal(dbd_state_str(6), "unknown");
	assert_string_equal(dbd_state_str(~0ul), "unknown");
}

static void uuid_hex(void **state)
{
	unsigned char u[16];
	char out[33];
	unsigned int i;

	(void)state;
	for (i = 0; i < 16; i++)
		u[i] = (unsigned char)(i * 17);
	memset(out, 'x', sizeof(out));
	dbd_uuid_hex(u, out);
	assert_string_equal(out, "00112233445566778899aabbccddeeff");
}

/* The request values as the kernel's _IOC encoding builds them at run time. */
static void request_values_decode(void **state)
{
	(void)state;
	assert_int_equal(_IOC_TYPE(DBD_IOC_INFO), 0x91);
	assert_int_equal(_IOC_NR(DBD_IOC_INFO), 8);
	assert_int_equal(_IOC_SIZE(DBD_IOC_INFO), sizeof(struct dbd_info));
	assert_int_equal(_IOC_DIR(DBD_IOC_INFO), _IOC_READ);
	assert_int_equal(_IOC_DIR(DBD_IOC_RELOAD_INC), _IOC_WRITE);
	assert_int_equal(_IOC_SIZE(DBD_IOC_RELOAD_INC), 32);
	assert_int_equal(_IOC_NR(DBD_IOC_RECONFIGURE_AUTO_EXPAND), 11);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decode_reads_documented_offsets),
		cmocka_unit_test(decode_refuses_short_input),
		cmocka_unit_test(check_verdicts),
		cmocka_unit_test(verdict_words),
		cmocka_unit_test(state_names),
		cmocka_unit_test(uuid_hex),
		cmocka_unit_test(request_values_decode),
	};

	return cmocka_run_group_tests_name("cowhdr", tests, NULL, NULL);
}
