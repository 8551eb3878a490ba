// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot-early: reading block devices, whose reads may never return (a
 * multipath map queueing with no path left, an nbd or iSCSI disk whose
 * server is gone). Every read of a device is made in a child process that
 * sends one record per device on a pipe; a device that sends nothing for
 * AGENT_READ_STALL_MS is left out of the search for the rest of the run
 * (said once), and the worker goes on with the volumes it can reach.
 *
 * The search for UUID= and LABEL=: one pass a round over SYS/class/block,
 * superblocks read, members (holders, md or LVM2 signatures) marked; a
 * volume is the one device that matches, and only after a pass that read
 * every device not left out. Limits: AGENT_SCAN_MAX devices a pass (the
 * rest are not seen), AGENT_STALLED_MAX devices left out (then a stalled
 * pass is not complete, and the volumes it could settle wait).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"

struct scan_rec {
	char name[64];		/* under SYS/class/block; "" for a single read */
	int index;		/* a batch read's path, from 0; -1 otherwise */
	int begin;		/* 1: about to read it; 0: what it holds */
	int found;		/* a filesystem the agent knows */
	int member;		/* holders, or an md or LVM2 signature */
	struct dbd_fs_info fs;
};

static struct scan_rec table[AGENT_SCAN_MAX];
static unsigned int ntable;
static int pass_state;		/* 0 none this round, 1 complete, -1 not complete */
static char stalled[AGENT_STALLED_MAX][64];
static unsigned int nstalled;

#define MD_MAGIC 0xa92b4efcu

/* A sysfs attribute of block device NAME, as a number; -1 when absent. */
static long long sys_number(const struct agent_conf *c, const char *name, const char *attr)
{
	char p[PATH_MAX], buf[32];
	ssize_t n;
	int fd;

	dbd_snprintf(p, sizeof(p), "%s/class/block/%s/%s", c->sys, name, attr);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtoll(buf, NULL, 10);
}

