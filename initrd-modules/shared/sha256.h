/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DBDBOOT_SHA256_H
#define DBDBOOT_SHA256_H
#include <stddef.h>
/* The SHA-256 of LEN bytes at DATA, as 64 hex digits and a NUL. */
void sha256_hex(const void *data, size_t len, char hex[65]);
#endif
