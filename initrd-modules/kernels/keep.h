/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DBDBOOT_KEEP_H
#define DBDBOOT_KEEP_H

/*
 * The module installed before a rebuild, kept on disk until its successor
 * is verified (dkms unbuild deletes it, and dkms 3.0 will not install over
 * a module of the same version): STATE_DIR/kernels/KVER/kept-module (its
 * bytes) and kept-module.path (where it was installed), written in that
 * order and removed in the other, so a path record always has its bytes.
 * A rebuild killed at any point leaves the module in place, or the copy,
 * which the next rebuild or inject for the kernel puts back (keep_recover).
 * All under the lock; functions return 0 or -errno after saying why.
 */
struct module_facts;

/* Keep a copy of M (installed for KVER); nothing to keep when not found. */
int keep_save(const char *kver, const struct module_facts *m);
/* Is a copy kept for KVER? Its install path into PATH (N bytes) when so. */
int keep_pending(const char *kver, char *path, size_t n);
enum keep_why {
	KEEP_BUILDING,		/* dkms unbuild removed it: back for the build */
	KEEP_FAILED,		/* the build, install or checks failed */
	KEEP_INTERRUPTED,	/* a rebuild was killed */
};
/* The kept module back where it was (unless the same bytes are there),
 * depmod run, and WHY said. */
int keep_restore(const char *kver, enum keep_why why);
/* Take the kept module away from its install path, for dkms install. */
int keep_take_away(const char *kver);
/* The successor is verified: the copy goes. */
void keep_drop(const char *kver);
/* A copy left by a killed run: dropped when a verified module is installed,
 * else put back. */
int keep_recover(const char *kver);

#endif
