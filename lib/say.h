/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host-side readers' error words: one helper for all of them. */
#ifndef DBDBOOT_SAY_H
#define DBDBOOT_SAY_H

#include <stddef.h>

/* Format the words into WHY (N bytes; nothing when WHY is NULL); return RET. */
__attribute__((format(printf, 4, 5)))
int dbd_say(char *why, size_t n, int ret, const char *fmt, ...);

#endif
