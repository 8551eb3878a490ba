// SPDX-License-Identifier: GPL-2.0-only
/*
 * dattobd test double: mounts and umounts.
 *
 * Like the real driver, the double redirects path_mount() and path_umount()
 * to wrappers through ftrace, with the functions' addresses taken from the
 * target kernel's System.map at build time (genconfig.sh) and corrected for
 * address randomisation by the offset of kfree. The addresses are checked
 * against the running kernel before anything is hooked: a module built with
 * a wrong System.map refuses to load instead of crashing.
 *
 * A read-write mount or remount of a tracked volume activates its minor; an
 * umount or read-only remount makes it dormant first, and active again if
 * that fails.
 */
#include "double.h"

#include <linux/blkdev.h>
#include <linux/ftrace.h>
#include <linux/fs.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/version.h>
#include <uapi/linux/mount.h>

#include "symaddr.h"

typedef int (*path_mount_fn)(const char *, struct path *, const char *, unsigned long, void *);
typedef int (*path_umount_fn)(struct path *, int);

static path_mount_fn orig_path_mount;
static path_umount_fn orig_path_umount;

struct dbd_hook {
	const char *name;
	unsigned long map_addr;		/* from System.map, before KASLR */
	unsigned long addr;		/* in the running kernel */
	void *wrapper;
	struct ftrace_ops ops;
	bool registered;
};

static int dbd_wrap_mount(const char *dev, struct path *path, const char *type,
			  unsigned long flags, void *data);
static int dbd_wrap_umount(struct path *path, int flags);

static struct dbd_hook dbd_hooks[] = {
	{ .name = "path_mount", .map_addr = DBD_SYMADDR_PATH_MOUNT, .wrapper = dbd_wrap_mount },
	{ .name = "path_umount", .map_addr = DBD_SYMADDR_PATH_UMOUNT, .wrapper = dbd_wrap_umount },
};

/* Activate every tracked minor of the volume MNT shows, now read-write. */
static void dbd_volume_writable(struct vfsmount *mnt)
{
	struct super_block *sb = mnt->mnt_sb;
	unsigned int i;
	int ret;

	if (!sb->s_bdev || sb_rdonly(sb) || (mnt->mnt_flags & MNT_READONLY))
		return;
	mutex_lock(&dbd_lock);
	for (i = 0; i < dbd_max_devices; i++) {
		struct dbd_tracker *t = &dbd_trackers[i];

		if (!t->used || t->dev != sb->s_bdev->bd_dev || (t->state & DBD_STATE_ACTIVE))
			continue;
		ret = dbd_cow_activate(t, mnt);
		if (ret) {
			t->error = ret;
			pr_err("minor %u: activation failed, error %d; state stays %lu\n",
			       t->minor, ret, t->state);
			continue;
		}
		t->error = 0;
		t->state = (t->state & DBD_STATE_SNAPSHOT) | DBD_STATE_ACTIVE;
		pr_info("minor %u: %s mounted read-write: active %s, seqid %llu\n", t->minor,
			t->bdev_path, (t->state & DBD_STATE_SNAPSHOT) ? "snapshot" : "incremental",
			t->hdr.seqid);
	}
	mutex_unlock(&dbd_lock);
}

/*
 * The fault switch oops_at_umount: what dattobd 0.12.1 does at the umount
 * or read-only remount of a volume it reloaded and activated. Its header
 * is already written clean; then the driver oopses (a NULL dereference in
 * cow_get_file_extents): the task dies in the umount hook with the driver's
 * mutex held, and the filesystem is never unmounted. Here the task waits,
 * killable, and then returns without the umount and without unlocking:
 * every later caller of the driver blocks for good, as with the real one.
 */
static int dbd_imitate_oops(const struct dbd_tracker *t)
{
	pr_emerg("BUG: kernel NULL pointer dereference (imitated by the test double: "
		 "oops_at_umount) in cow_get_file_extents, minor %u %s: the umount never "
		 "returns, the driver's lock stays held\n", t->minor, t->bdev_path);
	while (!fatal_signal_pending(current))
		schedule_timeout_killable(HZ);
	return -EIO;
}

