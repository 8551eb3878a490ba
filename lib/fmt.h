/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dbd_snprintf: snprintf for the conversions the project uses (see fmt.c). */
#ifndef DBD_FMT_H
#define DBD_FMT_H

#include <stdarg.h>
#include <stddef.h>

int dbd_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int dbd_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
