// SPDX-License-Identifier: GPL-2.0-or-later
/* dbd_snprintf (lib/fmt.c) held to glibc's snprintf, form by form, at every
 * buffer size from 0 to past the whole output. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fmt.h"

/* The edge cases (a '0' flag the '-' or a precision cancels, an unknown
 * conversion) are on purpose. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-overflow"

/* Both formatters, every size: the same return value and the same bytes. */
#define SAME(...)                                                                      \
	do {                                                                           \
		char want[256], got[256];                                              \
		int w = snprintf(want, sizeof(want), __VA_ARGS__);                     \
		for (size_t n = 0; n <= (size_t)w + 2 && n <= sizeof(got); n++) {      \
			memset(want, 'W', sizeof(want));                               \
			memset(got, 'W', sizeof(got));                                 \
			assert_int_equal(snprintf(want, n, __VA_ARGS__), w);            \
			assert_int_equal(dbd_snprintf(got, n, __VA_ARGS__), w);        \
			assert_memory_equal(got, want, sizeof(got));                   \
		}                                                                      \
	} while (0)

static void strings(void **state)
{
	(void)state;
	SAME("plain text, no conversion");
	SAME("%s", "");
	SAME("could not open '%s': %s", "/etc/dbdboot/manifest", "No such file or directory");
	SAME("[%10s] [%-10s] [%.3s] [%10.3s] [%-10.3s]", "abc", "abc", "abcdef", "abcdef", "abcdef");
	SAME("[%.64s] [%.0s] [%.s]", "short", "gone", "gone too");
	SAME("[%*s] [%-*s] [%.*s] [%*s]", 6, "ab", 6, "ab", 2, "abcd", -6, "ab");
	SAME("%c%c%c [%3c] [%-3c]", 'd', 'b', 'd', 'x', 'y');
	SAME("100%% sure, %s%%", "really");
	SAME("\xc3\xa9t\xc3\xa9 %s", "d\xc3\xa9j\xc3\xa0");
}

static void integers(void **state)
{
	(void)state;
	SAME("%d %d %d %i", 0, 1, -1, 42);
	SAME("%d %d", INT_MAX, INT_MIN);
	SAME("%u %u %u", 0u, 7u, UINT_MAX);
	SAME("%ld %ld %lu", LONG_MAX, LONG_MIN, ULONG_MAX);
	SAME("%lld %lld %llu", LLONG_MAX, LLONG_MIN, ULLONG_MAX);
	SAME("%zu %zu", (size_t)0, SIZE_MAX);
	SAME("%jd %ju %td", INTMAX_MIN, UINTMAX_MAX, (ptrdiff_t)-5);
	SAME("%hd %hu %hhd %hhu", (short)-300, (unsigned short)65535, (signed char)-5,
	     (unsigned char)250);
	SAME("%x %X %x %04x %08X %lx", 0u, 0xabcdefu, UINT_MAX, 0x1fu, 0xbeefu, ULONG_MAX);
	SAME("[%5d] [%-5d] [%05d] [%05d] [%-05d]", 42, 42, 42, -42, 42);
	SAME("[%.3d] [%8.3d] [%08.3d] [%.0d] [%5.0d] [%.3d]", 7, -7, 7, 0, 0, -1234);
	SAME("[%*d] [%-*d] [%.*d]", 6, 12, 6, 12, 4, 12);
	SAME("minor %u: %s at %ld ms, error %d", 3u, "reloaded", 1234L, -22);
}

/* What it does not know it copies as it is (glibc would format a float). */
static void unknown_kept(void **state)
{
	char b[64];

	(void)state;
	assert_int_equal(dbd_snprintf(b, sizeof(b), "a %q b"), 6);
	assert_string_equal(b, "a %q b");
	assert_int_equal(dbd_snprintf(b, sizeof(b), "trailing %"), 10);
	assert_string_equal(b, "trailing %");
	assert_int_equal(dbd_snprintf(b, sizeof(b), "%s (null)", (char *)NULL), 13);
	assert_string_equal(b, "(null) (null)");
}

/* Long output: the return value says how much was cut. */
static void long_output(void **state)
{
	char big[600], b[16];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(dbd_snprintf(b, sizeof(b), "<%s>", big), 601);
	assert_string_equal(b, "<xxxxxxxxxxxxxx");
	assert_int_equal(dbd_snprintf(NULL, 0, "%s", big), 599);
	assert_int_equal(dbd_snprintf(b, sizeof(b), "%500d", 1), 500);
	assert_int_equal(strlen(b), 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strings),
		cmocka_unit_test(integers),
		cmocka_unit_test(unknown_kept),
		cmocka_unit_test(long_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
