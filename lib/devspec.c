// SPDX-License-Identifier: GPL-2.0-or-later
/* The /dev path of a manifest device spec (devspec.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "devspec.h"

static int plain(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       strchr("#+-.:=@_", c);
}

/* Bytes of the UTF-8 sequence at S (2 to 4), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n = *s >= 0xf0 && *s <= 0xf4 ? 4 : *s >= 0xe0 ? 3 : *s >= 0xc2 && *s < 0xe0 ? 2 : 0;

	if (*s >= 0xf8)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static int encoded(const char *dir, const char *value, char *out, size_t size)
{
	const unsigned char *s = (const unsigned char *)value;
	size_t len = (size_t)snprintf(out, size, "%s/", dir);

	while (*s && len < size) {
		size_t u = *s >= 0x80 ? utf8_len(s) : 0;

		if (u) {
			if (len + u >= size)
				return -ENAMETOOLONG;
			memcpy(out + len, s, u);
			len += u;
			s += u;
		} else if (*s && plain(*s)) {
			out[len++] = (char)*s++;
		} else {
			len += (size_t)snprintf(out + len, size - len, "\\x%02x", *s++);
		}
	}
	if (len >= size)
		return -ENAMETOOLONG;
	out[len] = '\0';
	return 0;
}

int dbd_devspec_path(const struct dbd_volume *v, char *out, size_t size)
{
	int n;

	switch (v->dev_kind) {
	case DBD_DEV_UUID:
		return encoded("/dev/disk/by-uuid", v->dev_value, out, size);
	case DBD_DEV_LABEL:
		return encoded("/dev/disk/by-label", v->dev_value, out, size);
	case DBD_DEV_PARTUUID:
		return encoded("/dev/disk/by-partuuid", v->dev_value, out, size);
	case DBD_DEV_NUMBER:
		n = snprintf(out, size, "/dev/block/%u:%u", v->dev_major, v->dev_minor);
		break;
	default:
		n = snprintf(out, size, "%s", v->device);
		break;
	}
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}
