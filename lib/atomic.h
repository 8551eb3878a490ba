/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Replacing a file whole, never leaving it half-written. No allocation. */
#ifndef DBDBOOT_ATOMIC_H
#define DBDBOOT_ATOMIC_H

#include <stddef.h>

/*
 * Write LEN bytes at BUF to TMP (created with MODE), fsync it, and rename
 * it over PATH. Returns 0, or a negative errno with TMP removed and PATH as
 * it was. The caller picks TMP (same directory as PATH) and syncs the
 * directory if the rename itself must survive a crash.
 */
int dbd_replace_file(const char *path, const char *tmp, const void *buf, size_t len,
		     unsigned int mode);

#endif
