/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Replacing a file whole, never leaving it half-written. No allocation. */
#ifndef DBDBOOT_ATOMIC_H
#define DBDBOOT_ATOMIC_H

#include <stddef.h>
#include <sys/stat.h>

/* Temporary files are NAME + DBD_TMP_INFIX + 8 random letters. */
#define DBD_TMP_INFIX ".dbdboot-tmp-"

/*
 * Write LEN bytes at BUF to a new temporary file beside NAME in the
 * directory DIRFD (created with O_EXCL|O_NOFOLLOW under an unpredictable
 * name, so that no link planted there is followed), fsync it, give it MODE,
 * and rename it over NAME; then fsync the directory. With EXPECT (not
 * NULL), the rename happens only while NAME is still the file EXPECT
 * describes (device, inode, size, change time): else -ESTALE, nothing
 * changed. Returns 0, or a negative errno with the temporary file removed
 * and NAME as it was.
 */
int dbd_replace_at(int dirfd, const char *name, const void *buf, size_t len, unsigned int mode,
		   const struct stat *expect);

/* The same, the content written by FILL(FD, CTX) (0 or a negative errno)
 * instead of from a buffer: for what is produced in pieces. */
int dbd_replace_at_fn(int dirfd, const char *name, int (*fill)(int fd, void *ctx), void *ctx,
		      unsigned int mode, const struct stat *expect);

/* Write all LEN bytes at BUF to FD (EINTR retried): 0 or a negative errno. */
int dbd_write_all(int fd, const void *buf, size_t len);

/* Is ENTRY a temporary file of dbd_replace_at() for NAME? */
int dbd_is_tmp_of(const char *entry, const char *name);

#endif
