// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot-early: the worker's steps, in order: dattobd loaded, manifest
 * read, then every volume reloaded as soon as its device is there, until
 * all are done or the deadline passes. Everything it learns goes into the
 * shared state at once, so that the parent can report it at the deadline
 * even if this process is stuck inside the kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "agent.h"
#include "dbdboot/dattobd.h"

static void manifest_diag(void *ctx, enum dbd_diag_level level, unsigned int line, const char *msg)
{
	const struct agent_conf *c = ctx;

	agent_log(level == DBD_DIAG_ERROR ? LOG_ERR : LOG_WARN, "%s:%u: %s", c->manifest, line, msg);
}

static void read_manifest(const struct agent_conf *c, struct agent_state *st)
{
	static char text[DBD_MANIFEST_MAX_SIZE + 1];
	size_t len = 0;
	ssize_t n;
	int fd, ret;

	fd = open(c->manifest, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		st->manifest_error = -errno;
		st->manifest_outcome = errno == ENOENT ? MF_MISSING : MF_UNREADABLE;
		agent_log(errno == ENOENT ? LOG_WARN : LOG_ERR, "could not open '%s': %s%s",
			  c->manifest, strerror(errno), errno == ENOENT ? ": nothing to reload" : "");
		return;
	}
	while (len < sizeof(text) && (n = read(fd, text + len, sizeof(text) - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			st->manifest_error = -errno;
			st->manifest_outcome = MF_UNREADABLE;
			agent_log(LOG_ERR, "could not read '%s': %s", c->manifest, strerror(errno));
			close(fd);
			return;
		}
		len += (size_t)n;
	}
	close(fd);
	ret = dbd_manifest_parse(text, len, &st->manifest, manifest_diag, (void *)c);
	st->manifest_error = ret;
	st->manifest_outcome = ret == 0 ? MF_READ : ret == -EPROTO ? MF_NEWER : MF_INVALID;
}

static void volume_done(struct agent_state *st, unsigned int i, enum vol_outcome o, int err,
			const char *msg)
{
	struct vol_state *vs = &st->vol[i];

	dbd_snprintf(vs->message, sizeof(vs->message), "%s", msg);
	vs->error = err;
	vs->done_ms = agent_since(st);
	vs->outcome = o;
}

static void max_minors(const struct agent_conf *c, char *out, size_t size)
{
	char p[512];
	ssize_t n;
	int fd;

	dbd_snprintf(out, size, "?");
	dbd_snprintf(p, sizeof(p), "%s/module/dattobd/parameters/max_snap_devices", c->sys);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, out, size - 1);
	close(fd);
	out[n > 0 ? n : 0] = '\0';
	out[strcspn(out, "\n")] = '\0';
}

/* Does the driver already hold V's minor on device PATH (an earlier phase
 * reloaded it)? 1 yes, 0 no (also when the minor is free, or taken by
 * another device: the reload then says EBUSY). A minor /proc/datto-info
 * does not list is free: the info ioctl is not asked, since about an
 * unused minor dattobd logs two error lines. */
static int already_held(const struct agent_conf *c, int ctl, const struct dbd_volume *v,
			const char *path, unsigned long *state)
{
	static struct dbd_info info;
	struct stat a, b;

	if (!agent_minor_listed(c->proc, v->minor))
		return 0;
	memset(&info, 0, sizeof(info));
	info.minor = v->minor;
	if (ioctl(ctl, DBD_IOC_INFO, &info))
		return 0;
	info.bdev[sizeof(info.bdev) - 1] = '\0';
	*state = info.state;
	return !stat(path, &a) && !stat(info.bdev, &b) && S_ISBLK(a.st_mode) && S_ISBLK(b.st_mode) &&
	       a.st_rdev == b.st_rdev;
}

