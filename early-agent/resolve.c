// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot-early: finding a volume's device node, and whether it is mounted.
 * UUID=, LABEL=, PARTUUID= through DEV/disk/by-*; UUID= and LABEL= also by
 * reading the superblock of every block device in SYS/class/block, so that
 * a missing udev rule does not hide a volume: never a member of something
 * stacked on it, never one of two matches. A udev link names one device
 * only (the last udev saw): udev's database (RUN/udev/data) is asked
 * whether another holds the same name, and two are refused there too.
 * MAJOR:MINOR through DEV/block/M:m, else SYS/dev/block/M:m/uevent.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "dattoinfo.h"
#include "mountinfo.h"

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* PATH with symlinks followed, into OUT; PATH itself when that fails. */
static int canonical(const char *path, char *out, size_t size)
{
	char buf[PATH_MAX];
	const char *src = realpath(path, buf) ? buf : path;

	if (strlen(src) >= size)
		return -ENAMETOOLONG;
	strcpy(out, src);
	return 0;
}

static int dev_path(const struct agent_conf *c, const char *rel, char *out, size_t size)
{
	int n = dbd_snprintf(out, size, "%s/%s", c->dev, rel);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* Up to SIZE - 1 bytes of PATH into BUF, NUL-terminated: its length, or -1. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* The value of udev database line KEY (as "E:NAME=") in DB, *LEN its
 * length (to its newline); NULL when absent. DB is left as it is. */
static const char *db_value(const char *db, const char *key, size_t *len)
{
	for (const char *line = db; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (!strncmp(line, key, strlen(key))) {
			const char *val = line + strlen(key);

			*len = strcspn(val, "\n");
			return val;
		}
	return NULL;
}

/*
 * What udev's database says of each block device, read once a round (a
 * volume found through a link is checked against all the others: read
 * for each volume, it cost about 1 ms a volume under TCG). Limits: the
 * first AGENT_SCAN_MAX devices of SYS/class/block; a value longer than
 * its field is kept as "too long", which equals no manifest's name.
 */
struct udev_rec {
	char name[64];
	char value[3][DBD_MANIFEST_MAX_DEVICE + 1];	/* by udev_slot() */
	int member;		/* ID_FS_TYPE ends in _member */
};
static struct udev_rec udev_tab[AGENT_SCAN_MAX];
static unsigned int udev_n;
static int udev_read;		/* udev_tab holds this round's */

/* The slot of udev_rec.value for UUID=, LABEL=, PARTUUID=. */
static unsigned int udev_slot(enum dbd_dev_kind kind)
{
	return kind == DBD_DEV_UUID ? 0 : kind == DBD_DEV_LABEL ? 1 : 2;
}

static void udev_keep(const char *db, const char *key, char *out, size_t size)
{
	size_t len;
	const char *val = db_value(db, key, &len);

	if (!val)
		out[0] = '\0';
	else if (len >= size)
		dbd_snprintf(out, size, "%s", "\n(too long)");	/* no name has a newline */
	else
		dbd_snprintf(out, size, "%.*s", (int)len, val);
}

static int udev_one(const char *name, void *ctx)
{
	const struct agent_conf *c = ctx;
	struct udev_rec *r = &udev_tab[udev_n];
	char p[PATH_MAX], num[32], db[4096];
	const char *type;
	size_t tlen = 0;

	if (udev_n >= AGENT_SCAN_MAX || strlen(name) >= sizeof(r->name))
		return 0;
	dbd_snprintf(p, sizeof(p), "%s/class/block/%s/dev", c->sys, name);
	if (read_small(p, num, sizeof(num)) <= 0)
		return 0;
	num[strcspn(num, "\n")] = '\0';
	dbd_snprintf(p, sizeof(p), "%s/udev/data/b%s", c->run, num);
	if (read_small(p, db, sizeof(db)) <= 0)
		return 0;
	strcpy(r->name, name);
	udev_keep(db, "E:ID_FS_UUID=", r->value[udev_slot(DBD_DEV_UUID)], sizeof(r->value[0]));
	udev_keep(db, "E:ID_FS_LABEL=", r->value[udev_slot(DBD_DEV_LABEL)], sizeof(r->value[0]));
	udev_keep(db, "E:ID_PART_ENTRY_UUID=", r->value[udev_slot(DBD_DEV_PARTUUID)],
		  sizeof(r->value[0]));
	type = db_value(db, "E:ID_FS_TYPE=", &tlen);
	r->member = type && tlen > 7 && !strncmp(type + tlen - 7, "_member", 7);
	udev_n++;
	return 0;
}

void agent_round_start(void)
{
	agent_scan_invalidate();
	udev_read = 0;
}

/* Does udev's database say block device R holds V's UUID, label or
 * partition UUID, and is no member of something stacked on it? */
static int udev_same(const struct agent_conf *c, const struct udev_rec *r,
		     const struct dbd_volume *v)
{
	const char *val = r->value[udev_slot(v->dev_kind)];

	if (!*val || (v->dev_kind == DBD_DEV_LABEL ? strcmp(val, v->dev_value) :
		      strcasecmp(val, v->dev_value)))
		return 0;
	return !r->member && !agent_has_holders(c, r->name);
}

/*
 * V was found through udev's link at TARGET (canonical): another block
 * device that udev's database says holds the same name makes it ambiguous:
 * -EEXIST with both named in OUT; else 0. Only udev's records are read,
 * never a disk, so that no device's reads can hold this up.
 */
static int udev_twin(const struct agent_conf *c, const struct dbd_volume *v, const char *target,
		     char *out, size_t size)
{
	char dir[PATH_MAX], first[PATH_MAX], other[PATH_MAX];
	const char *base;

	if (!c->run)
		return 0;
	dbd_snprintf(first, sizeof(first), "%s", target);	/* TARGET may be OUT */
	base = strrchr(first, '/') ? strrchr(first, '/') + 1 : first;
	if (!udev_read) {
		udev_n = 0;
		dbd_snprintf(dir, sizeof(dir), "%s/class/block", c->sys);
		agent_each_entry(dir, udev_one, (void *)c);
		udev_read = 1;
	}
	for (unsigned int i = 0; i < udev_n; i++) {
		if (!strcmp(udev_tab[i].name, base) || !udev_same(c, &udev_tab[i], v))
			continue;
		dev_path(c, udev_tab[i].name, other, sizeof(other));
		dbd_snprintf(out, size, "%.100s and %.100s", first, other);
		return -EEXIST;
	}
	return 0;
}

const char *agent_uevent_devname(char *text)
{
	char *line = text, *name, *s;

	for (; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, "DEVNAME=", 8))
			continue;
		name = line + 8;
		name[strcspn(name, "\n")] = '\0';
		if (!*name || *name == '/')
			return NULL;
		for (s = name; s; s = strchr(s, '/') ? strchr(s, '/') + 1 : NULL)
			if (s[0] == '.' && s[1] == '.' && (s[2] == '/' || !s[2]))
				return NULL;	/* never out of DEV */
		return name;
	}
	return NULL;
}