/* Make every active minor whose COW file is open through the mount MNT
 * (as dattobd 0.12.1 compares: that mount, not any of the same filesystem)
 * dormant, header clean. Returns how many, or -EIO after an imitated oops
 * (the lock then stays held). */
static int dbd_volume_leaving(const struct vfsmount *mnt)
{
	unsigned int i;
	int ret, n = 0;

	mutex_lock(&dbd_lock);
	for (i = 0; i < dbd_max_devices; i++) {
		struct dbd_tracker *t = &dbd_trackers[i];

		if (!t->used || !(t->state & DBD_STATE_ACTIVE) || !t->root.mnt ||
		    t->root.mnt != mnt)
			continue;
		ret = dbd_cow_deactivate(t);
		if (ret)
			pr_err("minor %u: could not write the header clean: error %d\n",
			       t->minor, ret);
		t->state &= ~DBD_STATE_ACTIVE;
		pr_info("minor %u: %s leaving read-write: dormant, header %s (%s, pid %d)\n",
			t->minor, t->bdev_path, ret ? "NOT clean" : "clean", current->comm,
			task_pid_nr(current));
		if (dbd_oops_at_umount && t->reloaded)
			return dbd_imitate_oops(t);
		n++;
	}
	mutex_unlock(&dbd_lock);
	return n;
}

static int dbd_wrap_mount(const char *dev, struct path *path, const char *type,
			  unsigned long flags, void *data)
{
	unsigned long f = flags;
	int left = 0;
	struct path top;
	int ret;

	if (!try_module_get(THIS_MODULE))
		return orig_path_mount(dev, path, type, flags, data);
	if ((f & MS_MGC_MSK) == MS_MGC_VAL)
		f &= ~MS_MGC_MSK;
	if (f & (MS_BIND | MS_MOVE | MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE) ||
	    ((f & MS_RDONLY) && !(f & MS_REMOUNT))) {
		ret = orig_path_mount(dev, path, type, flags, data);
	} else if (f & MS_REMOUNT) {
		if ((f & MS_RDONLY) && path->dentry == path->mnt->mnt_root)
			left = dbd_volume_leaving(path->mnt);
		if (left < 0) {
			module_put(THIS_MODULE);
			return left;
		}
		ret = orig_path_mount(dev, path, type, flags, data);
		if ((!ret && !(f & MS_RDONLY)) || (ret && left))
			dbd_volume_writable(path->mnt);
	} else {
		ret = orig_path_mount(dev, path, type, flags, data);
		if (!ret) {
			top = *path;
			path_get(&top);
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
			follow_down(&top);
#else
			follow_down(&top, 0);
#endif
			if (top.mnt != path->mnt)
				dbd_volume_writable(top.mnt);
			path_put(&top);
		}
	}
	module_put(THIS_MODULE);
	return ret;
}

/*
 * As dattobd 0.12.1 finds the mount an umount leaves: the mount point's
 * name (d_path) looked up again from the caller's root, when that is the
 * root of a mount; then only a volume whose COW file is open through that
 * very mount goes dormant. The mounts that systemd 257 unmounts while it
 * sets up a service's private mount namespace (PrivateMounts=, as
 * systemd-udevd has on Debian 13) are copies of the root's: the real
 * driver stays active through them (seen: state 2 after `systemctl
 * restart systemd-udevd`), and so does the double.
 */
static struct vfsmount *dbd_umount_mnt(const char *dir, int flags)
{
	struct vfsmount *mnt = NULL;
	struct path p;

