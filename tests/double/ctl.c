// SPDX-License-Identifier: GPL-2.0-only
/* dattobd test double: the ioctls of /dev/datto-ctl. */
#include "double.h"

#include <linux/blkdev.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/version.h>

static unsigned int hang_ioctl;
module_param(hang_ioctl, uint, 0644);
MODULE_PARM_DESC(hang_ioctl, "fault test: ioctl number (1-11) that sleeps hang_secs before it runs");

static unsigned int hang_secs = 600;
module_param(hang_secs, uint, 0644);
MODULE_PARM_DESC(hang_secs, "fault test: how long hang_ioctl sleeps, uninterruptibly (default 600)");

static int refuse_reload_minor = -1;
module_param(refuse_reload_minor, int, 0644);
MODULE_PARM_DESC(refuse_reload_minor, "fault test: the next reload of this minor fails with EBUSY, "
		 "as for a minor in use (then -1)");

static const char *const dbd_call_names[] = {
	[1] = "setup-snapshot", [2] = "reload-snapshot", [3] = "reload-incremental",
	[4] = "destroy", [5] = "transition-to-incremental", [6] = "transition-to-snapshot",
	[7] = "reconfigure", [8] = "info", [9] = "get-free-minor", [10] = "expand-cow-file",
	[11] = "reconfigure-auto-expand",
};

void dbd_tracker_free(struct dbd_tracker *t)
{
	if (t->root.mnt)
		path_put(&t->root);
	kfree(t->bdev_path);
	kfree(t->cow_path);
	memset(t, 0, sizeof(*t));
}

static struct dbd_tracker *dbd_get(unsigned int minor, int *err)
{
	if (minor >= dbd_max_devices) {
		*err = -EINVAL;
		return NULL;
	}
	if (!dbd_trackers[minor].used) {
		*err = -ENOENT;
		return NULL;
	}
	return &dbd_trackers[minor];
}

static int dbd_check_free(unsigned int minor)
{
	if (minor >= dbd_max_devices)
		return -EINVAL;
	if (dbd_trackers[minor].used)
		return -EBUSY;
	return 0;
}

static char *dbd_user_string(const char __user *s)
{
	char *k;

	if (!s)
		return ERR_PTR(-EINVAL);
	k = strndup_user(s, PAGE_SIZE);
	return k;
}

/*
 * "no", "read-only" or "read-write": how DEV is mounted right now. Up to
 * 6.5 the block device points at its super block (bd_super); since then a
 * mounted filesystem is the device's holder, with fs_holder_ops.
 */
static const char *dbd_mount_state(struct block_device *bdev)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 6, 0)
	struct super_block *sb = READ_ONCE(bdev->bd_super);
	const char *state = !sb ? "no" : sb_rdonly(sb) ? "read-only" : "read-write";
#else
	const char *state = "no";

	mutex_lock(&bdev->bd_holder_lock);
	if (bdev->bd_holder && bdev->bd_holder_ops == &fs_holder_ops)
		state = sb_rdonly((struct super_block *)bdev->bd_holder) ? "read-only" : "read-write";
	mutex_unlock(&bdev->bd_holder_lock);
#endif
	return state;
}

/* How the block device DEV is mounted (dbd_mount_state), or an error. */
static int dbd_dev_mount_state(dev_t dev, const char **state)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 9, 0)
	struct block_device *b = blkdev_get_by_dev(dev, FMODE_READ, NULL);

	if (IS_ERR(b))
		return PTR_ERR(b);
	*state = dbd_mount_state(b);
	blkdev_put(b, FMODE_READ);
#else
	struct file *f = bdev_file_open_by_dev(dev, BLK_OPEN_READ, NULL, NULL);

	if (IS_ERR(f))
		return PTR_ERR(f);
	*state = dbd_mount_state(file_bdev(f));
	fput(f);
#endif
	return 0;
}

