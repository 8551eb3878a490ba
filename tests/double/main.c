// SPDX-License-Identifier: GPL-2.0-only
/* dattobd test double: module parameters, control device, load and unload. */
#include "double.h"

#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>

DEFINE_MUTEX(dbd_lock);
struct dbd_tracker *dbd_trackers;

unsigned int dbd_max_devices = DBD_MAX_SNAP_DEVICES_DEFAULT;
module_param_named(max_snap_devices, dbd_max_devices, uint, 0444);
MODULE_PARM_DESC(max_snap_devices, "number of minors (default 24, at most 255)");

unsigned long dbd_cache_default = 300ul * 1024 * 1024;
module_param_named(cow_max_memory_default, dbd_cache_default, ulong, 0644);
MODULE_PARM_DESC(cow_max_memory_default, "default cache size in bytes");

unsigned int dbd_falloc_pct_default = 10;
module_param_named(cow_fallocate_percentage_default, dbd_falloc_pct_default, uint, 0644);
MODULE_PARM_DESC(cow_fallocate_percentage_default, "default COW size, % of the volume");

static unsigned int debug;
module_param(debug, uint, 0644);
MODULE_PARM_DESC(debug, "accepted for compatibility; the double ignores it");

bool dbd_oops_at_umount;
module_param_named(oops_at_umount, dbd_oops_at_umount, bool, 0644);
MODULE_PARM_DESC(oops_at_umount, "fault test: imitate 0.12.1's oops at the umount or read-only "
		 "remount of a reloaded, active volume (header clean, lock kept, umount never done)");

static unsigned int hang_init_secs;
module_param(hang_init_secs, uint, 0444);
MODULE_PARM_DESC(hang_init_secs, "fault test: sleep this long (uninterruptibly) in module init");

static const struct file_operations dbd_ctl_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = dbd_ioctl,
	.compat_ioctl = dbd_ioctl,
};

static struct miscdevice dbd_ctl = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "datto-ctl",
	.fops = &dbd_ctl_fops,
};

static int __init dbd_init(void)
{
	int ret;

	if (hang_init_secs) {
		pr_warn("fault test: module init sleeps %u s\n", hang_init_secs);
		ssleep(hang_init_secs);
	}
	if (dbd_max_devices == 0 || dbd_max_devices > DBD_MAX_SNAP_DEVICES_LIMIT) {
		pr_err("max_snap_devices=%u is out of range 1..%u\n", dbd_max_devices,
		       DBD_MAX_SNAP_DEVICES_LIMIT);
		return -EINVAL;
	}
	dbd_trackers = kcalloc(dbd_max_devices, sizeof(*dbd_trackers), GFP_KERNEL);
	if (!dbd_trackers)
		return -ENOMEM;

	ret = dbd_hooks_init();
	if (ret)
		goto err_free;
	ret = misc_register(&dbd_ctl);
	if (ret)
		goto err_hooks;
	ret = dbd_proc_init();
	if (ret)
		goto err_misc;
	pr_info("test double %s loaded, %u minors\n", DBD_DOUBLE_VERSION, dbd_max_devices);
	return 0;

err_misc:
	misc_deregister(&dbd_ctl);
err_hooks:
	dbd_hooks_exit();
err_free:
	kfree(dbd_trackers);
	return ret;
}

static void __exit dbd_exit(void)
{
	unsigned int i;

	dbd_proc_exit();
	misc_deregister(&dbd_ctl);
	dbd_hooks_exit();
	mutex_lock(&dbd_lock);
	for (i = 0; i < dbd_max_devices; i++)
		if (dbd_trackers[i].used)
			dbd_tracker_free(&dbd_trackers[i]);
	mutex_unlock(&dbd_lock);
	kfree(dbd_trackers);
	pr_info("test double unloaded\n");
}

module_init(dbd_init);
module_exit(dbd_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("dattobd test double for dbdboot's tests (tracks no blocks)");
MODULE_VERSION(DBD_DOUBLE_VERSION);
/* The double has no reload bug: it says so as dbdboot's fixed builds of
 * 0.12.1 do, so that dbdboot's shutdown guard leaves its volumes alone.
 * Built with DBD_DOUBLE_UNFIXED it says nothing, as the driver as it is
 * (tests/double/README.md). */
#ifndef DBD_DOUBLE_UNFIXED
MODULE_INFO(dbdboot_fix, "reload-cow-dev");
#endif
