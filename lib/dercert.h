/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dbdboot: the serial number of a DER X.509 certificate (dkms' MOK
 * certificate), as libkmod gives a module signature's key id: the bytes of
 * the serialNumber INTEGER as they are in the certificate, "AB:CD:...".
 * Only the certificate's first headers are read, each length checked
 * against the buffer; nothing is allocated.
 */
#ifndef DBDBOOT_DERCERT_H
#define DBDBOOT_DERCERT_H

#include <stddef.h>

/* Into OUT (N bytes, 3 per serial byte); 0, or -EBADMSG when it is not a
 * certificate or OUT is too small. */
int dbd_der_cert_serial(const unsigned char *der, size_t len, char *out, size_t n);

#endif
