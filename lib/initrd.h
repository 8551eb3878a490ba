/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading initrds as the kernel does: concatenated cpio "newc" archives,
 * each raw or compressed (gzip, xz, lzma, zstd, lz4 legacy, bzip2), zero padding
 * between them; early microcode comes first as a raw archive. Host side
 * (allocates; dbdboot status and inject use it).
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

#endif
