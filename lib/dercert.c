// SPDX-License-Identifier: GPL-2.0-or-later
/* dbdboot: the serial number of a DER X.509 certificate (see dercert.h). */
#include <errno.h>
#include <stdio.h>

#include "dercert.h"

/* One DER header at *P: its tag and the length of its content; the content
 * then starts at *P. <0 past END or for a length over 4 bytes. */
static int der_item(const unsigned char **p, const unsigned char *end, int tag, size_t *len)
{
	const unsigned char *q = *p;
	size_t l, nb;

	if (end - q < 2 || q[0] != tag)
		return -EBADMSG;
	l = q[1];
	q += 2;
	if (l & 0x80) {
		nb = l & 0x7f;
		if (!nb || nb > 4 || (size_t)(end - q) < nb)
			return -EBADMSG;
		for (l = 0; nb--; q++)
			l = l << 8 | *q;
	}
	if (l > (size_t)(end - q))
		return -EBADMSG;
	*p = q;
	*len = l;
	return 0;
}

int dbd_der_cert_serial(const unsigned char *der, size_t len, char *out, size_t n)
{
	const unsigned char *p = der, *end = der + len;
	size_t l, o = 0;

	/* Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version
	 * OPTIONAL, serialNumber INTEGER, ... */
	if (der_item(&p, end, 0x30, &l) || der_item(&p, end, 0x30, &l))
		return -EBADMSG;
	if (p < end && *p == 0xa0) {
		if (der_item(&p, end, 0xa0, &l))
			return -EBADMSG;
		p += l;
	}
	if (der_item(&p, end, 0x02, &l) || !l || l * 3 > n)
		return -EBADMSG;
	for (size_t i = 0; i < l; i++)
		o += (size_t)snprintf(out + o, n - o, "%s%02X", i ? ":" : "", p[i]);
	return 0;
}