/* The reload call of volume I failed with ERR (not mounted read-write). */
static void reload_refused(const struct agent_conf *c, struct agent_state *st, unsigned int i,
			   int err)
{
	const struct dbd_volume *v = &st->manifest.vol[i];
	char msg[160], maxm[16];

	if (err == -EINVAL) {
		max_minors(c, maxm, sizeof(maxm));
		dbd_snprintf(msg, sizeof(msg), "refused: %s (minor out of range, max_snap_devices=%s, "
			 "or mounted read-write)", agent_errno_name(err), maxm);
	} else {
		dbd_snprintf(msg, sizeof(msg), "refused: %s (%s)", agent_errno_name(err), strerror(-err));
	}
	volume_done(st, i, V_FAILED, err, msg);
	agent_log(LOG_ERR, "minor %u: could not reload %s on '%s': %s", v->minor,
		  dbd_mode_str(v->mode), st->vol[i].path, msg);
}

/* Why no reload is possible when the control device is not open. */
static const char *no_driver_why(const struct agent_state *st)
{
	return st->module == M_FAILED ? "dattobd is not loaded" :
	       "dattobd's control device could not be opened";
}

/* Before volume I's reload: its mount state and its filesystem (FS: read
 * in this round's batch already when PRE_ERR is not -EAGAIN, else read
 * here). 0 to go on; 1 when its device did not answer a read (waited for
 * again); -1 when it is done (too late, or its mount state not known). */
static int volume_check(const struct agent_conf *c, struct agent_state *st, unsigned int i,
			struct dbd_fs_info *fs, int pre_err)
{
	const struct dbd_volume *v = &st->manifest.vol[i];
	struct vol_state *vs = &st->vol[i];
	struct stat sb;
	int mounted = -ENOTBLK, err;

	if (stat(vs->path, &sb) == 0 && S_ISBLK(sb.st_mode))
		mounted = agent_mount_state(c->proc, major(sb.st_rdev), minor(sb.st_rdev));
	vs->mounted = mounted == 0 ? VM_NOT : mounted == 1 ? VM_READ_ONLY :
		      mounted == 2 ? VM_READ_WRITE : VM_UNKNOWN;
	if (mounted == 2) {
		agent_log(LOG_ERR, "minor %u: %s (%s) is already mounted read-write: too late to reload, "
			  "changes are untracked: a full backup is needed", v->minor, v->device, vs->path);
		volume_done(st, i, V_TOO_LATE, 0, "already mounted read-write");
		return -1;
	}
	/* Not known (mountinfo unreadable, or a line past the buffer): never
	 * a reload that may come after a read-write mount. */
	if (mounted < 0 && mounted != -ENOTBLK) {
		agent_log(LOG_ERR, "minor %u: %s (%s) not reloaded: could not tell from '%s/self/"
			  "mountinfo' whether it is mounted read-write (%s): a full backup is needed",
			  v->minor, v->device, vs->path, c->proc, agent_errno_name(mounted));
		volume_done(st, i, V_FAILED, mounted, "could not tell whether it is mounted read-write");
		return -1;
	}
	err = pre_err != -EAGAIN ? pre_err : agent_fs_read_guarded(c, vs->path, fs, agent_time_left(c, st));
	if (err == -ETIMEDOUT) {
		if (!vs->unanswered++)
			agent_log(LOG_WARN, "minor %u: %s (%s) did not answer a read within %d ms: "
				  "tried again after the other volumes, until the deadline",
				  v->minor, v->device, vs->path, AGENT_READ_STALL_MS);
		vs->outcome = V_WAITING;
		vs->error = err;
		return 1;
	}
	if (!err) {
		vs->fstype = fs->type;
		vs->journal = fs->journal;
	} else {
		agent_log(LOG_WARN, "minor %u: %s (%s) holds no ext or XFS filesystem the agent "
			  "knows: its journal cannot be checked", v->minor, v->device, vs->path);
	}
	return 0;
}

/* The device is there: check it, then reload. 1 when its device did not
 * answer a read: tried again after the others, until the deadline. */