/* Split an absolute path into its directory (resolved) and last part. */
static int dbd_resolve_parent(const char *cow, struct path *dir, const char **name)
{
	char *slash, *d;
	int ret;

	slash = strrchr(cow, '/');
	if (!slash || !slash[1])
		return -EINVAL;
	*name = slash + 1;
	d = kstrndup(cow, slash == cow ? 1 : slash - cow, GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	ret = kern_path(d, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, dir);
	kfree(d);
	return ret;
}

/* The directory must be on DEV, mounted read-write. */
static int dbd_check_on_bdev(const struct path *dir, dev_t dev)
{
	struct super_block *sb = dir->mnt->mnt_sb;

	if (!sb->s_bdev || sb->s_bdev->bd_dev != dev)
		return -EINVAL;
	if (sb_rdonly(sb) || (dir->mnt->mnt_flags & MNT_READONLY))
		return -EINVAL;
	return 0;
}

static int dbd_setup(struct dbd_setup __user *up)
{
	struct dbd_setup a;
	struct dbd_tracker *t;
	struct path dir;
	const char *name;
	char *bdev = NULL, *cow = NULL;
	dev_t dev;
	u64 falloc;
	int ret;

	if (copy_from_user(&a, up, sizeof(a)))
		return -EFAULT;
	ret = dbd_check_free(a.minor);
	if (ret)
		return ret;
	bdev = dbd_user_string(a.bdev);
	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	cow = dbd_user_string(a.cow);
	if (IS_ERR(cow)) {
		ret = PTR_ERR(cow);
		cow = NULL;
		goto out;
	}
	ret = lookup_bdev(bdev, &dev);
	if (ret)
		goto out;
	ret = dbd_resolve_parent(cow, &dir, &name);
	if (ret)
		goto out;
	ret = dbd_check_on_bdev(&dir, dev);
	if (ret) {
		pr_err("setup-snapshot minor %u: %s is not mounted read-write under %s\n",
		       a.minor, bdev, cow);
		goto out_dir;
	}
	t = &dbd_trackers[a.minor];
	memset(t, 0, sizeof(*t));
	t->minor = a.minor;
	t->dev = dev;
	t->bdev_path = bdev;
	t->cache_size = a.cache_bytes;
	if (a.fallocated_mib) {
		falloc = a.fallocated_mib;
	} else {
		falloc = div_u64((u64)bdev_nr_bytes(dir.mnt->mnt_sb->s_bdev) *
				 dbd_falloc_pct_default, 100 * 1024 * 1024);
		if (!falloc)
			falloc = 1;
	}
	t->falloc_mib = falloc;
	t->hdr.seqid = 1;
	get_random_bytes(t->hdr.uuid, sizeof(t->hdr.uuid));
	ret = dbd_cow_create(t, &dir, name, falloc << 20);
	if (ret) {
		t->bdev_path = NULL;
		dbd_tracker_free(t);
		goto out_dir;
	}
	bdev = NULL;
	t->state = DBD_STATE_ACTIVE | DBD_STATE_SNAPSHOT;
	t->used = true;
	pr_info("setup-snapshot minor %u: %s, cow %s, active snapshot, seqid 1\n",
		t->minor, t->bdev_path, t->cow_path);
out_dir:
	path_put(&dir);
out:
	kfree(bdev);
	kfree(cow);
	return ret;
}

static int dbd_reload(struct dbd_reload __user *up, bool snapshot)
{
	const char *call = snapshot ? "reload-snapshot" : "reload-incremental";
	struct dbd_tracker *t;
	struct dbd_reload a;
	char *bdev = NULL, *cow = NULL;
	const char *mounted;
	dev_t dev;
	int ret;

	if (copy_from_user(&a, up, sizeof(a)))
		return -EFAULT;
	if (refuse_reload_minor >= 0 && a.minor == (unsigned int)refuse_reload_minor) {
		refuse_reload_minor = -1;
		pr_warn("fault test: %s minor %u refused once (EBUSY)\n", call, a.minor);
		return -EBUSY;
	}
	ret = dbd_check_free(a.minor);
	if (ret)
		goto out_log;
	bdev = dbd_user_string(a.bdev);
	if (IS_ERR(bdev)) {
		ret = PTR_ERR(bdev);
		bdev = NULL;
		goto out_log;
	}
	cow = dbd_user_string(a.cow);
	if (IS_ERR(cow)) {
		ret = PTR_ERR(cow);
		cow = NULL;
		goto out_log;
	}
	ret = lookup_bdev(bdev, &dev);
	if (ret)
		goto out_log;
	ret = dbd_dev_mount_state(dev, &mounted);
	if (ret)
		goto out_log;
	pr_info("%s minor %u: %s (%u:%u) cow %s, mounted: %s\n", call, a.minor, bdev,
		MAJOR(dev), MINOR(dev), cow, mounted);
	if (!strcmp(mounted, "read-write")) {
		pr_err("%s minor %u: %s is mounted read-write, refused\n", call, a.minor, bdev);
		ret = -EINVAL;
		goto out;
	}
	t = &dbd_trackers[a.minor];
	memset(t, 0, sizeof(*t));
	t->used = true;
	t->minor = a.minor;
	t->dev = dev;
	t->bdev_path = bdev;
	t->cow_path = cow;
	t->cache_size = a.cache_bytes;
	t->state = DBD_STATE_UNVERIFIED | (snapshot ? DBD_STATE_SNAPSHOT : 0);
	t->reloaded = true;
	return 0;

out_log:
	pr_info("%s minor %u: %s: error %d\n", call, a.minor, bdev ? bdev : "?", ret);
out:
	kfree(bdev);
	kfree(cow);
	return ret;
}

static int dbd_destroy(unsigned int minor)
{
	struct dbd_tracker *t;
	int ret;

	t = dbd_get(minor, &ret);
	if (!t)
		return ret;
	if (t->state & DBD_STATE_ACTIVE) {
		ret = dbd_cow_unlink(t);
		if (ret)
			pr_warn("destroy minor %u: could not unlink %s: error %d\n", minor,
				t->cow_path, ret);
	}
	pr_info("destroy minor %u: %s\n", minor, t->bdev_path);
	dbd_tracker_free(t);
	return 0;
}

static int dbd_transition_inc(unsigned int minor)
{
	struct dbd_tracker *t;
	int ret;

	t = dbd_get(minor, &ret);
	if (!t)
		return ret;
	if (t->state != DBD_STATE_ACTIVE_SNAP || t->error)
		return -EINVAL;
	ret = dbd_cow_to_incremental(t);
	if (ret)
		return ret;
	t->state = DBD_STATE_ACTIVE_INC;
	pr_info("transition-to-incremental minor %u: active incremental\n", minor);
	return 0;
}

static int dbd_transition_snap(struct dbd_transition_snap __user *up)
{
	struct dbd_transition_snap a;
	struct dbd_tracker *t;
	struct path dir;
	const char *name;
	char *cow, *old_cow;
	int ret;

	if (copy_from_user(&a, up, sizeof(a)))
		return -EFAULT;
	t = dbd_get(a.minor, &ret);
	if (!t)
		return ret;
	if (t->state != DBD_STATE_ACTIVE_INC || t->error)
		return -EINVAL;
	cow = dbd_user_string(a.cow);
	if (IS_ERR(cow))
		return PTR_ERR(cow);
	ret = dbd_resolve_parent(cow, &dir, &name);
	if (ret)
		goto out;
	ret = dbd_check_on_bdev(&dir, t->dev);
	if (ret)
		goto out_dir;
	old_cow = t->cow_path;
	t->cow_path = NULL;
	t->hdr.seqid++;
	if (a.fallocated_mib)
		t->falloc_mib = a.fallocated_mib;
	/* The incremental file stays where it is: the caller renames or removes it. */
	path_put(&t->root);
	t->root.mnt = NULL;
	ret = dbd_cow_create(t, &dir, name, t->falloc_mib << 20);
	if (ret) {
		t->hdr.seqid--;
		t->cow_path = old_cow;
		t->error = ret;
		pr_err("transition-to-snapshot minor %u: error %d\n", a.minor, ret);
		goto out_dir;
	}
	kfree(old_cow);
	t->state = DBD_STATE_ACTIVE_SNAP;
	pr_info("transition-to-snapshot minor %u: active snapshot, seqid %llu\n", a.minor,
		t->hdr.seqid);
out_dir:
	path_put(&dir);
out:
	kfree(cow);
	return ret;
}

static int dbd_info(struct dbd_info __user *up)
{
	struct dbd_tracker *t;
	struct dbd_info *i;
	u32 minor;
	int ret;

	if (get_user(minor, &up->minor))
		return -EFAULT;
	t = dbd_get(minor, &ret);
	if (!t) {
		/* dattobd 0.12.1's two lines, its info handler's being reconfigure's. */
		pr_err("%s: %d\n", ret == -ENOENT ? "device specified does not exist" :
		       "minor number specified is out of range", ret);
		pr_err("error during reconfigure ioctl handler: %d\n", ret);
		return ret;
	}
	i = kzalloc(sizeof(*i), GFP_KERNEL);
	if (!i)
		return -ENOMEM;
	i->minor = minor;
	i->state = t->state;
	i->error = t->error;
	i->cache_size = t->cache_size ? t->cache_size : dbd_cache_default;
	strscpy(i->cow, t->cow_path ? t->cow_path : "", sizeof(i->cow));
	strscpy(i->bdev, t->bdev_path, sizeof(i->bdev));
	if (!(t->state & DBD_STATE_UNVERIFIED)) {
		i->falloc_size = t->falloc_mib;
		i->seqid = t->hdr.seqid;
		memcpy(i->uuid, t->hdr.uuid, sizeof(i->uuid));
		i->version = t->hdr.version;
		i->nr_changed_blocks = t->hdr.nr_changed_blocks;
	}
	ret = copy_to_user(up, i, sizeof(*i)) ? -EFAULT : 0;
	kfree(i);
	return ret;
}

static int dbd_get_free(int __user *up)
{
	unsigned int m;

	for (m = 0; m < dbd_max_devices; m++)
		if (!dbd_trackers[m].used)
			return put_user((int)m, up) ? -EFAULT : 0;
	return -ENOENT;
}

static int dbd_reconfigure(struct dbd_reconfigure __user *up)
{
	struct dbd_reconfigure a;
	struct dbd_tracker *t;
	int ret;

	if (copy_from_user(&a, up, sizeof(a)))
		return -EFAULT;
	t = dbd_get(a.minor, &ret);
	if (!t)
		return ret;
	t->cache_size = a.cache_bytes;
	return 0;
}

static int dbd_expand_cow(struct dbd_expand_cow __user *up)
{
	struct dbd_expand_cow a;
	struct dbd_tracker *t;
	int ret;

	if (copy_from_user(&a, up, sizeof(a)))
		return -EFAULT;
	t = dbd_get(a.minor, &ret);
	if (!t)
		return ret;
	if (t->state != DBD_STATE_ACTIVE_SNAP)
		return -EINVAL;
	t->falloc_mib += a.size_mib;	/* the double grows no file */
	return 0;
}

static int dbd_auto_expand(struct dbd_reconfigure_auto_expand __user *up)
{
	struct dbd_reconfigure_auto_expand a;
	struct dbd_tracker *t;
	int ret;

	if (copy_from_user(&a, up, sizeof(a)))
		return -EFAULT;
	t = dbd_get(a.minor, &ret);
	if (!t)
		return ret;
	if (t->state != DBD_STATE_ACTIVE_SNAP)
		return -EINVAL;
	t->auto_expand = true;
	t->step_size_mib = a.step_size_mib;
	t->reserved_space_mib = a.reserved_space_mib;
	return 0;
}

long dbd_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	void __user *up = (void __user *)arg;
	unsigned int nr = _IOC_NR(cmd), minor;
	int ret;

	if (_IOC_TYPE(cmd) != DBD_IOCTL_MAGIC)
		return -EINVAL;
	if (hang_ioctl && nr == hang_ioctl) {
		pr_warn("fault test: %s sleeps %u s before it runs\n",
			nr < ARRAY_SIZE(dbd_call_names) && dbd_call_names[nr] ?
			dbd_call_names[nr] : "ioctl", hang_secs);
		ssleep(hang_secs);
	}

	mutex_lock(&dbd_lock);
	switch (cmd) {
	case DBD_IOC_SETUP_SNAP:
		ret = dbd_setup(up);
		break;
	case DBD_IOC_RELOAD_SNAP:
		ret = dbd_reload(up, true);
		break;
	case DBD_IOC_RELOAD_INC:
		ret = dbd_reload(up, false);
		break;
	case DBD_IOC_DESTROY:
		ret = get_user(minor, (unsigned int __user *)up) ? -EFAULT : dbd_destroy(minor);
		break;
	case DBD_IOC_TRANSITION_INC:
		ret = get_user(minor, (unsigned int __user *)up) ? -EFAULT : dbd_transition_inc(minor);
		break;
	case DBD_IOC_TRANSITION_SNAP:
		ret = dbd_transition_snap(up);
		break;
	case DBD_IOC_RECONFIGURE:
		ret = dbd_reconfigure(up);
		break;
	case DBD_IOC_INFO:
		ret = dbd_info(up);
		break;
	case DBD_IOC_GET_FREE:
		ret = dbd_get_free(up);
		break;
	case DBD_IOC_EXPAND_COW_FILE:
		ret = dbd_expand_cow(up);
		break;
	case DBD_IOC_RECONFIGURE_AUTO_EXPAND:
		ret = dbd_auto_expand(up);
		break;
	default:
		ret = -EINVAL;
	}
	mutex_unlock(&dbd_lock);
	return ret;
}
