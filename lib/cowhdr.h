/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading dattobd COW file headers and naming minor states. */
#ifndef DBDBOOT_COWHDR_H
#define DBDBOOT_COWHDR_H

#include <stddef.h>
#include "dbdboot/dattobd.h"
#include "uuid.h"

/* Why a COW header would not be accepted at activation. */
enum dbd_cow_verdict {
	DBD_COW_OK = 0,		/* magic right, CLEAN set, mode as asked */
	DBD_COW_SHORT,		/* fewer bytes than the header fields */
	DBD_COW_BAD_MAGIC,
	DBD_COW_DIRTY,		/* CLEAN not set: not closed cleanly */
	DBD_COW_WRONG_MODE,	/* INDEX_ONLY does not match the mode asked */
};

/* Mode asked of a header by dbd_cow_check(). */
enum dbd_cow_mode {
	DBD_COW_MODE_ANY = 0,
	DBD_COW_MODE_SNAPSHOT,
	DBD_COW_MODE_INCREMENTAL,
};

/*
 * Decode the header fields from the first LEN bytes of a COW file (host byte
 * order, as the driver writes them). Returns 0, or -EINVAL when LEN is too
 * short to hold them.
 */
int dbd_cow_decode(const void *buf, size_t len, struct dbd_cow_header *out);

/* Judge a decoded header as the driver does when it activates a minor. */
enum dbd_cow_verdict dbd_cow_check(const struct dbd_cow_header *h, enum dbd_cow_mode mode);

/* Words for a verdict, for messages ("not left clean: ..."). */
const char *dbd_cow_verdict_str(enum dbd_cow_verdict v);

/* "active incremental", "unverified snapshot", ...; "unknown" past bit 2. */
const char *dbd_state_str(unsigned long state);

#endif
