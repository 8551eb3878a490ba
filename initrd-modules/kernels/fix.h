/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dbdboot: its own fix of the reload bug of dattobd 0.11.8 to 0.12.1 (a
 * reloaded volume's COW manager without its device: an oops at the umount
 * or read-only remount after a reload, and a hung shutdown), applied by
 * dkms to the build, never to the installed source: PATCH[] in
 * /etc/dkms/dattobd-VERSION.conf, the patch in the source's patches/.
 * Only for a source dbdboot recognises by the SHA-256 of the files the
 * bug lives in; switched off by SYSCONFDIR/dbdboot/no-driver-fix.
 */
#ifndef DBDBOOT_FIX_H
#define DBDBOOT_FIX_H

#define FIX_TAG "reload-cow-dev"	/* modinfo dbdboot_fix of a fixed build */
#define FIX_OFF_FILE DBD_PATH_SYSCONFDIR "/dbdboot/no-driver-fix"

enum fix_source {
	FIX_NO_SOURCE,		/* no source of that version to look at */
	FIX_AFFECTED,		/* recognised: a release with the bug, the fix applies */
	FIX_UNKNOWN,		/* not recognised: neither fixed nor known to be safe */
};

struct fix_facts {
	char version[64];	/* the dattobd version looked at */
	enum fix_source source;
	char release[16];	/* FIX_AFFECTED: the release it is, "0.12.1" */
	int off;		/* FIX_OFF_FILE is there */
	int in_place;		/* dbdboot's dkms conf and patch are there */
	int foreign_conf;	/* /etc/dkms/dattobd-VERSION.conf is somebody else's */
	char why[256];		/* FIX_UNKNOWN, FIX_NO_SOURCE: what was seen */
};

/* What is known of VERSION's source and dbdboot's dkms override of it. */
int fix_facts(const char *version, struct fix_facts *x);
/* The release with the bug that a module's VERSION string names ("0.12.1"
 * for "0.12.1" or "0.12.1-2"), or NULL: what is known of a loaded module
 * whose source is not at hand. */
const char *fix_affected_release(const char *version);
/* Should a build of it carry the fix? */
int fix_wanted(const struct fix_facts *x);
/* Put dbdboot's dkms override in place when the fix is wanted, take it
 * away when not (a vanilla build); says why. 0, or <0 when a wanted fix
 * could not be put in place (the build then goes on without it). */
int fix_prepare(const char *version, const struct fix_facts *x);
/* Words for status: does a module tagged TAG ("" none) carry the fix that
 * X wants? Sets *bad when a wanted fix is missing. */
const char *fix_state_str(const struct fix_facts *x, const char *tag, int *bad);

#endif