static int volume_reload(const struct agent_conf *c, struct agent_state *st, unsigned int i,
			 int ctl, const struct dbd_fs_info *pre, int pre_err)
{
	const struct dbd_volume *v = &st->manifest.vol[i];
	struct vol_state *vs = &st->vol[i];
	struct dbd_reload r = { .bdev = vs->path, .cow = (char *)v->cow,
				.cache_bytes = (unsigned long)v->cache_bytes, .minor = v->minor };
	struct dbd_fs_info fs = pre ? *pre : (struct dbd_fs_info){ 0 };
	char msg[160];
	unsigned long held = 0;
	long t0;
	int err;

	err = volume_check(c, st, i, &fs, pre ? pre_err : -EAGAIN);
	if (err)
		return err > 0;
	if (ctl < 0) {
		const char *why = no_driver_why(st);

		volume_done(st, i, V_FAILED, ctl, why);
		agent_log(LOG_ERR, "minor %u: %s not reloaded: %s", v->minor, v->device, why);
		return 0;
	}
	vs->outcome = V_RELOADING;
	if (already_held(c, ctl, v, vs->path, &held)) {
		dbd_snprintf(msg, sizeof(msg), "already reloaded: dattobd holds minor %u on %s "
			 "(state %lu)", v->minor, vs->path, held);
		volume_done(st, i, V_ALREADY, 0, msg);
		agent_log(LOG_INFO, "minor %u: %s %s", v->minor, v->device, msg);
		return 0;
	}
	t0 = agent_since(st);
	err = ioctl(ctl, v->mode == DBD_MODE_SNAPSHOT ? DBD_IOC_RELOAD_SNAP : DBD_IOC_RELOAD_INC, &r);
	err = err ? -errno : 0;
	vs->reload_ms = agent_since(st) - t0;
	if (err) {
		reload_refused(c, st, i, err);
		return 0;
	}
	if (fs.journal == DBD_JOURNAL_NEEDS_RECOVERY)
		dbd_snprintf(msg, sizeof(msg), "reloaded; journal needs recovery: what the mount replays "
			 "is not tracked");
	else if (vs->mounted == VM_READ_ONLY && fs.journal != DBD_JOURNAL_NONE)
		dbd_snprintf(msg, sizeof(msg), "reloaded while mounted read-only: a journal that "
			 "mount replayed was not tracked, and is no longer seen");
	else if (vs->fstype == DBD_FS_UNKNOWN)
		dbd_snprintf(msg, sizeof(msg), "reloaded; no ext or XFS filesystem found on it: its "
			 "journal was not checked");
	else
		dbd_snprintf(msg, sizeof(msg), "reloaded");
	volume_done(st, i, V_RELOADED, 0, msg);
	agent_log(vs->journal == DBD_JOURNAL_NEEDS_RECOVERY ? LOG_WARN : LOG_INFO,
		  "minor %u: %s reloaded %s on %s at %ld ms%s", v->minor, v->device,
		  dbd_mode_str(v->mode), vs->path, vs->done_ms,
		  vs->journal == DBD_JOURNAL_NEEDS_RECOVERY ?
		  "; its journal needs recovery: writes replayed at mount are not tracked" : "");
	return 0;
}

/* Volume I's name matches two devices (their names in its path): said once,
 * and waited on, since assembling an array or a map can settle it. */
static void ambiguous(struct agent_state *st, unsigned int i)
{
	struct vol_state *vs = &st->vol[i];
	char both[80], dev[48];

	if (vs->error != -EEXIST)
		agent_log(LOG_WARN, "minor %u: %s matches more than one device (%s): waiting for "
			  "one to be the volume", st->manifest.vol[i].minor,
			  st->manifest.vol[i].device, vs->path);
	dbd_snprintf(both, sizeof(both), "%s", vs->path);
	dbd_snprintf(dev, sizeof(dev), "%s", st->manifest.vol[i].device);
	vs->error = -EEXIST;
	dbd_snprintf(vs->message, sizeof(vs->message), "%s matches two devices (%s)", dev, both);
	vs->path[0] = '\0';
}

