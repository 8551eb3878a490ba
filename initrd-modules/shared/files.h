/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dbdboot: writing files (see files.c). PATH is a host path, as rpath()
 * makes it: one under --root is resolved inside the root, any other (a file
 * the user named) as it is.
 */
#ifndef DBDBOOT_FILES_H
#define DBDBOOT_FILES_H

#include <stddef.h>
#include <sys/stat.h>

/*
 * Replace PATH whole with LEN bytes (MODE): a new file beside it under an
 * unpredictable name (O_EXCL|O_NOFOLLOW), fsync, rename, fsync of the
 * directory; missing directories are made. Takes the lock first (it is
 * held until the process ends), and removes temporary files of PATH that
 * a killed run left. With EXPECT, PATH must still be the file EXPECT
 * describes when the new one replaces it: else -ESTALE and nothing changed
 * (someone else wrote it since it was read).
 */
int write_atomic(const char *path, const void *buf, size_t len, unsigned int mode);
int write_atomic_expect(const char *path, const void *buf, size_t len, unsigned int mode,
			const struct stat *expect);
/* The same without the lock, for caches only: a file any run may write
 * again from what it read, and whose reader checks that it still holds. */
int write_cache(const char *path, const void *buf, size_t len);
/* Which file ST is, in words that change whenever it is replaced or
 * written (device, inode, size, modification and change times). */
void file_identity(const struct stat *st, char *out, size_t n);
/* Remove the file (or, with DIR, the empty directory) PATH, its directory
 * resolved inside the root when under it: 0 or a negative errno. */
int remove_path(const char *path, int dir);
/* Make PATH and its missing parents (inside the root when under it). */
int mkdir_p(const char *path, unsigned int mode);

/*
 * The lock of the root's /var/lib/dbdboot/writer.lock: one dbdboot run writes at a
 * time. Waits for another run up to DBDBOOT_TIMEOUT_LOCK seconds (default
 * 2400), saying whom it waits for; 0, or -ETIME and says so. Held until the
 * process ends; taking it again is a no-op.
 */
int dbd_lock(void);
/* The same, but a lock still held after the wait is -ETIME, unsaid. */
int dbd_lock_quiet(void);
/* From now on this run writes without the lock (dbd_lock is a no-op):
 * for a run that only ever replaces whole files, when another holds it. */
void dbd_lock_waive(void);

#endif
