/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DBDBOOT_ELFMOD_H
#define DBDBOOT_ELFMOD_H
/*
 * Kernel modules (ELF64, little-endian, relocatable) compared as the kernel
 * loads them: dracut strips the modules it puts into an initrd (strip -g:
 * debug sections and their relocations go), so an initrd's copy of the
 * installed module is not the same bytes, yet the same module. Two modules
 * are the same here when they have the same allocated sections (the ones
 * the kernel copies into memory: code, data, .modinfo with its srcversion
 * and vermagic), by name, size and content, in the same order.
 */
#include <stddef.h>

/* 1 when A and B are the same module as loaded, 0 when not, or -EINVAL
 * when either is no ELF64 little-endian relocatable object this reads, or
 * neither has an allocated section. A module is always itself: 1 or
 * -EINVAL for A against A. */
int dbd_elf_same_module(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen);

/* 1 when the N bytes at P start with the ELF magic (a plain module, not a
 * compressed one), else 0. */
int dbd_elf_magic(const unsigned char *p, size_t n);

#endif