/* At the deadline, volume I was never found (or never one device). */
static void not_found(const struct agent_conf *c, struct agent_state *st, unsigned int i)
{
	const struct dbd_volume *v = &st->manifest.vol[i];
	char msg[160];

	if (st->vol[i].error == -ETIMEDOUT) {
		volume_done(st, i, V_FAILED, -ETIMEDOUT, "its device did not answer a read");
		agent_log(LOG_ERR, "minor %u: %s (%s) not reloaded: its device did not answer a "
			  "read before the deadline: a full backup will be needed", v->minor,
			  v->device, st->vol[i].path);
		return;
	}
	if (st->vol[i].error == -EEXIST) {
		dbd_snprintf(msg, sizeof(msg), "%s", st->vol[i].message);
		volume_done(st, i, V_FAILED, -EEXIST, msg);
		agent_log(LOG_ERR, "minor %u: %s: not reloaded, a full backup will be needed",
			  v->minor, msg);
		return;
	}
	volume_done(st, i, V_NO_DEVICE, -ENODEV, "device did not appear in time");
	agent_log(LOG_ERR, "minor %u: %s did not appear within %d s: not reloaded, a full backup "
		  "will be needed", v->minor, v->device, c->timeout);
}

/* --minor N: the other volumes are skipped; 0, or -ENOENT (said) when
 * the manifest has no volume N. */
static int select_minor(const struct agent_conf *c, struct agent_state *st)
{
	unsigned int i, found = 0;

	if (c->only_minor < 0)
		return 0;
	for (i = 0; i < st->manifest.n; i++) {
		if (st->manifest.vol[i].minor == (unsigned int)c->only_minor)
			found = 1;
		else
			st->vol[i].outcome = V_SKIPPED;
	}
	if (found)
		return 0;
	agent_log(LOG_ERR, "minor %d is not in '%s': nothing to reload", c->only_minor, c->manifest);
	return -ENOENT;
}

/* In the initramfs, a stage=root volume whose device is not there at the
 * first look is left to the real root (dbdboot-generator(8)), unwaited. */
static int defer(const struct agent_conf *c, struct agent_state *st, unsigned int i)
{
	const struct dbd_volume *v = &st->manifest.vol[i];

	if (v->stage != DBD_STAGE_ROOT || strcmp(c->phase, "initramfs"))
		return 0;
	volume_done(st, i, V_DEFERRED, 0, "not there in the initramfs (stage=root): left to "
		    "the real root");
	agent_log(LOG_INFO, "minor %u: %s not there yet: left to the real root (stage=root)",
		  v->minor, v->device);
	return 1;
}

/* dattobd not loaded (or its control device not there): no reload is
 * possible, so the devices still absent are not waited for (CTL: why). */
static void no_driver(struct agent_state *st, int ctl)
{
	const char *why = no_driver_why(st);

	for (unsigned int i = 0; i < st->manifest.n; i++) {
		if (st->vol[i].outcome != V_WAITING)
			continue;
		volume_done(st, i, V_FAILED, ctl, why);
		agent_log(LOG_ERR, "minor %u: %s not reloaded (%s): not waited for, a full backup "
			  "will be needed", st->manifest.vol[i].minor, st->manifest.vol[i].device,
			  why);
	}
}

/* Volume I was not found this round (RET): waited for, deferred, or
 * ambiguous. 1 when it is still waited for. */
static int not_yet(const struct agent_conf *c, struct agent_state *st, unsigned int i, int ret)
{
	struct vol_state *vs = &st->vol[i];

	if (vs->outcome == V_PENDING && defer(c, st, i))
		return 0;
	if (ret == -EEXIST)
		ambiguous(st, i);
	else if (vs->outcome == V_PENDING)
		agent_log(LOG_DEBUG, "minor %u: %s not there yet: waiting up to %d s",
			  st->manifest.vol[i].minor, st->manifest.vol[i].device, c->timeout);
	vs->outcome = V_WAITING;
	return 1;
}

/* The volumes found this round (FOUND, N of them), their superblocks read
 * in one child, checked and reloaded in manifest order: how many are
 * still waited for (a read that did not answer). */
