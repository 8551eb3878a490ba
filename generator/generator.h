/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dbdboot-generator: a systemd generator (systemd.generator(7)). It runs
 * in the real root before any unit starts, reads the manifest, the
 * initramfs phase's report (/run/dbdboot/early.json) and /etc/fstab, and
 * writes one unit per volume that the initramfs did not reload, ordered
 * against that volume's device alone. See doc/dbdboot-generator.8.
 */
#ifndef DBDBOOT_GENERATOR_H
#define DBDBOOT_GENERATOR_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "manifest.h"

#define GEN_FSTAB_MAX		128	/* fstab entries naming one volume's device that are kept */
#define GEN_UNIT_MAX		16384	/* bytes of one unit file */
#define GEN_TIMEOUT_MARGIN	30	/* seconds over the agent's deadline, for its unit */

struct gen_conf {
	const char *root;	/* "" for /, else a tree (DBDBOOT_GENERATOR_ROOT) */
	const char *dir;	/* the normal generator directory */
	const char *agent;	/* the agent's installed path */
	int timeout;		/* the agent's deadline, seconds */
};

/* What the initramfs phase said about one volume (its report entry). */
enum gen_done { GEN_TODO = 0, GEN_DONE, GEN_HOPELESS };

/* match.c: which fstab entries name a volume's device (see there). */
enum gen_names { GEN_NAMES_OTHER = 0, GEN_NAMES_IT, GEN_NAMES_MAYBE };
struct gen_match {
	const struct gen_conf *c;
	const struct dbd_volume *v;
	char dev[PATH_MAX];	/* the volume's /dev path, "" when it has none */
	dev_t num;		/* its device number, when THERE */
	int there;		/* its device is there now */
};
void gen_match_start(struct gen_match *m, const struct gen_conf *c, const struct dbd_volume *v);
/* An fstab entry (SPEC, its /dev PATH, its mount point FILE): the volume's,
 * another device's, or unknown (its device is not there). */
enum gen_names gen_match_entry(struct gen_match *m, const char *spec, const char *path,
			       const char *file);
/* Whether the unit is started with the boot (by dbdboot-volumes.target):
 * its device is there, or NAMED fstab entries are the volume's (their
 * mounts wait for the device anyway). Else only the device's appearance
 * starts it, so that no job waits for a disk that is gone. */
int gen_match_at_boot(const struct gen_match *m, unsigned int named);

/* units.c: write VOLUME's unit and its links. FSTAB_FILES: the mount
 * points of the fstab entries naming its device, FSTAB_SPECS their device
 * paths; MORE: there were more than GEN_FSTAB_MAX. Never dropped for its
 * size: when its mounts cannot all be named (MORE, or a unit past
 * GEN_UNIT_MAX bytes), it goes before every local mount (said). AT_BOOT:
 * started with the boot as well as by its device (gen_match_at_boot). 0,
 * or a negative errno (said). */
int gen_write_unit(const struct gen_conf *c, const struct dbd_volume *v,
		   const char *const *fstab_files, const char *const *fstab_specs, unsigned int nfstab,
		   int more, int at_boot);
/* The target that pulls the units into the boot without waiting for them. */
int gen_write_target(const struct gen_conf *c);
/* DIR/NAME replaced atomically by LEN bytes of BUF (mode 0644): 0 or -errno. */
int gen_replace(const char *dir, const char *name, const char *buf, size_t len);
/* Whether the initramfs mounts the volume (the root or /usr: its own
 * mount= or one of its fstab mount points FILES). */
int gen_initramfs_mounted(const struct dbd_volume *v, const char *const *files, unsigned int n);

/* mount2.c: keep VOLUME's fstab mounts (FILES) and, when it is the root or
 * /usr, systemd-remount-fs on mount(2) (LIBMOUNT_FORCE_MOUNT2=always in
 * drop-ins): dattobd sees no mount made with the new mount API. For every
 * volume of the manifest, reloaded by the initramfs or not. 0, or a
 * negative errno (said). */
int gen_write_mount2(const struct gen_conf *c, const struct dbd_volume *v,
		     const char *const *files, unsigned int n);

/* main.c */
__attribute__((format(printf, 1, 2))) void gen_say(const char *fmt, ...);

#endif
