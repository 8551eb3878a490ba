// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "cowhdr.h"

int dbd_cow_decode(const void *buf, size_t len, struct dbd_cow_header *out)
{
	if (!buf || len < sizeof(*out))
		return -EINVAL;
	memcpy(out, buf, sizeof(*out));
	return 0;
}

enum dbd_cow_verdict dbd_cow_check(const struct dbd_cow_header *h, enum dbd_cow_mode mode)
{
	int index_only;

	if (h->magic != DBD_COW_MAGIC)
		return DBD_COW_BAD_MAGIC;
	if (!(h->flags & DBD_COW_CLEAN))
		return DBD_COW_DIRTY;
	index_only = !!(h->flags & DBD_COW_INDEX_ONLY);
	if ((mode == DBD_COW_MODE_SNAPSHOT && index_only) ||
	    (mode == DBD_COW_MODE_INCREMENTAL && !index_only))
		return DBD_COW_WRONG_MODE;
	return DBD_COW_OK;
}

const char *dbd_cow_verdict_str(enum dbd_cow_verdict v)
{
	switch (v) {
	case DBD_COW_OK:
		return "clean";
	case DBD_COW_SHORT:
		return "shorter than a COW header";
	case DBD_COW_BAD_MAGIC:
		return "not a dattobd COW file (bad magic)";
	case DBD_COW_DIRTY:
		return "not left clean (crash or unclean shutdown): the incremental chain is broken";
	case DBD_COW_WRONG_MODE:
		return "made for the other mode (snapshot against incremental)";
	}
	return "unknown verdict";
}

const char *dbd_state_str(unsigned long state)
{
	static const char *const names[] = {
		"dormant incremental", "dormant snapshot",
		"active incremental", "active snapshot",
		"unverified incremental", "unverified snapshot",
	};

	if (state < sizeof(names) / sizeof(names[0]))
		return names[state];
	return "unknown";
}
