// SPDX-License-Identifier: GPL-2.0-only
/*
 * dattobd test double: the COW file. Only its header is kept up to date
 * (magic, flags, seqid, uuid); no index and no data are written.
 *
 * Every open, write and close runs in a kernel worker that waits for its
 * own final close (flush_delayed_fput): a file closed by a user task is
 * released only when that task returns to user space, which would leave the
 * volume busy for the umount or read-only remount that follows.
 */
#include "double.h"

#include <linux/completion.h>
#include <linux/dcache.h>
#include <linux/falloc.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/version.h>
#include <linux/workqueue.h>

/* The mount's id map argument of the vfs_* calls: a user namespace up to 6.2. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
#define DBD_IDMAP (&init_user_ns)
#else
#define DBD_IDMAP (&nop_mnt_idmap)
#endif

#define DBD_COW_INC_SIZE (2 * DBD_COW_HEADER_SIZE)	/* header + a token index */

struct dbd_job {
	struct work_struct work;
	struct completion done;
	int (*fn)(struct dbd_job *job);
	struct dbd_tracker *t;
	const struct path *at;		/* directory or volume root */
	const char *name;		/* relative to AT */
	u64 falloc;
	int ret;
};

static void dbd_job_work(struct work_struct *w)
{
	struct dbd_job *job = container_of(w, struct dbd_job, work);

	job->ret = job->fn(job);
	flush_delayed_fput();
	complete(&job->done);
}

static int dbd_run(struct dbd_job *job)
{
	INIT_WORK_ONSTACK(&job->work, dbd_job_work);
	init_completion(&job->done);
	queue_work(system_unbound_wq, &job->work);
	wait_for_completion(&job->done);
	destroy_work_on_stack(&job->work);
	return job->ret;
}

static int dbd_hdr_write(struct file *f, const struct dbd_cow_header *h)
{
	loff_t pos = 0;
	ssize_t n;

	n = kernel_write(f, h, sizeof(*h), &pos);
	if (n < 0)
		return n;
	if (n != sizeof(*h))
		return -EIO;
	return vfs_fsync(f, 0);
}

static int dbd_hdr_read(struct file *f, struct dbd_cow_header *h)
{
	loff_t pos = 0;
	ssize_t n;

	n = kernel_read(f, h, sizeof(*h), &pos);
	if (n < 0)
		return n;
	return n == sizeof(*h) ? 0 : -EINVAL;
}

static struct file *dbd_open_in(const struct path *at, const char *name, int flags)
{
	return file_open_root(at, name, flags | O_LARGEFILE | O_NOATIME, 0600);
}

static int dbd_job_create(struct dbd_job *job)
{
	struct dbd_tracker *t = job->t;
	struct file *f;
	char *buf, *rel;
	int ret;

	f = dbd_open_in(job->at, job->name, O_RDWR | O_CREAT | O_TRUNC);
	if (IS_ERR(f))
		return PTR_ERR(f);
	ret = vfs_fallocate(f, 0, 0, max_t(u64, job->falloc, DBD_COW_HEADER_SIZE));
	if (ret && ret != -EOPNOTSUPP)
		goto out;
	t->hdr.magic = DBD_COW_MAGIC;
	t->hdr.flags = 0;		/* open: dirty until closed cleanly */
	t->hdr.fpos = DBD_COW_HEADER_SIZE;
	t->hdr.fsize = job->falloc;
	t->hdr.version = DBD_COW_VERSION_CHANGED_BLOCKS;
	t->hdr.nr_changed_blocks = 0;
	ret = dbd_hdr_write(f, &t->hdr);
	if (ret)
		goto out;
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	ret = -ENOMEM;
	if (!buf)
		goto out;
	rel = dentry_path_raw(f->f_path.dentry, buf, PATH_MAX);
	if (IS_ERR(rel)) {
		ret = PTR_ERR(rel);
	} else {
		t->cow_path = kstrdup(rel, GFP_KERNEL);
		ret = t->cow_path ? 0 : -ENOMEM;
	}
	kfree(buf);
	if (ret)
		goto out;
	t->root.mnt = f->f_path.mnt;
	t->root.dentry = f->f_path.mnt->mnt_root;
	path_get(&t->root);
	t->cow_size = i_size_read(file_inode(f));
out:
	fput(f);
	return ret;
}

int dbd_cow_create(struct dbd_tracker *t, const struct path *dir, const char *name,
		   u64 falloc_bytes)
{
	struct dbd_job job = { .fn = dbd_job_create, .t = t, .at = dir, .name = name,
			       .falloc = falloc_bytes };

	return dbd_run(&job);
}

