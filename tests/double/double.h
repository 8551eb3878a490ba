/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dattobd test double: shared declarations.
 *
 * A small module that answers to dattobd's control device, ioctls and
 * /proc/datto-info, and follows its reload and activation rules, so that
 * dbdboot can be tested on a real kernel without the real driver. It tracks
 * no blocks. See README.md beside this file for what it imitates and what
 * it does not.
 */
#ifndef DBD_DOUBLE_H
#define DBD_DOUBLE_H

#define pr_fmt(fmt) "dattobd: " fmt

#include <linux/mutex.h>
#include <linux/path.h>
#include <linux/types.h>

#include "dbdboot/dattobd.h"

#define DBD_DOUBLE_VERSION "0.12.1"

struct dbd_tracker {
	bool used;
	unsigned int minor;
	unsigned long state;		/* DBD_STATE_* bits */
	int error;			/* last activation error, or 0 */
	unsigned long cache_size;	/* 0: module default */
	u64 falloc_mib;
	u64 cow_size;			/* bytes, as last written */
	dev_t dev;
	char *bdev_path;		/* as given */
	char *cow_path;			/* relative to the volume's root */
	struct dbd_cow_header hdr;	/* in-memory copy while verified */
	struct path root;		/* volume root, held while active */
	bool auto_expand;
	u64 step_size_mib, reserved_space_mib;
	bool reloaded;			/* made by a reload (not a setup) */
};

extern struct mutex dbd_lock;
extern struct dbd_tracker *dbd_trackers;
extern unsigned int dbd_max_devices;
extern unsigned long dbd_cache_default;
extern unsigned int dbd_falloc_pct_default;
extern bool dbd_oops_at_umount;

/* ctl.c */
long dbd_ioctl(struct file *f, unsigned int cmd, unsigned long arg);
void dbd_tracker_free(struct dbd_tracker *t);

/* cow.c: COW file work, run in a kernel thread so that closes are final */
int dbd_cow_create(struct dbd_tracker *t, const struct path *dir, const char *name,
		   u64 falloc_bytes);
int dbd_cow_activate(struct dbd_tracker *t, struct vfsmount *mnt);
int dbd_cow_deactivate(struct dbd_tracker *t);
int dbd_cow_to_incremental(struct dbd_tracker *t);
int dbd_cow_unlink(struct dbd_tracker *t);

/* hooks.c: mount and umount interception */
int dbd_hooks_init(void);
void dbd_hooks_exit(void);

/* proc.c */
int dbd_proc_init(void);
void dbd_proc_exit(void);

#endif
