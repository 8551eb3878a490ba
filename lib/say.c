// SPDX-License-Identifier: GPL-2.0-or-later
/* See say.h. */
#include <stdarg.h>
#include <stdio.h>

#include "say.h"

int dbd_say(char *why, size_t n, int ret, const char *fmt, ...)
{
	va_list ap;

	if (why && n) {
		va_start(ap, fmt);
		vsnprintf(why, n, fmt, ap);
		va_end(ap);
	}
	return ret;
}
