// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot-early: finding a volume's device node, and whether it is mounted.
 * UUID=, LABEL=, PARTUUID= through DEV/disk/by-*; UUID= and LABEL= also by
 * reading the superblock of every block device in SYS/class/block, so that
 * a missing udev rule does not hide a volume. MAJOR:MINOR through
 * DEV/block/M:m, else SYS/dev/block/M:m/uevent.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "agent.h"

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
	int n = snprintf(out, size, "%s/%s", c->dev, rel);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* Walk SYS/class/block; for each NAME, try DEV/NAME with MATCH. */
static int scan_block(const struct agent_conf *c, const struct dbd_volume *v, char *out,
		      size_t size)
{
	char dir[PATH_MAX], buf[4096], node[PATH_MAX];
	struct dbd_fs_info fs;
	long n;
	int fd;

	snprintf(dir, sizeof(dir), "%s/class/block", c->sys);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -ENOENT;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);

			off += d->d_reclen;
			if (d->d_name[0] == '.' || !strncmp(d->d_name, "loop", 4) ||
			    !strncmp(d->d_name, "ram", 3))
				continue;
			if (dev_path(c, d->d_name, node, sizeof(node)) || dbd_fs_read(node, &fs))
				continue;
			if ((v->dev_kind == DBD_DEV_UUID && !strcasecmp(fs.uuid_str, v->dev_value)) ||
			    (v->dev_kind == DBD_DEV_LABEL && !strcmp(fs.label, v->dev_value))) {
				close(fd);
				return canonical(node, out, size);
			}
		}
	}
	close(fd);
	return -ENOENT;
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

	snprintf(p, sizeof(p), "%s/block/%u:%u", c->dev, v->dev_major, v->dev_minor);
	if (exists(p))
		return canonical(p, out, size);
	snprintf(p, sizeof(p), "%s/dev/block/%u:%u/uevent", c->sys, v->dev_major, v->dev_minor);
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
			snprintf(p, sizeof(p), "%s", v->device);
		}
		return exists(p) ? canonical(p, out, size) : -ENOENT;
	case DBD_DEV_UUID:
	case DBD_DEV_PARTUUID:
	case DBD_DEV_LABEL:
		snprintf(p, sizeof(p), "%s/%s/%s", c->dev, dirs[v->dev_kind], v->dev_value);
		if (exists(p))
			return canonical(p, out, size);
		if (v->dev_kind == DBD_DEV_PARTUUID)
			return -ENOENT;
		return scan_block(c, v, out, size);
	case DBD_DEV_NUMBER:
		return by_number(c, v, out, size);
	}
	return -EINVAL;
}

int agent_mountinfo_state(char *text, unsigned int maj, unsigned int min)
{
	char want[32], *line, *next;
	int state = 0;

	snprintf(want, sizeof(want), "%u:%u", maj, min);
	/* id parent MAJ:MIN root mountpoint mount-options ... - fstype source super-options */
	for (line = text; line && *line; line = next) {
		char *f[6] = { 0 }, *sep, *super, *save = NULL;
		int i;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		sep = strstr(line, " - ");
		if (!sep)
			continue;
		*sep = '\0';
		f[0] = strtok_r(line, " ", &save);
		for (i = 1; i < 6 && f[i - 1]; i++)
			f[i] = strtok_r(NULL, " ", &save);
		if (!f[5] || strcmp(f[2], want))
			continue;
		/* super options: the last word after the separator */
		super = strrchr(sep + 3, ' ');
		super = super ? super + 1 : sep + 3;
		if (!strncmp(f[5], "rw", 2) && (f[5][2] == ',' || !f[5][2]) &&
		    !strncmp(super, "rw", 2) && (super[2] == ',' || !super[2]))
			return 2;
		state = 1;
	}
	return state;
}

int agent_mount_state(const char *proc, unsigned int maj, unsigned int min)
{
	static char buf[65536];
	char path[PATH_MAX];
	size_t len = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/self/mountinfo", proc);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < sizeof(buf) - 1 && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return agent_mountinfo_state(buf, maj, min);
}
