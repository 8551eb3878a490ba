/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dbdboot: what dattobd tracks right now, read from /proc/datto-info and
 * the info ioctl of each minor under a deadline. Reading either can block
 * for ever while the driver's lock is held (dattobd 0.12.1 oopses at the
 * umount of a reloaded volume and keeps it): the reads are done by a child
 * process that is abandoned at the deadline.
 */
#ifndef DBDBOOT_LIVE_H
#define DBDBOOT_LIVE_H

#include "dattoinfo.h"

#define LIVE_TIMEOUT_S 5	/* DBDBOOT_TIMEOUT_DRIVER */

struct live {
	struct dbd_datto_info info;	/* with the ioctl's uuid, seqid, state, error */
	int ioctl_used;			/* the control device answered */
};

/*
 * Fill L. Returns 0, or:
 *   -ENOENT     no /proc/datto-info: dattobd is not loaded
 *   -ETIMEDOUT  no answer within the deadline (the driver's lock is held)
 *   -EBADMSG    the text could not be read as /proc/datto-info
 *   <0          the read failed
 * and says what failed (but not for -ENOENT: the caller knows what it means).
 */
int live_read(struct live *l);

/* Stop tracking MINOR (the destroy ioctl: dattobd frees its COW manager
 * and deletes the COW file), under the same deadline. 0, -ETIMEDOUT, or
 * the driver's -errno. Says nothing: the caller does. */
int live_destroy(unsigned int minor);

#endif
