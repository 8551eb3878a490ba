/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dbdboot bundle format: a gzip'ed tar (ustar) of two members,
 *   dbdboot-bundle.txt   "dbdboot-bundle 1", then "KEY VALUE" lines:
 *                        kernel, module, dkms-version, vermagic, sha256, size,
 *                        signer and sig-key ("-" when unsigned; not in
 *                        the bundles of dbdboot before 0.1.0's fleets)
 *   dattobd.ko           the module.
 * Reading is bounded: the gzip stream may unpack to DBD_BUNDLE_MAX_UNPACKED
 * bytes at most, whatever it claims, and every field is read within its
 * member. Host side (allocates; fuzzed).
 */
#ifndef DBDBOOT_BUNDLEFMT_H
#define DBDBOOT_BUNDLEFMT_H

#include <stddef.h>

#include "unpack.h"

#define DBD_BUNDLE_META "dbdboot-bundle.txt"
#define DBD_BUNDLE_KO "dattobd.ko"
#define DBD_BUNDLE_MAX_MODULE (64u << 20)
#define DBD_BUNDLE_MAX_UNPACKED (DBD_BUNDLE_MAX_MODULE + (1u << 20))

struct dbd_bundle {
	struct dbd_buf tar;		/* the unpacked tar; free tar.p */
	const unsigned char *ko;	/* the module, in TAR */
	size_t ko_size;
	int format;
	char kernel[128], version[64], vermagic[256], sha256[65];
	char signer[128], sig_key[192];	/* who signed the module; "" not said */
	unsigned long long size;	/* the module's, as the bundle says */
};

/*
 * Read the LEN bytes at RAW as a bundle into B (B->tar.p to free, also
 * after an error). 0, or -EBADMSG (damaged, not a bundle, or over the size
 * limit) with words in WHY.
 */
int dbd_bundle_read(const unsigned char *raw, size_t len, struct dbd_bundle *b, char *why,
		    size_t whylen);

/* Make a bundle of META (its text) and the module: *OUT malloc'ed. */
int dbd_bundle_make(const char *meta, size_t mlen, const unsigned char *ko, size_t len,
		    unsigned char **out, size_t *olen);

#endif
