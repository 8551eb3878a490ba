// SPDX-License-Identifier: GPL-2.0-or-later
/* See say.h. */
#include <stdarg.h>
#include <stdio.h>

#include "say.h"

size_t dbd_kmsg_line(char *line, size_t size, int level, const char *prefix, const char *fmt,
		     va_list ap)
{
	int n = snprintf(line, size, "<%d>%s: ", level, prefix);

	if (n < 0 || (size_t)n > size - 2)
		n = 0;
	n += vsnprintf(line + n, size - (size_t)n - 1, fmt, ap);
	if (n < 0 || (size_t)n > size - 2)
		n = (int)size - 2;
	line[n++] = '\n';
	return (size_t)n;
}

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
