/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dbdboot sync: the manifest made from dattobd's live state (sync.c). */
#ifndef DBDBOOT_SYNC_H
#define DBDBOOT_SYNC_H

#include "live.h"

enum sync_outcome { SYNC_UNCHANGED, SYNC_WRITTEN, SYNC_STALE, SYNC_FAILED };

struct sync_result {
	enum sync_outcome manifest;
	int initrds_stale;		/* some initrd lacks the current manifest */
	char stale_kernels[256];	/* which, blank-separated */
	struct live live;		/* what was read */
	int live_ret;			/* of live_read */
};

/*
 * Bring /etc/dbdboot/manifest and every installed kernel's initrd up to
 * the live state (CHECK: only say whether they are). 0, or a negative
 * errno after saying why; R says what was found and done.
 */
int sync_run(int check, struct sync_result *r);

#endif
