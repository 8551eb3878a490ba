/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Module.symvers, as kbuild writes it: one line per exported symbol,
 * "0xCRC<TAB>SYMBOL<TAB>MODULE<TAB>EXPORT[<TAB>NAMESPACE]". No allocation.
 */
#ifndef DBDBOOT_SYMVERS_H
#define DBDBOOT_SYMVERS_H

#include <stddef.h>
#include <stdint.h>

/* The CRC of SYM in the LEN bytes at TEXT (need not end in NUL): 0 with
 * *CRC, or -ENOENT. Lines that are not of that form are skipped. */
int dbd_symvers_crc(const char *text, size_t len, const char *sym, uint32_t *crc);

#endif