	if (kern_path(dir, (flags & UMOUNT_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &p))
		return NULL;
	if (p.dentry == p.mnt->mnt_root)
		mnt = p.mnt;	/* compared only */
	path_put(&p);
	return mnt;
}

static int dbd_wrap_umount(struct path *path, int flags)
{
	struct vfsmount *mnt = NULL;
	struct path again;
	char *buf = NULL, *dir = NULL;
	int left, ret;

	if (!try_module_get(THIS_MODULE))
		return orig_path_umount(path, flags);
	if (path->dentry == path->mnt->mnt_root) {
		buf = kmalloc(PATH_MAX, GFP_KERNEL);
		if (buf) {
			dir = d_path(path, buf, PATH_MAX);
			if (IS_ERR(dir))
				dir = NULL;
		}
	}
	if (dir)
		mnt = dbd_umount_mnt(dir, flags);
	left = mnt ? dbd_volume_leaving(mnt) : 0;
	if (left < 0) {
		/* The real driver's task died here: PATH's references stay taken. */
		kfree(buf);
		module_put(THIS_MODULE);
		return left;
	}
	/* path_umount() drops the caller's references to PATH. */
	ret = orig_path_umount(path, flags);
	if (ret && left && !kern_path(dir, 0, &again)) {
		if (again.mnt == mnt)
			dbd_volume_writable(again.mnt);
		path_put(&again);
	}
	kfree(buf);
	module_put(THIS_MODULE);
	return ret;
}

static void notrace dbd_ftrace_thunk(unsigned long ip, unsigned long parent_ip,
				     struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	struct dbd_hook *h = container_of(ops, struct dbd_hook, ops);
	struct pt_regs *regs = ftrace_get_regs(fregs);

	/* Calls from the wrappers themselves go to the real function. */
	if (regs && !within_module(parent_ip, THIS_MODULE))
		regs->ip = (unsigned long)h->wrapper;
}

/* Where the kernel itself says SYM is, through a kprobe that is never armed long. */
static unsigned long dbd_kernel_addr(const char *sym)
{
	struct kprobe kp = { .symbol_name = sym };
	unsigned long addr;

	if (register_kprobe(&kp) < 0)
		return 0;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	return addr;
}

int dbd_hooks_init(void)
{
	unsigned long slide = (unsigned long)kfree - DBD_SYMADDR_KFREE;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(dbd_hooks); i++) {
		struct dbd_hook *h = &dbd_hooks[i];
		unsigned long seen = dbd_kernel_addr(h->name);

		h->addr = h->map_addr + slide;
		/* With IBT (Debian 13's 6.12) a kprobe placed by name sits
		 * past the function's 4-byte ENDBR64. */
		if (seen && seen != h->addr && seen != h->addr + 4) {
			pr_err("%s is at %lx, System.map says %lx (+%lx): built for another kernel or with a wrong System.map\n",
			       h->name, seen, h->map_addr, slide);
			return -ENOEXEC;
		}
	}
	orig_path_mount = (path_mount_fn)dbd_hooks[0].addr;
	orig_path_umount = (path_umount_fn)dbd_hooks[1].addr;

	for (i = 0; i < ARRAY_SIZE(dbd_hooks); i++) {
		struct dbd_hook *h = &dbd_hooks[i];

		h->ops.func = dbd_ftrace_thunk;
		h->ops.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_RECURSION |
			       FTRACE_OPS_FL_IPMODIFY;
		ret = ftrace_set_filter_ip(&h->ops, h->addr, 0, 0);
		if (ret) {
			pr_err("could not hook %s: ftrace filter error %d\n", h->name, ret);
			goto err;
		}
		ret = register_ftrace_function(&h->ops);
		if (ret) {
			pr_err("could not hook %s: ftrace error %d\n", h->name, ret);
			ftrace_set_filter_ip(&h->ops, h->addr, 1, 0);
			goto err;
		}
		h->registered = true;
	}
	return 0;
err:
	dbd_hooks_exit();
	return ret;
}

void dbd_hooks_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dbd_hooks); i++) {
		struct dbd_hook *h = &dbd_hooks[i];

		if (!h->registered)
			continue;
		unregister_ftrace_function(&h->ops);
		ftrace_set_filter_ip(&h->ops, h->addr, 1, 0);
		h->registered = false;
	}
}
