/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The text of /proc/datto-info (format: ../include/dbdboot/dattobd.h and
 * doc/dbdboot.8): one object per minor the driver knows. The driver does
 * not escape strings; a value runs from its first quote to the last quote
 * on its line. The parser allocates nothing; the limits are below.
 */
#ifndef DBDBOOT_DATTOINFO_H
#define DBDBOOT_DATTOINFO_H

#include <stddef.h>
#include <stdint.h>

#define DBD_DATTOINFO_MAX_DEVICES	255	/* the driver's own limit of minors */
#define DBD_DATTOINFO_MAX_PATH		1023	/* bytes of a COW path or device path kept */
#define DBD_DATTOINFO_MAX_SIZE		(4u << 20)	/* bytes of a whole text */

struct dbd_datto_dev {
	unsigned int minor;
	char cow[DBD_DATTOINFO_MAX_PATH + 1];	/* relative to the volume's root */
	char bdev[DBD_DATTOINFO_MAX_PATH + 1];
	int has_seqid, has_uuid, has_error, has_state;
	unsigned long long seqid;
	unsigned long long max_cache;	/* bytes; 0 when absent */
	unsigned char uuid[16];
	int error;		/* negative errno, 0 when absent */
	unsigned long state;	/* DBD_STATE_* bits */
	int bad;		/* a line of it could not be read: do not trust it */
};

struct dbd_datto_info {
	char version[32];
	unsigned int n;
	unsigned int bad_lines;
	struct dbd_datto_dev dev[DBD_DATTOINFO_MAX_DEVICES];
};

/* Called for every line that could not be read (LINE is 1-based). */
typedef void (*dbd_dattoinfo_diag_fn)(void *ctx, unsigned int line, const char *msg);

/*
 * Parse LEN bytes of /proc/datto-info text into OUT. A device with a bad
 * line is kept with .bad set (its minor, when read, is still known). A
 * device without "minor" or without "block_device" is dropped and counted.
 * Returns 0, or -EINVAL (not that file: no "devices" list), -EFBIG (LEN
 * over the limit), -E2BIG (more devices than the table holds; the first
 * ones are kept).
 */
int dbd_dattoinfo_parse(const char *buf, size_t len, struct dbd_datto_info *out,
			dbd_dattoinfo_diag_fn diag, void *ctx);

/*
 * Does the text of /proc/datto-info in BUF (LEN bytes, no NUL needed) list
 * MINOR (a "minor": N of any device)? Reads no more than that key, so it
 * needs no table. Returns 1 yes, 0 no, -EINVAL when it is not that file
 * (no "devices").
 */
int dbd_dattoinfo_lists_minor(const char *buf, size_t len, unsigned int minor);

#endif
