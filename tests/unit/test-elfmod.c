// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of lib/elfmod.c: modules built byte by byte (ELF64 REL). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "elfmod.h"

#define SHF_ALLOC 2
#define SHT_PROGBITS 1
#define SHT_STRTAB 3

static void put16(unsigned char *b, size_t off, uint16_t v) { memcpy(b + off, &v, 2); }
static void put32(unsigned char *b, size_t off, uint32_t v) { memcpy(b + off, &v, 4); }
static void put64(unsigned char *b, size_t off, uint64_t v) { memcpy(b + off, &v, 8); }

static const char names[] = "\0.text\0.modinfo\0.debug_info\0.shstrtab";
enum { N_TEXT = 1, N_MODINFO = 7, N_DEBUG = 16, N_SHSTRTAB = 28 };

static void section(unsigned char *b, size_t shoff, unsigned int i, uint32_t name, uint32_t type,
		    uint64_t flags, uint64_t off, uint64_t size)
{
	unsigned char *s = b + shoff + i * 64;

	put32(s, 0, name);
	put32(s, 4, type);
	put64(s, 8, flags);
	put64(s, 24, off);
	put64(s, 32, size);
}

/* A module: .text (TEXT), .modinfo (INFO), with DEBUG a .debug_info too.
 * Its length. */
static size_t module(unsigned char *b, const char *text, const char *info, int debug)
{
	size_t shoff = 512;
	unsigned int n = 0;

	memset(b, 0, 1024);
	memcpy(b, "\177ELF\2\1\1", 7);
	put16(b, 16, 1);
	put16(b, 18, 62);
	put64(b, 40, shoff);
	put16(b, 58, 64);
	memcpy(b + 64, names, sizeof(names));
	memcpy(b + 128, text, strlen(text));
	memcpy(b + 192, info, strlen(info) + 1);
	memcpy(b + 256, "dwarf", 5);
	section(b, shoff, n++, 0, 0, 0, 0, 0);
	section(b, shoff, n++, N_SHSTRTAB, SHT_STRTAB, 0, 64, sizeof(names));
	if (debug)
		section(b, shoff, n++, N_DEBUG, SHT_PROGBITS, 0, 256, 5);
	section(b, shoff, n++, N_TEXT, SHT_PROGBITS, SHF_ALLOC | 4, 128, strlen(text));
	section(b, shoff, n++, N_MODINFO, SHT_PROGBITS, SHF_ALLOC, 192, strlen(info) + 1);
	put16(b, 60, (uint16_t)n);
	put16(b, 62, 1);
	return shoff + n * 64;
}

static void stripped_is_same(void **state)
{
	unsigned char a[1024], b[1024];
	size_t la = module(a, "code", "srcversion=ABC", 1), lb = module(b, "code", "srcversion=ABC", 0);

	(void)state;
	assert_true(la != lb);
	assert_int_equal(dbd_elf_same_module(a, la, b, lb), 1);
	assert_int_equal(dbd_elf_same_module(a, la, a, la), 1);
}

static void other_code_or_info_differs(void **state)
{
	unsigned char a[1024], b[1024];
	size_t la = module(a, "code", "srcversion=ABC", 1), lb = module(b, "cod3", "srcversion=ABC", 0);

	(void)state;
	assert_int_equal(dbd_elf_same_module(a, la, b, lb), 0);
	lb = module(b, "code", "srcversion=ABD", 0);
	assert_int_equal(dbd_elf_same_module(a, la, b, lb), 0);
}

static void not_a_module(void **state)
{
	unsigned char a[1024], b[1024];
	size_t la = module(a, "code", "srcversion=ABC", 1), lb = module(b, "code", "srcversion=ABC", 0);

	(void)state;
	assert_int_equal(dbd_elf_same_module(a, la, b, 10), -EINVAL);
	b[4] = 1;	/* ELF32 */
	assert_int_equal(dbd_elf_same_module(a, la, b, lb), -EINVAL);
	module(b, "code", "srcversion=ABC", 0);
	put64(b, 512 + 3 * 64 + 24, 4000);	/* .text past the end */
	assert_int_equal(dbd_elf_same_module(a, la, b, lb), -EINVAL);
	module(b, "code", "srcversion=ABC", 0);
	put32(b, 512 + 2 * 64, 9999);	/* a name outside the table */
	assert_int_equal(dbd_elf_same_module(a, la, b, lb), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stripped_is_same),
		cmocka_unit_test(other_code_or_info_differs),
		cmocka_unit_test(not_a_module),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
