/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing tar archives (ustar, owner root) and gzip streams in memory: the
 * dbdboot bundle and the module packages (debfmt.h). Host side (allocates).
 */
#ifndef DBDBOOT_TARW_H
#define DBDBOOT_TARW_H

#include <stddef.h>

#include "unpack.h"

/* A name longer than this, or one that cannot be split at a '/' into
 * ustar's prefix (155) and name (100), is refused. */
#define DBD_TAR_MAX_NAME 255

struct dbd_tarw {
	struct dbd_buf out;	/* the archive so far; free out.p */
	long long mtime;	/* of every member */
	int owner_names;	/* 1: uname and gname "root" (dpkg's archives) */
	int err;		/* the first error; later calls do nothing */
};

/* A member of the archive: TYPE '0' a file (DATA, SIZE), '5' a folder
 * (NAME ending in '/'). MODE its permission bits. */
void dbd_tar_add(struct dbd_tarw *t, const char *name, char type, unsigned int mode,
		 const void *data, size_t size);
/* The two zero blocks that end it: 0, or the first error (-ENOMEM,
 * -ENAMETOOLONG). */
int dbd_tar_end(struct dbd_tarw *t);

/* IN as one gzip stream (level 9, no name, mtime 0: the same bytes each
 * time) into *OUT (malloc'ed, *OLEN bytes): 0, -ENOMEM, -EIO. */
int dbd_gzip(const unsigned char *in, size_t len, unsigned char **out, size_t *olen);

#endif
