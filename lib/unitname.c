// SPDX-License-Identifier: GPL-2.0-or-later
/* systemd unit names of paths (unitname.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "unitname.h"

static int plain(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       c == ':' || c == '_' || c == '.';
}

/* Append to OUT at *LEN: C as it is, or as \xHH. */
static int put(char *out, size_t size, size_t *len, unsigned char c, int first)
{
	if (plain(c) && !(first && c == '.')) {
		if (*len + 1 >= size)
			return -ENAMETOOLONG;
		out[(*len)++] = (char)c;
		return 0;
	}
	if (*len + 4 >= size)
		return -ENAMETOOLONG;
	*len += (size_t)snprintf(out + *len, size - *len, "\\x%02x", c);
	return 0;
}

int dbd_unit_from_path(const char *path, const char *suffix, char *out, size_t size)
{
	size_t len = 0;
	const char *s = path;
	int first = 1;

	if (path[0] != '/')
		return -EINVAL;
	while (*s == '/')
		s++;
	if (!*s) {
		if (size < 2)
			return -ENAMETOOLONG;
		out[len++] = '-';
	}
	while (*s) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return -EINVAL;
		if (!first) {
			if (len + 1 >= size)
				return -ENAMETOOLONG;
			out[len++] = '-';
		}
		for (size_t i = 0; i < n; i++)
			if (put(out, size, &len, (unsigned char)s[i], first && i == 0))
				return -ENAMETOOLONG;
		first = 0;
		s += n;
		while (*s == '/')
			s++;
	}
	if (len + strlen(suffix) >= size)
		return -ENAMETOOLONG;
	memcpy(out + len, suffix, strlen(suffix) + 1);
	return 0;
}