/* Open the COW file, check its header, mark it dirty: the minor goes active. */
static int dbd_job_activate(struct dbd_job *job)
{
	struct dbd_tracker *t = job->t;
	struct dbd_cow_header h;
	bool want_inc = !(t->state & DBD_STATE_SNAPSHOT);
	struct file *f;
	int ret;

	f = dbd_open_in(job->at, t->cow_path, O_RDWR);
	if (IS_ERR(f))
		return PTR_ERR(f);
	ret = dbd_hdr_read(f, &h);
	if (ret)
		goto out;
	ret = -EINVAL;
	if (h.magic != DBD_COW_MAGIC) {
		pr_err("minor %u: %s: bad magic %u\n", t->minor, t->cow_path, h.magic);
		goto out;
	}
	if (!(h.flags & DBD_COW_CLEAN)) {
		pr_err("minor %u: cow file not left in clean state\n", t->minor);
		goto out;
	}
	if (want_inc != !!(h.flags & DBD_COW_INDEX_ONLY)) {
		pr_err("minor %u: cow file is for the other mode\n", t->minor);
		goto out;
	}
	h.flags &= ~DBD_COW_CLEAN;
	ret = dbd_hdr_write(f, &h);
	if (ret)
		goto out;
	t->hdr = h;
	t->cow_size = i_size_read(file_inode(f));
	t->root.mnt = job->at->mnt;
	t->root.dentry = job->at->dentry;
	path_get(&t->root);
out:
	fput(f);
	return ret;
}

int dbd_cow_activate(struct dbd_tracker *t, struct vfsmount *mnt)
{
	struct path root = { .mnt = mnt, .dentry = mnt->mnt_root };
	struct dbd_job job = { .fn = dbd_job_activate, .t = t, .at = &root };

	return dbd_run(&job);
}

/* Write the header back clean and let go of the volume: the minor goes dormant. */
static int dbd_job_deactivate(struct dbd_job *job)
{
	struct dbd_tracker *t = job->t;
	struct file *f;
	int ret;

	f = dbd_open_in(&t->root, t->cow_path, O_RDWR);
	if (IS_ERR(f))
		return PTR_ERR(f);
	t->hdr.flags |= DBD_COW_CLEAN;
	ret = dbd_hdr_write(f, &t->hdr);
	fput(f);
	return ret;
}

int dbd_cow_deactivate(struct dbd_tracker *t)
{
	struct dbd_job job = { .fn = dbd_job_deactivate, .t = t };
	int ret;

	ret = dbd_run(&job);
	path_put(&t->root);
	t->root.mnt = NULL;
	t->root.dentry = NULL;
	return ret;
}

/*
 * Like the driver, the new mode reaches the header on disk only when the
 * minor goes dormant (deactivate writes the in-memory header).
 */
static int dbd_job_to_inc(struct dbd_job *job)
{
	struct dbd_tracker *t = job->t;
	struct file *f;
	int ret;

	f = dbd_open_in(&t->root, t->cow_path, O_RDWR);
	if (IS_ERR(f))
		return PTR_ERR(f);
	ret = vfs_truncate(&f->f_path, DBD_COW_INC_SIZE);
	if (!ret) {
		t->hdr.flags |= DBD_COW_INDEX_ONLY;
		t->cow_size = DBD_COW_INC_SIZE;
	}
	fput(f);
	return ret;
}

int dbd_cow_to_incremental(struct dbd_tracker *t)
{
	struct dbd_job job = { .fn = dbd_job_to_inc, .t = t };

	return dbd_run(&job);
}

static int dbd_job_unlink(struct dbd_job *job)
{
	struct dbd_tracker *t = job->t;
	const char *slash = strrchr(t->cow_path, '/');
	struct path parent;
	struct dentry *d;
	struct file *pf;
	char *dir;
	int ret;

	if (!slash)
		return -EINVAL;
	dir = kstrndup(t->cow_path, slash == t->cow_path ? 1 : slash - t->cow_path, GFP_KERNEL);
	if (!dir)
		return -ENOMEM;
	pf = dbd_open_in(&t->root, dir, O_PATH | O_DIRECTORY);
	kfree(dir);
	if (IS_ERR(pf))
		return PTR_ERR(pf);
	parent = pf->f_path;
	path_get(&parent);
	fput(pf);
	ret = mnt_want_write(parent.mnt);
	if (ret)
		goto out;
	inode_lock_nested(d_inode(parent.dentry), I_MUTEX_PARENT);
	d = lookup_one_len(slash + 1, parent.dentry, strlen(slash + 1));
	if (IS_ERR(d)) {
		ret = PTR_ERR(d);
	} else {
		ret = d_is_positive(d) ?
		      vfs_unlink(DBD_IDMAP, d_inode(parent.dentry), d, NULL) : -ENOENT;
		dput(d);
	}
	inode_unlock(d_inode(parent.dentry));
	mnt_drop_write(parent.mnt);
out:
	path_put(&parent);
	return ret;
}

int dbd_cow_unlink(struct dbd_tracker *t)
{
	struct dbd_job job = { .fn = dbd_job_unlink, .t = t };

	return dbd_run(&job);
}
