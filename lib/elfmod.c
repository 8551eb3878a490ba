// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel modules compared as loaded (elfmod.h). Reads untrusted bytes (an
 * initrd's): every offset and size is checked against the buffer. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "elfmod.h"
#include "le.h"

#define EH_SIZE 64		/* ELF64 header */
#define SH_SIZE 64		/* ELF64 section header */
#define MAX_SECTIONS 4096	/* a module has a few dozen to a few hundred */
#define SHF_ALLOC 0x2u
#define SHT_NOBITS 8u

struct elf {
	const unsigned char *b;
	size_t len;
	uint64_t shoff;
	unsigned int shnum;
	const unsigned char *names;	/* the section name table */
	size_t names_len;
};

static int in_range(size_t len, uint64_t off, uint64_t size)
{
	return off <= len && size <= len - off;
}

static const unsigned char *shdr(const struct elf *e, unsigned int i)
{
	return e->b + e->shoff + (uint64_t)i * SH_SIZE;
}

static int open_elf(struct elf *e, const unsigned char *b, size_t len)
{
	const unsigned char *s;
	unsigned int strndx;

	if (len < EH_SIZE || memcmp(b, "\177ELF", 4) || b[4] != 2 || b[5] != 1 ||
	    dbd_le16(b + 16) != 1 /* ET_REL */ || dbd_le16(b + 58) != SH_SIZE)
		return -EINVAL;
	e->b = b;
	e->len = len;
	e->shoff = dbd_le64(b + 40);
	e->shnum = dbd_le16(b + 60);
	strndx = dbd_le16(b + 62);
	if (!e->shnum || e->shnum > MAX_SECTIONS || strndx >= e->shnum ||
	    !in_range(len, e->shoff, (uint64_t)e->shnum * SH_SIZE))
		return -EINVAL;
	s = shdr(e, strndx);
	if (!in_range(len, dbd_le64(s + 24), dbd_le64(s + 32)))
		return -EINVAL;
	e->names = b + dbd_le64(s + 24);
	e->names_len = dbd_le64(s + 32);
	return 0;
}

/* Section I's name (NUL-terminated inside the table), or NULL. */
static const char *name_of(const struct elf *e, unsigned int i)
{
	uint32_t off = dbd_le32(shdr(e, i));

	if (off >= e->names_len || !memchr(e->names + off, '\0', e->names_len - off))
		return NULL;
	return (const char *)e->names + off;
}

/* The next allocated section from *I on (its index into *I), or -1 at the
 * end; -EINVAL for a section that lies outside the file. */
static int next_alloc(const struct elf *e, unsigned int *i)
{
	for (; *i < e->shnum; (*i)++) {
		const unsigned char *s = shdr(e, *i);

		if (!(dbd_le64(s + 8) & SHF_ALLOC))
			continue;
		if (!name_of(e, *i) || (dbd_le32(s + 4) != SHT_NOBITS &&
					!in_range(e->len, dbd_le64(s + 24), dbd_le64(s + 32))))
			return -EINVAL;
		return 0;
	}
	return -1;
}

static int same_section(const struct elf *a, unsigned int i, const struct elf *b, unsigned int j)
{
	const unsigned char *sa = shdr(a, i), *sb = shdr(b, j);
	uint64_t size = dbd_le64(sa + 32);

	if (strcmp(name_of(a, i), name_of(b, j)) || dbd_le32(sa + 4) != dbd_le32(sb + 4) ||
	    size != dbd_le64(sb + 32) || dbd_le64(sa + 8) != dbd_le64(sb + 8))
		return 0;
	if (dbd_le32(sa + 4) == SHT_NOBITS)
		return 1;
	return !memcmp(a->b + dbd_le64(sa + 24), b->b + dbd_le64(sb + 24), size);
}

int dbd_elf_same_module(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
	struct elf ea, eb;
	unsigned int i = 0, j = 0;
	int ra, rb, any = 0;

	if (open_elf(&ea, a, alen) || open_elf(&eb, b, blen))
		return -EINVAL;
	for (;; i++, j++) {
		ra = next_alloc(&ea, &i);
		rb = next_alloc(&eb, &j);
		if (ra == -EINVAL || rb == -EINVAL)
			return -EINVAL;
		if (ra && rb)
			return any ? 1 : -EINVAL;	/* no allocated section: no module */
		if (ra || rb)
			return 0;
		if (!same_section(&ea, i, &eb, j))
			return 0;
		any = 1;
	}
}

int dbd_elf_magic(const unsigned char *p, size_t n)
{
	return n >= 4 && !memcmp(p, "\177ELF", 4);
}