/* Something stacked on NAME (md, dm, LVM, multipath): it is a member. */
int agent_each_entry(const char *dir, int (*fn)(const char *name, void *ctx), void *ctx)
{
	char buf[4096];
	long n;
	int fd, ret = 0;

	/* getdents, not opendir: musl's opendir allocates, and the static
	 * agent cannot (nomalloc.c), so opendir would always fail there. */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (!ret && (n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (long off = 0; off < n && !ret;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);

			off += d->d_reclen;
			if (d->d_name[0] != '.')
				ret = fn(d->d_name, ctx);
		}
	close(fd);
	return ret;
}

static int any_entry(const char *name, void *ctx)
{
	(void)name;
	(void)ctx;
	return 1;
}

int agent_has_holders(const struct agent_conf *c, const char *name)
{
	char p[PATH_MAX];

	dbd_snprintf(p, sizeof(p), "%s/class/block/%s/holders", c->sys, name);
	return agent_each_entry(p, any_entry, NULL) > 0;
}

static int le32_at(int fd, long long off, unsigned int *v)
{
	unsigned char b[4];

	if (off < 0 || pread(fd, b, 4, off) != 4)
		return -1;
	*v = (unsigned int)b[0] | (unsigned int)b[1] << 8 | (unsigned int)b[2] << 16 |
	     (unsigned int)b[3] << 24;
	return 0;
}

/*
 * NODE carries an md RAID superblock (0.90 and 1.0 near the end, 1.1 at
 * the start, 1.2 at 4 KiB) or an LVM2 physical volume label (one of the
 * first four sectors): a member, whose filesystem (RAID1, an origin) is
 * also seen on the device built from it. Not assembled yet, it has no
 * holders to tell.
 */
static int is_member(const char *node)
{
	char sec[2048];
	unsigned int m;
	long long size, sectors;
	int fd = open(node, O_RDONLY | O_CLOEXEC | O_NONBLOCK), hit = 0;

	if (fd < 0)
		return 0;
	if (pread(fd, sec, sizeof(sec), 0) == (ssize_t)sizeof(sec))
		for (int i = 0; i < 4 && !hit; i++)
			hit = !memcmp(sec + 512 * i, "LABELONE", 8) &&
			      !memcmp(sec + 512 * i + 24, "LVM2 001", 8);
	size = lseek(fd, 0, SEEK_END);
	sectors = size > 0 ? size / 512 : 0;
	if (!hit && sectors > 128) {
		hit = (!le32_at(fd, 0, &m) && m == MD_MAGIC) ||
		      (!le32_at(fd, 4096, &m) && m == MD_MAGIC) ||
		      (!le32_at(fd, ((sectors & ~127ll) - 128) * 512, &m) && m == MD_MAGIC) ||
		      (!le32_at(fd, ((sectors - 16) & ~7ll) * 512, &m) && m == MD_MAGIC);
	}
	close(fd);
	return hit;
}

/* Devices never read for a UUID= or LABEL= scan: loops and RAM disks, and
 * the slow ones (optical, floppy), and any of size 0 (an nbd with no
 * server, an empty drive), so that no poll waits on them. */
static int skip_device(const struct agent_conf *c, const char *name)
{
	static const char *const prefixes[] = { "loop", "ram", "sr", "fd", "zram" };

	if (name[0] == '.')
		return 1;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return 1;
	return sys_number(c, name, "size") == 0;
}


static int is_stalled(const char *name)
{
	for (unsigned int i = 0; i < nstalled; i++)
		if (!strcmp(stalled[i], name))
			return 1;
	return 0;
}

/* Where the child's records go: the pipe, or (no child) the table. */
static int emit_fd = -1;
static struct scan_rec *single;	/* a single read's record, kept here */
static struct {			/* a batch read's paths and results */
	const char *const *paths;
	unsigned int n;
	struct dbd_fs_info *fs;
	int *err;
} batch;

static void keep(const struct scan_rec *r)
{
	if (r->begin)
		return;
	if (r->index >= 0) {
		if ((unsigned int)r->index < batch.n) {
			batch.fs[r->index] = r->fs;
			batch.err[r->index] = r->found ? 0 : -ENODATA;
		}
		return;
	}
	if (single) {
		*single = *r;
		return;
	}
	if (ntable < AGENT_SCAN_MAX)
		table[ntable++] = *r;
}

static void emit(const struct scan_rec *r)
{
	if (emit_fd < 0) {
		keep(r);
		return;
	}
	/* Under PIPE_BUF: written whole, read whole. */
	while (write(emit_fd, r, sizeof(*r)) < 0 && errno == EINTR)
		;
}

static void read_one(const struct agent_conf *c, const char *name, const char *node, int index)
{
	struct scan_rec r = { .begin = 1, .index = index };

	dbd_snprintf(r.name, sizeof(r.name), "%s", name);
	emit(&r);
	r.begin = 0;
	r.found = !dbd_fs_read(node, &r.fs);
	if (r.found && name[0])
		r.member = agent_has_holders(c, name) || is_member(node);
	emit(&r);
}

static int scan_one(const char *name, void *ctx)
{
	const struct agent_conf *c = ctx;
	char node[PATH_MAX];

	if (skip_device(c, name) || is_stalled(name) || strlen(name) >= sizeof(table[0].name))
		return 0;
	dbd_snprintf(node, sizeof(node), "%s/%s", c->dev, name);
	read_one(c, name, node, -1);
	return 0;
}

static void scan_all(const struct agent_conf *c, const char *unused)
{
	char dir[PATH_MAX];

	(void)unused;
	dbd_snprintf(dir, sizeof(dir), "%s/class/block", c->sys);
	agent_each_entry(dir, scan_one, (void *)c);
}

static void scan_single(const struct agent_conf *c, const char *path)
{
	read_one(c, "", path, -1);
}

static void scan_batch(const struct agent_conf *c, const char *unused)
{
	(void)unused;
	for (unsigned int i = 0; i < batch.n; i++)
		read_one(c, "", batch.paths[i], (int)i);
}

/* A device that did not answer the search: left out from now on, said. */
static void stall(const char *name, const char *what)
{
	agent_log(LOG_WARN, "%s did not answer a read within %d ms: left out of the search for "
		  "volumes by UUID or LABEL for the rest of this boot", what, AGENT_READ_STALL_MS);
	if (!is_stalled(name) && nstalled < AGENT_STALLED_MAX)
		dbd_snprintf(stalled[nstalled++], sizeof(stalled[0]), "%s", name);
}

/*
 * FN(C, ARG) in a child, its records kept as they come. 0 when it ended,
 * -ETIMEDOUT when a record was awaited AGENT_READ_STALL_MS in vain (the
 * child is killed, and not waited for: one stuck in the kernel stays
 * there; LAST names the device it was reading). Without a child (fork
 * failed) FN runs here, as before there were children.
 */
static int guarded(const struct agent_conf *c, void (*fn)(const struct agent_conf *, const char *),
		   const char *arg, long limit_ms, char *last, size_t n)
{
	int fds[2];
	pid_t pid;
	struct scan_rec r;

	last[0] = '\0';
	if (pipe2(fds, O_CLOEXEC)) {
		fn(c, arg);
		return 0;
	}
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		fn(c, arg);
		return 0;
	}
	if (pid == 0) {
		close(fds[0]);
		emit_fd = fds[1];
		fn(c, arg);
		_exit(0);
	}
	close(fds[1]);
	for (;;) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		ssize_t got;

		if (poll(&p, 1, (int)limit_ms) == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, WNOHANG);
			close(fds[0]);
			return -ETIMEDOUT;
		}
		got = read(fds[0], &r, sizeof(r));
		if (got < 0 && errno == EINTR)
			continue;
		if (got != (ssize_t)sizeof(r))
			break;
		if (r.begin)
			dbd_snprintf(last, n, "%s", r.index >= 0 ? batch.paths[r.index] : r.name);
		keep(&r);
	}
	close(fds[0]);
	waitpid(pid, NULL, 0);
	return 0;
}