static unsigned int reload_found(const struct agent_conf *c, struct agent_state *st, int ctl,
				 const unsigned int *found, unsigned int n, unsigned int round)
{
	static struct dbd_fs_info fs[DBD_MANIFEST_MAX_VOLUMES];
	static int err[DBD_MANIFEST_MAX_VOLUMES];
	const char *paths[DBD_MANIFEST_MAX_VOLUMES];
	unsigned int k, left = 0;

	for (k = 0; k < n; k++)
		paths[k] = st->vol[found[k]].path;
	agent_fs_read_batch(c, paths, n, fs, err, agent_time_left(c, st));
	for (k = 0; k < n; k++)
		if (volume_reload(c, st, found[k], ctl, &fs[k], err[k])) {
			st->vol[found[k]].stalled_round = round;
			left++;
		}
	return left;
}

/*
 * One look at every volume not done: first those found without reading a
 * disk (udev's links, numbers, paths); then the search of superblocks for
 * the rest; those found reloaded; last, the volumes whose device did not
 * answer a read before: so that no volume that is there waits behind one
 * that is not, or that does not answer. How many are still waited for.
 */
static unsigned int look_once(const struct agent_conf *c, struct agent_state *st, int ctl)
{
	static unsigned int round;
	unsigned char seen[DBD_MANIFEST_MAX_VOLUMES] = { 0 };
	unsigned int i, n = 0, left = 0, found[DBD_MANIFEST_MAX_VOLUMES];

	round++;
	for (int pass = 0; pass < 2; pass++)
		for (i = 0; i < st->manifest.n; i++) {
			struct vol_state *vs = &st->vol[i];
			int ret;

			if ((vs->outcome != V_PENDING && vs->outcome != V_WAITING) ||
			    vs->unanswered || seen[i])
				continue;
			ret = agent_resolve_in_round(c, &st->manifest.vol[i], vs->path,
						     sizeof(vs->path), pass);
			if (ret && !pass)
				continue;	/* the search, after the others */
			seen[i] = 1;
			if (ret) {
				left += (unsigned int)not_yet(c, st, i, ret);
				continue;
			}
			vs->error = 0;
			vs->found_ms = agent_since(st);
			found[n++] = i;
		}
	left += reload_found(c, st, ctl, found, n, round);
	for (i = 0; i < st->manifest.n; i++) {
		struct vol_state *vs = &st->vol[i];

		if ((vs->outcome != V_PENDING && vs->outcome != V_WAITING) || !vs->unanswered)
			continue;
		/* its path known: its read again, a round later */
		if (vs->stalled_round < round && volume_reload(c, st, i, ctl, NULL, -EAGAIN))
			vs->stalled_round = round;
		left += vs->outcome == V_WAITING;
	}
	return left;
}

void agent_work(const struct agent_conf *c, struct agent_state *st)
{
	unsigned int i, left;
	char ctlbuf[512];
	int ctl = -ENODEV;

	agent_load_module(c, st);
	read_manifest(c, st);
	if (select_minor(c, st))
		return;
	if (st->module != M_FAILED) {
		const char *path = agent_ctl_path(c, ctlbuf, sizeof(ctlbuf));

		ctl = open(path, O_RDONLY | O_CLOEXEC);
		if (ctl < 0) {
			ctl = -errno;
			agent_log(LOG_ERR, "could not open '%s': %s", path, strerror(errno));
		}
	}
	for (;;) {
		agent_round_start();
		left = look_once(c, st, ctl);
		if (!left)
			break;
		if (ctl < 0) {
			no_driver(st, ctl);
			break;
		}
		if (agent_past_deadline(c, st)) {
			for (i = 0; i < st->manifest.n; i++)
				if (st->vol[i].outcome == V_WAITING)
					not_found(c, st, i);
			break;
		}
		agent_sleep_ms(AGENT_POLL_MS);
	}
	if (ctl >= 0)
		close(ctl);
}

void agent_work_skipped(const struct agent_conf *c, struct agent_state *st, int err)
{
	unsigned int i;

	st->module = M_FAILED;
	st->module_error = err;
	read_manifest(c, st);
	for (i = 0; i < st->manifest.n; i++) {
		volume_done(st, i, V_FAILED, err, "not reloaded: no worker process could be "
			    "started, and without one a load or a reload could outlast the deadline");
		agent_log(LOG_ERR, "minor %u: %s not reloaded (no worker process): a full backup "
			  "will be needed", st->manifest.vol[i].minor, st->manifest.vol[i].device);
	}
}