static int by_number(const struct agent_conf *c, const struct dbd_volume *v, char *out,
		     size_t size)
{
	char p[PATH_MAX], buf[512];
	const char *name;
	ssize_t n;
	int fd;

	dbd_snprintf(p, sizeof(p), "%s/block/%u:%u", c->dev, v->dev_major, v->dev_minor);
	if (exists(p))
		return canonical(p, out, size);
	dbd_snprintf(p, sizeof(p), "%s/dev/block/%u:%u/uevent", c->sys, v->dev_major, v->dev_minor);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ENOENT;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ENOENT;
	buf[n] = '\0';
	name = agent_uevent_devname(buf);
	if (!name || dev_path(c, name, p, sizeof(p)) || !exists(p))
		return -ENOENT;
	return canonical(p, out, size);
}

int agent_resolve(const struct agent_conf *c, const struct dbd_volume *v, char *out, size_t size)
{
	agent_round_start();
	return agent_resolve_in_round(c, v, out, size, 1);
}

int agent_resolve_in_round(const struct agent_conf *c, const struct dbd_volume *v, char *out,
			   size_t size, int scan)
{
	static const char *const dirs[] = {
		[DBD_DEV_UUID] = "disk/by-uuid", [DBD_DEV_PARTUUID] = "disk/by-partuuid",
		[DBD_DEV_LABEL] = "disk/by-label",
	};
	char p[PATH_MAX];

	switch (v->dev_kind) {
	case DBD_DEV_PATH:
		/* /dev/x names DEV/x, so that tests can point DEV elsewhere. */
		if (!strncmp(v->device, "/dev/", 5)) {
			if (dev_path(c, v->device + 5, p, sizeof(p)))
				return -ENAMETOOLONG;
		} else {
			dbd_snprintf(p, sizeof(p), "%s", v->device);
		}
		return exists(p) ? canonical(p, out, size) : -ENOENT;
	case DBD_DEV_UUID:
	case DBD_DEV_PARTUUID:
	case DBD_DEV_LABEL:
		dbd_snprintf(p, sizeof(p), "%s/%s/%s", c->dev, dirs[v->dev_kind], v->dev_value);
		if (exists(p)) {
			int ret = canonical(p, out, size);

			return ret ? ret : udev_twin(c, v, out, out, size);
		}
		if (v->dev_kind == DBD_DEV_PARTUUID || !scan)
			return -ENOENT;
		{
			char found[AGENT_PATH_MAX];
			int ret = agent_scan_match(c, v, found, sizeof(found));

			if (ret == -EEXIST)
				dbd_snprintf(out, size, "%s", found);
			return ret ? ret : canonical(found, out, size);
		}
	case DBD_DEV_NUMBER:
		return by_number(c, v, out, size);
	}
	return -EINVAL;
}

