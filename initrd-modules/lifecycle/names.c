// SPDX-License-Identifier: GPL-2.0-or-later
/* dbdboot: naming a tracked device for the manifest (names.h). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "dbdboot.h"
#include "mountinfo.h"
#include "names.h"
#include "rootpath.h"
#include "superblock.h"

const char *name_kind_str(enum name_kind k)
{
	static const char *const s[] = { "filesystem UUID", "device-mapper name", "PARTUUID",
					 "by-id link", "kernel name" };

	return k <= NAME_KERNEL ? s[k] : "?";
}

static int all_zero(const unsigned char *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

/* The /dev/mapper name of device RDEV, from sysfs; 0 or -ENOENT. */
static int mapper_name(dev_t rdev, char *out, size_t size)
{
	char p[PATH_MAX], *buf = NULL;
	size_t len;
	int ret;

	rpath(p, "/sys/dev/block/%u:%u/dm/name", major(rdev), minor(rdev));
	ret = read_file(p, 256, (unsigned char **)&buf, &len);
	if (ret)
		return -ENOENT;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	ret = len && !strchr(buf, '/') ? 0 : -ENOENT;
	if (!ret)
		snprintf(out, size, "/dev/mapper/%s", buf);
	free(buf);
	return ret;
}

/* The first entry (by name) of DIR whose device is RDEV: PREFIX + its name. */
static int link_to(const char *dir, const char *prefix, dev_t rdev, char *out, size_t size)
{
	struct dirent **ents;
	char p[PATH_MAX], d[PATH_MAX];
	struct stat st;
	int n, found = -ENOENT;

	n = scandir(rpath(d, "%s", dir), &ents, NULL, alphasort);
	if (n < 0)
		return -ENOENT;
	for (int i = 0; i < n; i++) {
		if (found && ents[i]->d_name[0] != '.' &&
		    snprintf(p, sizeof(p), "%s/%s", d, ents[i]->d_name) < (int)sizeof(p) &&
		    !stat(p, &st) && S_ISBLK(st.st_mode) && st.st_rdev == rdev &&
		    !strchr(ents[i]->d_name, ' ')) {
			snprintf(out, size, "%s%s", prefix, ents[i]->d_name);
			found = 0;
		}
		free(ents[i]);
	}
	free(ents);
	return found;
}

int volume_name(const char *bdev, char *out, size_t size)
{
	struct dbd_fs_info fs;
	struct stat st;
	char p[PATH_MAX];

	rpath(p, "%s", bdev);
	if (stat(p, &st))
		return -errno;
	if (!dbd_fs_read(p, &fs) && !all_zero(fs.uuid, sizeof(fs.uuid))) {
		snprintf(out, size, "UUID=%s", fs.uuid_str);
		return NAME_UUID;
	}
	if (S_ISBLK(st.st_mode)) {
		if (!mapper_name(st.st_rdev, out, size))
			return NAME_MAPPER;
		if (!link_to("/dev/disk/by-partuuid", "PARTUUID=", st.st_rdev, out, size))
			return NAME_PARTUUID;
		if (!link_to("/dev/disk/by-id", "/dev/disk/by-id/", st.st_rdev, out, size))
			return NAME_BY_ID;
	}
	snprintf(out, size, "%s", bdev);
	return NAME_KERNEL;
}

void volume_place(const char *bdev, enum dbd_stage *stage, char *mount, size_t size)
{
	char p[PATH_MAX], *text = NULL, *copy;
	struct stat st;
	size_t len;
	int ret;

	if (stat(rpath(p, "%s", bdev), &st) || !S_ISBLK(st.st_mode) ||
	    read_file(rpath(p, "/proc/self/mountinfo"), 4u << 20, (unsigned char **)&text, &len))
		return;
	copy = strdup(text);
	ret = dbd_mountinfo_boot(text, major(st.st_rdev), minor(st.st_rdev));
	if (ret >= 0) {
		*stage = ret ? DBD_STAGE_INITRAMFS : DBD_STAGE_ROOT;
		if (copy)
			dbd_mountinfo_mountpoint(copy, major(st.st_rdev), minor(st.st_rdev), mount, size);
	}
	free(copy);
	free(text);
}
