// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Superblock reading, read-only and without allocation. On-disk facts used:
 *
 * ext2/3/4: superblock at byte 1024, little endian. magic 0xef53 @0x38,
 *   feature_compat @0x5c (HAS_JOURNAL 0x4), feature_incompat @0x60
 *   (RECOVER 0x4: the journal holds transactions to replay), uuid @0x68,
 *   volume_name[16] @0x78.
 * XFS: superblock at byte 0, big endian. magic "XFSB", blocksize @4,
 *   uuid @32, logstart @48 (0: external log), agblocks @84, logblocks @96,
 *   fname[12] @108, agblklog @124. The internal log is a ring of 512-byte
 *   blocks, each starting with its cycle number (or, for a record header,
 *   magic 0xfeedbabe then the cycle). The head is where the cycle number
 *   drops; the log is clean when the record just before the head is a lone
 *   unmount record (one op, flag XLOG_UNMOUNT_TRANS 0x20) that ends there.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "le.h"
#include "superblock.h"

#define EXT_SB_OFFSET		1024
#define EXT_MAGIC		0xef53
#define EXT_COMPAT_HAS_JOURNAL	0x4
#define EXT_INCOMPAT_RECOVER	0x4

#define XFS_MAGIC		0x58465342u
#define XLOG_MAGIC		0xfeedbabeu
#define XLOG_UNMOUNT_TRANS	0x20
#define XLOG_VERSION_2		2
#define XLOG_HEADER_CYCLE_SIZE	32768
#define BB			512

static uint64_t be64(const unsigned char *p)
{
	return (uint64_t)dbd_be32(p) << 32 | dbd_be32(p + 4);
}

static void uuid_format(struct dbd_fs_info *fs)
{
	static const char hex[] = "0123456789abcdef";
	unsigned int i, o = 0;

	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			fs->uuid_str[o++] = '-';
		fs->uuid_str[o++] = hex[fs->uuid[i] >> 4];
		fs->uuid_str[o++] = hex[fs->uuid[i] & 0xf];
	}
	fs->uuid_str[o] = '\0';
}