/* PROC/NAME read whole into a buffer of 64 KiB kept here (good until the
 * next call; NUL-terminated): *TEXT, *LEN. 0, -errno when it cannot be
 * opened, -EFBIG when it did not fit (*TEXT then holds its start). */
static int proc_read(const char *proc, const char *name, char **text, size_t *len)
{
	static char buf[65536];
	char path[PATH_MAX];
	ssize_t n = 0;
	int fd;

	*text = buf;
	*len = 0;
	buf[0] = '\0';
	dbd_snprintf(path, sizeof(path), "%s/%s", proc, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (*len < sizeof(buf) - 1 && (n = read(fd, buf + *len, sizeof(buf) - 1 - *len)) > 0)
		*len += (size_t)n;
	close(fd);
	buf[*len] = '\0';
	return *len == sizeof(buf) - 1 ? -EFBIG : 0;
}

/*
 * Read whole, whatever its length (hosts with many mounts: containers,
 * snaps), through a buffer of 64 KiB: each run of whole lines judged as it
 * comes. A line longer than the buffer, or a read that fails midway, and
 * the state is not known (-EFBIG, -errno): never "not mounted" from a part.
 */
int agent_mount_state(const char *proc, unsigned int maj, unsigned int min)
{
	static char buf[65536];
	char path[PATH_MAX];
	size_t have = 0, upto;
	int fd, state = 0, s;
	ssize_t n;

	dbd_snprintf(path, sizeof(path), "%s/self/mountinfo", proc);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		n = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			state = -errno;
			break;
		}
		have += (size_t)n;
		for (upto = have; n > 0 && upto > 0 && buf[upto - 1] != '\n'; upto--)
			;
		if (!upto && have == sizeof(buf) - 1) {
			state = -EFBIG;
			break;
		}
		if (upto) {
			char keep = buf[upto];

			buf[upto] = '\0';
			s = dbd_mountinfo_state(buf, maj, min);
			state = s > state ? s : state;
			buf[upto] = keep;
			memmove(buf, buf + upto, have - upto);
			have -= upto;
		}
		if (!n || state == 2)
			break;
	}
	close(fd);
	return state;
}

int agent_minor_listed(const char *proc, unsigned int minor)
{
	char *text;
	size_t len;

	if (proc_read(proc, "datto-info", &text, &len))
		return 1;
	return dbd_dattoinfo_lists_minor(text, len, minor) != 0;
}
