/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host-side readers' error words: one helper for all of them. */
#ifndef DBDBOOT_SAY_H
#define DBDBOOT_SAY_H

#include <stdarg.h>
#include <stddef.h>

/* Format the words into WHY (N bytes; nothing when WHY is NULL); return RET. */
__attribute__((format(printf, 4, 5)))
int dbd_say(char *why, size_t n, int ret, const char *fmt, ...);

/* A kernel-log line into LINE (SIZE bytes, at least 8): "<LEVEL>PREFIX: "
 * then FMT, cut to fit, ended by a newline (no NUL counted). Its length. */
size_t dbd_kmsg_line(char *line, size_t size, int level, const char *prefix, const char *fmt,
		     va_list ap);

#endif
