/* SPDX-License-Identifier: GPL-2.0-or-later */
/* How a block device is mounted, read from /proc/self/mountinfo text. */
#ifndef DBDBOOT_MOUNTINFO_H
#define DBDBOOT_MOUNTINFO_H

#include <stddef.h>

/* Mount state of device MAJ:MIN in mountinfo TEXT (changed in place): 0 not
 * mounted, 1 mounted read-only only, 2 mounted read-write somewhere. */
int dbd_mountinfo_state(char *text, unsigned int maj, unsigned int min);
/* Is device MAJ:MIN one the initramfs mounts: 1 mounted at / or /usr, 0
 * mounted elsewhere only, -1 not mounted (TEXT changed in place). */
int dbd_mountinfo_boot(char *text, unsigned int maj, unsigned int min);
/* The first mount point of the whole filesystem on MAJ:MIN (its root
 * mounted, not a bind of a directory), unescaped into OUT (SIZE bytes,
 * cut to fit): 0, or -1 when there is none (TEXT changed in place). */
int dbd_mountinfo_mountpoint(char *text, unsigned int maj, unsigned int min, char *out,
			     size_t size);

#endif
