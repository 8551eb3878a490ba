/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The manifest of tracked volumes: /etc/dbdboot/manifest, copied into the
 * initrd. Format: dbdboot-manifest(5). The parser allocates nothing: the
 * caller owns a struct dbd_manifest with fixed tables; the limits are below.
 */
#ifndef DBDBOOT_MANIFEST_H
#define DBDBOOT_MANIFEST_H

#include <stddef.h>

#define DBD_MANIFEST_VERSION		2	/* the newest version this parser reads (and 1) */
#define DBD_MANIFEST_MAX_VOLUMES	64	/* volume lines kept; more are errors */
#define DBD_MANIFEST_MAX_DEVICE		255	/* bytes of a device spec, unescaped */
#define DBD_MANIFEST_MAX_COW		1023	/* bytes of a COW path, unescaped */
#define DBD_MANIFEST_MAX_MOUNT		255	/* bytes of a mount point, unescaped */
#define DBD_MANIFEST_MAX_LINE		4095	/* bytes of a line */
#define DBD_MANIFEST_MAX_SIZE		(1024 * 1024)	/* bytes of a whole file */
#define DBD_MANIFEST_MAX_MINOR		254	/* dattobd has at most 255 minors */

enum dbd_mode {
	DBD_MODE_INCREMENTAL = 0,
	DBD_MODE_SNAPSHOT = 1,
};

/* How a volume's device is named in the manifest. */
enum dbd_dev_kind {
	DBD_DEV_PATH = 0,	/* /dev/... */
	DBD_DEV_UUID,		/* UUID=... (filesystem UUID) */
	DBD_DEV_PARTUUID,	/* PARTUUID=... */
	DBD_DEV_LABEL,		/* LABEL=... */
	DBD_DEV_NUMBER,		/* MAJOR:MINOR */
};

/* Where the volume must be reloaded (version 2, stage=): in the initramfs
 * (waited for there: the root, /usr, what the initramfs mounts), or in the
 * real root when its device appears there (reloaded in the initramfs only
 * if its device is there at the first look). */
enum dbd_stage {
	DBD_STAGE_INITRAMFS = 0,	/* also when absent */
	DBD_STAGE_ROOT = 1,
};

struct dbd_volume {
	enum dbd_mode mode;
	enum dbd_dev_kind dev_kind;
	char device[DBD_MANIFEST_MAX_DEVICE + 1];	/* as written, unescaped */
	const char *dev_value;		/* in device: past "UUID=" and the like */
	unsigned int dev_major, dev_minor;	/* DBD_DEV_NUMBER only */
	char cow[DBD_MANIFEST_MAX_COW + 1];	/* relative to the volume's root */
	unsigned int minor;
	unsigned long long cache_bytes;	/* 0: the driver's default */
	unsigned int line;		/* where it was read */
	/* Version 2: what dbdboot sync saw (by=sync marks the lines it wrote). */
	int has_uuid, has_seqid, by_sync;
	unsigned char uuid[16];		/* the COW file's uuid */
	unsigned long long seqid;
	enum dbd_stage stage;
	char mount[DBD_MANIFEST_MAX_MOUNT + 1];	/* mount=: where sync saw it mounted, or "" */
};

struct dbd_manifest {
	unsigned int version;		/* of the file read */
	unsigned int n;			/* volumes kept */
	unsigned int errors;		/* lines skipped as bad */
	unsigned int warnings;		/* unknown keys and the like */
	struct dbd_volume vol[DBD_MANIFEST_MAX_VOLUMES];
};

enum dbd_diag_level {
	DBD_DIAG_ERROR,		/* a line was skipped */
	DBD_DIAG_WARNING,	/* something was ignored */
};

/* Called for every problem found; LINE is 1-based (0: the file as a whole). */
typedef void (*dbd_diag_fn)(void *ctx, enum dbd_diag_level level, unsigned int line,
			    const char *msg);

/*
 * Parse LEN bytes of manifest text into M. Bad lines are reported through
 * DIAG (may be NULL) and skipped; the good ones are kept, in M->vol[0] to
 * M->vol[M->n - 1] (the entries past them are left as they were).
 * Returns 0, or:
 *   -EINVAL   no "dbdboot-manifest N" header line (not a manifest)
 *   -EPROTO   a version newer than DBD_MANIFEST_VERSION: nothing kept
 *   -EFBIG    LEN over DBD_MANIFEST_MAX_SIZE: nothing read
 */
int dbd_manifest_parse(const char *buf, size_t len, struct dbd_manifest *m, dbd_diag_fn diag,
		       void *ctx);

/* V->device (a path, UUID=, PARTUUID=, LABEL=, MAJOR:MINOR) into its
 * dev_kind, dev_value and numbers: 0, or -EINVAL when it is none of them. */
int dbd_manifest_device(struct dbd_volume *v);

const char *dbd_mode_str(enum dbd_mode mode);
const char *dbd_stage_str(enum dbd_stage stage);

#endif