void agent_scan_invalidate(void)
{
	pass_state = 0;
}

/* This round's pass over every block device, made once. */
static void scan_pass(const struct agent_conf *c)
{
	char last[64], what[PATH_MAX];

	if (pass_state)
		return;
	ntable = 0;
	if (guarded(c, scan_all, NULL, AGENT_READ_STALL_MS, last, sizeof(last)) == -ETIMEDOUT) {
		dbd_snprintf(what, sizeof(what), "%s/%s", c->dev, last);
		stall(last, what);
		pass_state = -1;	/* the devices after it were not read */
		return;
	}
	pass_state = 1;
}

int agent_scan_match(const struct agent_conf *c, const struct dbd_volume *v, char *out,
		     size_t size)
{
	const struct scan_rec *first = NULL;

	scan_pass(c);
	if (pass_state < 0)
		return -EAGAIN;
	for (unsigned int i = 0; i < ntable; i++) {
		const struct scan_rec *r = &table[i];

		if (!r->found || r->member ||
		    !((v->dev_kind == DBD_DEV_UUID && !strcasecmp(r->fs.uuid_str, v->dev_value)) ||
		      (v->dev_kind == DBD_DEV_LABEL && !strcmp(r->fs.label, v->dev_value))))
			continue;
		if (first) {
			dbd_snprintf(out, size, "%s/%.100s and %s/%.100s", c->dev, first->name, c->dev,
				     r->name);
			return -EEXIST;
		}
		first = r;
	}
	if (!first)
		return -ENOENT;
	dbd_snprintf(out, size, "%s/%s", c->dev, first->name);
	return 0;
}

int agent_fs_read_guarded(const struct agent_conf *c, const char *path, struct dbd_fs_info *fs,
			  long limit_ms)
{
	struct scan_rec r = { 0 };
	char last[64];
	int ret;

	if (limit_ms > AGENT_READ_STALL_MS)
		limit_ms = AGENT_READ_STALL_MS;
	if (limit_ms < 1)
		limit_ms = 1;
	single = &r;
	ret = guarded(c, scan_single, path, limit_ms, last, sizeof(last));
	single = NULL;
	if (ret == -ETIMEDOUT)
		return ret;
	*fs = r.fs;
	return r.found ? 0 : -ENODATA;
}

int agent_fs_read_batch(const struct agent_conf *c, const char *const *paths, unsigned int n,
			struct dbd_fs_info *fs, int *err, long limit_ms)
{
	char last[AGENT_PATH_MAX];
	int ret;

	for (unsigned int i = 0; i < n; i++)
		err[i] = -EAGAIN;
	if (n < 2)
		return 0;	/* one path: the single read costs the same */
	if (limit_ms > AGENT_READ_STALL_MS)
		limit_ms = AGENT_READ_STALL_MS;
	if (limit_ms < 1)
		limit_ms = 1;
	batch.paths = paths;
	batch.n = n;
	batch.fs = fs;
	batch.err = err;
	ret = guarded(c, scan_batch, NULL, limit_ms, last, sizeof(last));
	batch.n = 0;
	if (ret == -ETIMEDOUT)
		for (unsigned int i = 0; i < n; i++)
			if (err[i] == -EAGAIN && !strcmp(paths[i], last)) {
				err[i] = -ETIMEDOUT;
				break;
			}
	return 0;
}
