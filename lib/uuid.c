// SPDX-License-Identifier: GPL-2.0-or-later
/* dattobd's uuids as 32 hex digits (see uuid.h). */
#include <errno.h>

#include "uuid.h"

void dbd_uuid_hex(const unsigned char *uuid, char *out)
{
	static const char hx[] = "0123456789abcdef";

	for (int i = 0; i < 16; i++) {
		out[2 * i] = hx[uuid[i] >> 4];
		out[2 * i + 1] = hx[uuid[i] & 15];
	}
	out[32] = '\0';
}

int dbd_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int dbd_uuid_parse(const char *hex, unsigned char *uuid)
{
	for (int i = 0; i < 16; i++) {
		int hi = dbd_hexval(hex[2 * i]), lo = hi < 0 ? -1 : dbd_hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		uuid[i] = (unsigned char)(hi << 4 | lo);
	}
	return hex[32] ? -EINVAL : 0;
}
