// SPDX-License-Identifier: GPL-2.0-or-later
/* EFI signature lists: see efisig.h. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "efisig.h"

/* EFI_CERT_X509_GUID a5c059a1-94e4-4aa7-87b5-ab155c2bf072, as stored. */
static const unsigned char x509_guid[16] = {
	0xa1, 0x59, 0xc0, 0xa5, 0xe4, 0x94, 0xa7, 0x4a,
	0x87, 0xb5, 0xab, 0x15, 0x5c, 0x2b, 0xf0, 0x72,
};

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int dbd_efi_x509_each(const unsigned char *p, size_t len,
		      int (*fn)(const unsigned char *der, size_t n, void *ctx), void *ctx)
{
	size_t at = 0;

	while (at < len) {
		size_t left = len - at, list, head, size, off;
		const unsigned char *l = p + at;

		if (left < 28)
			return -EBADMSG;
		list = le32(l + 16);
		head = le32(l + 20);
		size = le32(l + 24);
		if (list < 28 || list > left || head > list - 28 || size <= 16 ||
		    (list - 28 - head) % size)
			return -EBADMSG;
		for (off = 28 + head; memcmp(l, x509_guid, 16) == 0 && off < list; off += size) {
			int ret = fn(l + off + 16, size - 16, ctx);

			if (ret)
				return ret;
		}
		at += list;
	}
	return 0;
}