static void label_copy(char *dst, const unsigned char *src, size_t n)
{
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int dbd_fs_probe(const unsigned char *buf, size_t len, struct dbd_fs_info *fs)
{
	memset(fs, 0, sizeof(*fs));
	if (len >= 4 && dbd_be32(buf) == XFS_MAGIC && len >= 128) {
		fs->type = DBD_FS_XFS;
		memcpy(fs->uuid, buf + 32, 16);
		label_copy(fs->label, buf + 108, 12);
		uuid_format(fs);
		return 0;
	}
	if (len >= EXT_SB_OFFSET + 0x88 && dbd_le16(buf + EXT_SB_OFFSET + 0x38) == EXT_MAGIC) {
		const unsigned char *sb = buf + EXT_SB_OFFSET;

		fs->type = DBD_FS_EXT;
		memcpy(fs->uuid, sb + 0x68, 16);
		label_copy(fs->label, sb + 0x78, 16);
		uuid_format(fs);
		if (!(dbd_le32(sb + 0x5c) & EXT_COMPAT_HAS_JOURNAL))
			fs->journal = DBD_JOURNAL_NONE;
		else if (dbd_le32(sb + 0x60) & EXT_INCOMPAT_RECOVER)
			fs->journal = DBD_JOURNAL_NEEDS_RECOVERY;
		else
			fs->journal = DBD_JOURNAL_CLEAN;
		return 0;
	}
	return -ENODATA;
}

struct xlog {
	int fd;
	uint64_t start;		/* byte offset of the log on the device */
	uint32_t blocks;	/* 512-byte blocks */
	unsigned char *buf;
	size_t size;
};

static int read_bb(struct xlog *l, uint32_t blk, unsigned char *out, size_t n)
{
	ssize_t r;

	if (blk >= l->blocks || n > (size_t)(l->blocks - blk) * BB)
		return -EINVAL;
	r = pread(l->fd, out, n, (off_t)(l->start + (uint64_t)blk * BB));
	if (r < 0)
		return -errno;
	return (size_t)r == n ? 0 : -EIO;
}

static int cycle_of(struct xlog *l, uint32_t blk, uint32_t *cycle)
{
	unsigned char b[8];
	int ret = read_bb(l, blk, b, sizeof(b));

	if (ret)
		return ret;
	*cycle = dbd_be32(b) == XLOG_MAGIC ? dbd_be32(b + 4) : dbd_be32(b);
	return 0;
}

int dbd_fs_check_xfs_log(int fd, const unsigned char *sb, struct dbd_fs_info *fs,
			 unsigned char *buf, size_t size)
{
	uint32_t blocksize = dbd_be32(sb + 4), agblocks = dbd_be32(sb + 84), logblocks = dbd_be32(sb + 96);
	uint64_t logstart = be64(sb + 48), agno, agbno;
	unsigned int agblklog = sb[124];
	uint32_t first, last, c, lo, hi, head, rec, hblks, len, nops;
	struct xlog l = { .fd = fd, .buf = buf, .size = size };
	int ret;

	fs->journal = DBD_JOURNAL_UNKNOWN;
	if (!logstart || blocksize < BB || blocksize > 65536 || agblklog > 31 || !logblocks ||
	    size < 65536)
		return -EINVAL;	/* external log, or nonsense */
	agno = logstart >> agblklog;
	agbno = logstart & ((1ull << agblklog) - 1);
	l.start = (agno * agblocks + agbno) * blocksize;
	if ((uint64_t)logblocks * (blocksize / BB) > 0xffffffffu)
		return -EINVAL;
	l.blocks = logblocks * (blocksize / BB);

	/* Head: the first block whose cycle is below the first block's. */
	ret = cycle_of(&l, 0, &first);
	if (!ret)
		ret = cycle_of(&l, l.blocks - 1, &last);
	if (ret)
		return ret;
	if (first == last) {
		head = 0;	/* wrapped exactly, or never written past one lap */
	} else {
		lo = 0;
		hi = l.blocks - 1;	/* cycle(lo) == first, cycle(hi) != first */
		while (hi - lo > 1) {
			uint32_t mid = lo + (hi - lo) / 2;

			ret = cycle_of(&l, mid, &c);
			if (ret)
				return ret;
			if (c == first)
				lo = mid;
			else
				hi = mid;
		}
		head = hi;
	}

	/* The last record header before the head (at most 256 KiB back). */
	for (rec = 1; rec <= 512 && rec <= l.blocks; rec++) {
		uint32_t blk = (head + l.blocks - rec) % l.blocks;

		ret = read_bb(&l, blk, buf, BB);
		if (ret)
			return ret;
		if (dbd_be32(buf) == XLOG_MAGIC)
			break;
	}
	if (rec > 512 || rec > l.blocks)
		return -ENOENT;	/* no record found: cannot tell */
	rec = (head + l.blocks - rec) % l.blocks;
	len = dbd_be32(buf + 12);
	nops = dbd_be32(buf + 40);
	hblks = 1;
	if ((dbd_be32(buf + 8) & XLOG_VERSION_2) && dbd_be32(buf + 320) > XLOG_HEADER_CYCLE_SIZE)
		hblks = (dbd_be32(buf + 320) + XLOG_HEADER_CYCLE_SIZE - 1) / XLOG_HEADER_CYCLE_SIZE;
	if (len > (uint32_t)l.blocks * BB)
		return -EINVAL;
	if ((rec + hblks + (len + BB - 1) / BB) % l.blocks != head || nops != 1) {
		fs->journal = DBD_JOURNAL_NEEDS_RECOVERY;
		return 0;
	}
	/* The op header starts the record's first data block; oh_flags at byte 9. */
	ret = read_bb(&l, (rec + hblks) % l.blocks, buf, BB);
	if (ret)
		return ret;
	fs->journal = (buf[9] & XLOG_UNMOUNT_TRANS) ? DBD_JOURNAL_CLEAN : DBD_JOURNAL_NEEDS_RECOVERY;
	return 0;
}

int dbd_fs_read(const char *path, struct dbd_fs_info *fs)
{
	static unsigned char scratch[65536];
	unsigned char sb[DBD_SB_PROBE_SIZE];
	ssize_t n;
	int fd, ret;

	memset(fs, 0, sizeof(*fs));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, sb, sizeof(sb), 0);
	if (n < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	ret = dbd_fs_probe(sb, (size_t)n, fs);
	if (!ret && fs->type == DBD_FS_XFS)
		dbd_fs_check_xfs_log(fd, sb, fs, scratch, sizeof(scratch));
	close(fd);
	return ret;
}

const char *dbd_journal_str(enum dbd_journal j)
{
	switch (j) {
	case DBD_JOURNAL_NONE:
		return "none";
	case DBD_JOURNAL_CLEAN:
		return "clean";
	case DBD_JOURNAL_NEEDS_RECOVERY:
		return "needs-recovery";
	case DBD_JOURNAL_UNKNOWN:
		break;
	}
	return "unknown";
}

const char *dbd_fs_type_str(enum dbd_fs_type t)
{
	switch (t) {
	case DBD_FS_EXT:
		return "ext";
	case DBD_FS_XFS:
		return "xfs";
	case DBD_FS_UNKNOWN:
		break;
	}
	return "unknown";
}
