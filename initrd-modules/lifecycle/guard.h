/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dbdboot: the shutdown guard. A loaded dattobd with the reload bug (an
 * affected release built without dbdboot's fix, fix.h) oopses at the first
 * umount or read-only remount of a volume it reloaded at boot, and the
 * shutdown hangs. Before the umounts, record-shutdown stops tracking such
 * volumes (the destroy ioctl frees the COW manager without the broken
 * path): their chains end, the shutdown finishes, the others survive, and
 * the next boot's verdict says stopped-at-shutdown. Status warns ahead.
 */
#ifndef DBDBOOT_GUARD_H
#define DBDBOOT_GUARD_H

#include "live.h"

#define GUARD_MAX 64	/* volumes: the manifest's limit */

struct guard {
	int loaded;		/* /sys/module/dattobd is there */
	int at_risk;		/* the loaded driver has the reload bug */
	char version[64];	/* of the loaded driver */
	char why[320];		/* why it is at risk or not, in words */
	unsigned int n;		/* volumes at risk */
	struct guard_vol {
		unsigned int minor;
		char bdev[256];
		int has_uuid;
		unsigned char uuid[16];
		long long seqid;
		int ret;	/* of guard_stop: 0 stopped, <0 not */
	} vol[GUARD_MAX];
};

/*
 * Look at the loaded driver and its live state: which volumes would it
 * oops on? Those it reloaded at this boot (the agent's report says so),
 * active, and still on the COW manager of the reload (same seqid as the
 * reload's: a transition by the backup agent makes a sound one); when the
 * report cannot be read, every active volume. 0 (also when dattobd is not
 * loaded: .loaded 0), or <0 when its state could not be read (said;
 * nothing found).
 */
int guard_assess(struct guard *g);
/* A volume's minor, block_device, uuid and seqid, into the open JSON object. */
void guard_put_volume(const struct guard_vol *v);
/* Stop tracking each volume G found, saying so on stderr and in the
 * kernel log. Returns how many could not be stopped. */
unsigned int guard_stop(struct guard *g);

#endif
