/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The X.509 certificates of an EFI signature list (UEFI 2.x, 32.4.1), as
 * shim keeps the enrolled machine owner keys in MokListRT: lists of
 *   SignatureType (GUID, 16 bytes), SignatureListSize, SignatureHeaderSize,
 *   SignatureSize (little-endian u32 each), a header, then entries of
 *   SignatureOwner (GUID) and SignatureSize - 16 bytes of data,
 * the data a DER certificate when the type is EFI_CERT_X509_GUID. Every
 * size is checked against the buffer; nothing is allocated. Fuzzed.
 */
#ifndef DBDBOOT_EFISIG_H
#define DBDBOOT_EFISIG_H

#include <stddef.h>

/* FN(DER, N, CTX) for each certificate of the LEN bytes at P, in order,
 * until FN returns nonzero: that value. 0 when all were given; -EBADMSG
 * when a list's sizes do not fit (those before it were given). */
int dbd_efi_x509_each(const unsigned char *p, size_t len,
		      int (*fn)(const unsigned char *der, size_t n, void *ctx), void *ctx);

#endif
