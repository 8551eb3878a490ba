/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dbdboot: the rebuild of one kernel, for the rebuild and kernel-hook commands. */
#ifndef DBDBOOT_REBUILD_H
#define DBDBOOT_REBUILD_H

#define REBUILD_DEFERRED 1	/* image or headers missing: nothing done */

struct rebuild_result {
	const char *outcome;	/* verified, built, deferred-image, ... */
	char version[64];
	int built;
	double seconds;
};

/* 0 (built or already verified), REBUILD_DEFERRED, or <0 after saying why. */
int rebuild_one(const char *kver, int force, struct rebuild_result *r);

#endif
