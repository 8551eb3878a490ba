/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Read a filesystem's superblock from a block device, read-only: its type,
 * UUID, label, and whether its journal needs recovery (what the mount will
 * replay is written before dattobd's tracking is active, so it is missed).
 */
#ifndef DBDBOOT_SUPERBLOCK_H
#define DBDBOOT_SUPERBLOCK_H

#include <stddef.h>

enum dbd_fs_type {
	DBD_FS_UNKNOWN = 0,
	DBD_FS_EXT,		/* ext2, ext3, ext4 */
	DBD_FS_XFS,
};

enum dbd_journal {
	DBD_JOURNAL_UNKNOWN = 0,	/* not checked, or cannot tell */
	DBD_JOURNAL_NONE,		/* the filesystem has no journal */
	DBD_JOURNAL_CLEAN,
	DBD_JOURNAL_NEEDS_RECOVERY,
};

struct dbd_fs_info {
	enum dbd_fs_type type;
	enum dbd_journal journal;
	unsigned char uuid[16];
	char uuid_str[37];	/* 8-4-4-4-12, lower case */
	char label[17];
};

/* Bytes that dbd_fs_probe needs from the start of the device. */
#define DBD_SB_PROBE_SIZE 2048

/*
 * Identify the filesystem from the first DBD_SB_PROBE_SIZE bytes of a device
 * (fewer is fine: what does not fit is unknown). Returns 0, or -ENODATA when
 * no known filesystem is there. The XFS journal needs reads elsewhere:
 * see dbd_fs_check_xfs_log.
 */
int dbd_fs_probe(const unsigned char *buf, size_t len, struct dbd_fs_info *fs);

/*
 * Judge an XFS internal log from the device open at FD (read-only, pread
 * only); sets fs->journal. BUF of SIZE bytes (at least 64 KiB) is scratch.
 * Returns 0 or a negative errno (fs->journal stays unknown).
 */
int dbd_fs_check_xfs_log(int fd, const unsigned char *sb, struct dbd_fs_info *fs,
			 unsigned char *buf, size_t size);

/* Open PATH read-only, probe it, and for XFS check its log. */
int dbd_fs_read(const char *path, struct dbd_fs_info *fs);

const char *dbd_journal_str(enum dbd_journal j);
const char *dbd_fs_type_str(enum dbd_fs_type t);

#endif
