// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of lib/symvers.c: Module.symvers lookups. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "symvers.h"

static const char text[] =
	"0x8f9c199c\tblk_mq_submit_bio\tvmlinux\tEXPORT_SYMBOL_GPL\t\n"
	"0x00000001\tkfree_sensitive\tvmlinux\tEXPORT_SYMBOL\t\n"
	"0x12345678\tkfree\tvmlinux\tEXPORT_SYMBOL\t\n"
	"not a line\tvfree\n"
	"0xabc\tvm_area\tdrivers/kfree\tEXPORT_SYMBOL\t\n"
	"0xdeadbeef\tlast";

static void lookups(void **state)
{
	uint32_t crc = 0;

	(void)state;
	assert_int_equal(dbd_symvers_crc(text, strlen(text), "kfree", &crc), 0);
	assert_int_equal(crc, 0x12345678);	/* not kfree_sensitive's */
	assert_int_equal(dbd_symvers_crc(text, strlen(text), "blk_mq_submit_bio", &crc), 0);
	assert_int_equal(crc, 0x8f9c199c);
	/* Only the second field is the symbol; bad lines are skipped. */
	assert_int_equal(dbd_symvers_crc(text, strlen(text), "vmlinux", &crc), -ENOENT);
	assert_int_equal(dbd_symvers_crc(text, strlen(text), "vfree", &crc), -ENOENT);
	/* A last line without its tab after the symbol is not a line. */
	assert_int_equal(dbd_symvers_crc(text, strlen(text), "last", &crc), -ENOENT);
	/* The length bounds the search, not a NUL. */
	assert_int_equal(dbd_symvers_crc(text, 20, "blk_mq_submit_bio", &crc), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookups),
	};

	return cmocka_run_group_tests_name("symvers", tests, NULL, NULL);
}
