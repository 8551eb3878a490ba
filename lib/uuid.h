/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A COW file's uuid (16 bytes) written as dattobd writes it: 32 hex digits. */
#ifndef DBDBOOT_UUID_H
#define DBDBOOT_UUID_H

/* 32 lower-case hex digits of UUID into OUT (33 bytes). */
void dbd_uuid_hex(const unsigned char *uuid, char *out);
/* The reverse: 0, or -EINVAL unless exactly 32 hex digits. */
int dbd_uuid_parse(const char *hex, unsigned char *uuid);

/* The value of the hex digit C, or -1. */
int dbd_hexval(char c);

#endif
