// SPDX-License-Identifier: GPL-2.0-only
/*
 * dattobd test double: /proc/datto-info, in the real driver's format and
 * field order. Like the real driver, an open file holds the ioctl mutex
 * until it is closed: readers must read it whole and close it at once.
 */
#include "double.h"

#include <linux/proc_fs.h>
#include <linux/seq_file.h>

static void dbd_show_one(struct seq_file *m, const struct dbd_tracker *t)
{
	unsigned int i;

	seq_puts(m, "\t\t{\n");
	seq_printf(m, "\t\t\t\"minor\": %u,\n", t->minor);
	seq_printf(m, "\t\t\t\"cow_file\": \"%s\",\n", t->cow_path ? t->cow_path : "");
	seq_printf(m, "\t\t\t\"block_device\": \"%s\",\n", t->bdev_path);
	seq_printf(m, "\t\t\t\"max_cache\": %lu,\n",
		   t->cache_size ? t->cache_size : dbd_cache_default);
	if (!(t->state & DBD_STATE_UNVERIFIED)) {
		seq_printf(m, "\t\t\t\"fallocate\": %llu,\n", t->falloc_mib << 20);
		seq_printf(m, "\t\t\t\"cow_size_current\": %llu,\n", t->cow_size);
		seq_printf(m, "\t\t\t\"seq_id\": %llu,\n", t->hdr.seqid);
		seq_puts(m, "\t\t\t\"uuid\": \"");
		for (i = 0; i < DBD_UUID_SIZE; i++)
			seq_printf(m, "%02x", t->hdr.uuid[i]);
		seq_puts(m, "\",\n");
		if (t->hdr.version > DBD_COW_VERSION_0) {
			seq_printf(m, "\t\t\t\"version\": %llu,\n", t->hdr.version);
			seq_printf(m, "\t\t\t\"nr_changed_blocks\": %llu,\n",
				   t->hdr.nr_changed_blocks);
		}
		if (t->auto_expand) {
			seq_puts(m, "\t\t\t\"auto_expand\": {\n");
			seq_printf(m, "\t\t\t\t\"step_size_mib\": %llu,\n", t->step_size_mib);
			seq_printf(m, "\t\t\t\t\"reserved_space_mib\": %llu\n",
				   t->reserved_space_mib);
			seq_puts(m, "\t\t\t},\n");
		}
	}
	if (t->error)
		seq_printf(m, "\t\t\t\"error\": %d,\n", t->error);
	seq_printf(m, "\t\t\t\"state\": %lu\n", t->state);
	seq_puts(m, "\t\t}");
}

static int dbd_proc_show(struct seq_file *m, void *v)
{
	unsigned int i;
	bool first = true;

	seq_puts(m, "{\n");
	seq_printf(m, "\t\"version\": \"%s\",\n", DBD_DOUBLE_VERSION);
	seq_puts(m, "\t\"devices\": [\n");
	for (i = 0; i < dbd_max_devices; i++) {
		if (!dbd_trackers[i].used)
			continue;
		if (!first)
			seq_puts(m, ",\n");
		dbd_show_one(m, &dbd_trackers[i]);
		first = false;
	}
	seq_puts(m, "\n\t]\n}\n");
	return 0;
}

static int dbd_proc_open(struct inode *inode, struct file *file)
{
	int ret;

	mutex_lock(&dbd_lock);
	ret = single_open(file, dbd_proc_show, NULL);
	if (ret)
		mutex_unlock(&dbd_lock);
	return ret;
}

static int dbd_proc_release(struct inode *inode, struct file *file)
{
	int ret = single_release(inode, file);

	mutex_unlock(&dbd_lock);
	return ret;
}

static const struct proc_ops dbd_proc_ops = {
	.proc_open = dbd_proc_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = dbd_proc_release,
};

int dbd_proc_init(void)
{
	return proc_create("datto-info", 0444, NULL, &dbd_proc_ops) ? 0 : -ENOMEM;
}

void dbd_proc_exit(void)
{
	remove_proc_entry("datto-info", NULL);
}
