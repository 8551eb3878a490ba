/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading initrds as the kernel does: concatenated cpio "newc" archives,
 * each raw or compressed (gzip, xz, lzma, zstd, lz4 legacy, bzip2, lzo),
 * zero padding between them; early microcode comes first as a raw archive.
 * As strict as the kernel's unpacker (init/initramfs.c): a raw archive
 * starts on a 4-byte boundary with '0', anything else that is not zero is
 * a compressed segment chosen by its first two bytes, each compressed
 * segment ends where the kernel's decoder stops (kernel-unpack.h), and what
 * the kernel would stop at is an error here. Host side (allocates; dbdboot
 * status and inject use it).
 */
#ifndef DBDBOOT_INITRD_H
#define DBDBOOT_INITRD_H

#include <stddef.h>
#include <stdint.h>

#include "unpack.h"

struct dbd_initrd_entry {
	const char *name;		/* without a leading "./" */
	uint32_t mode;
	const unsigned char *data;	/* for regular files and symlinks */
	size_t size;
	unsigned int segment;		/* 0-based, in the file */
	enum dbd_comp comp;		/* of that segment */
	size_t segment_offset;		/* where that segment starts in the file */
};

/* Return non-zero to stop the walk (dbd_initrd_walk then returns it). */
typedef int (*dbd_initrd_cb)(void *ctx, const struct dbd_initrd_entry *e);

/* Where one segment lies in the file: START is its first byte, END the byte
 * after the last one the kernel's decoder takes (zero padding follows). */
struct dbd_initrd_segment {
	unsigned int index;
	enum dbd_comp comp;
	size_t start, end;
	int cut;	/* only a prefix was unpacked (dbd_initrd_walk_prefix) */
};
typedef int (*dbd_initrd_seg_cb)(void *ctx, const struct dbd_initrd_segment *s);

/*
 * Walk every entry of every segment of the LEN bytes at BUF. Returns 0, the
 * callback's non-zero value, or a negative errno with words in ERR:
 *   -EBADMSG   a truncated or corrupt archive or stream
 *   -EFBIG     a segment unpacks to more than dbd_unpack_max_out
 *   -ENOMEM
 * Entries seen before an error have been given to CB.
 */
int dbd_initrd_walk(const unsigned char *buf, size_t len, dbd_initrd_cb cb, void *ctx,
		    char *err, size_t errlen);
/* The same, and SEG_CB (if not NULL) after each segment's last entry. */
int dbd_initrd_walk_segments(const unsigned char *buf, size_t len, dbd_initrd_cb cb,
			     dbd_initrd_seg_cb seg_cb, void *ctx, char *err, size_t errlen);

/*
 * The same, but of each zstd segment only the first PREFIX unpacked bytes
 * (0: all): the segment's end comes from its frame's block headers, so
 * where segments lie is known without unpacking them; only the entries
 * wholly inside the prefix are given, and the segment's SEG_CB says cut.
 * What lies past the prefix is not checked: a walk without one does that.
 */
int dbd_initrd_walk_prefix(const unsigned char *buf, size_t len, size_t prefix,
			   dbd_initrd_cb cb, dbd_initrd_seg_cb seg_cb, void *ctx, char *err,
			   size_t errlen);

#endif
