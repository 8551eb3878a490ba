/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dbdboot: the installed kernels and what each one has. */
#ifndef DBDBOOT_KERNEL_H
#define DBDBOOT_KERNEL_H

#include <limits.h>

#define KVER_MAX 128
#define MAX_KERNELS 64

enum sysmap_state {
	SYSMAP_MISSING,		/* none where the driver's build looks */
	SYSMAP_PLACEHOLDER,	/* Debian's 83-byte stand-in, or not a map */
	SYSMAP_REAL,		/* shipped or installed by someone else */
	SYSMAP_RECOVERED,	/* written by dbdboot sysmap */
};

struct kernel {
	char kver[KVER_MAX];
	int image;		/* /boot/vmlinuz-K */
	int modules;		/* /lib/modules/K/kernel or modules.dep */
	int headers;		/* /lib/modules/K/build/Makefile */
	enum sysmap_state sysmap;
	char sysmap_path[PATH_MAX];	/* the one that counts, root-relative */
};

/* A release string we accept: no '/', not "." or "..", printable, short. */
int kver_valid(const char *kver);
/* The kernels under --root: union of /boot/vmlinuz-*, /lib/modules/<dir>;
 * sorted by version. Returns how many (up to MAX), or <0. */
int kernels_list(char (*out)[KVER_MAX], int max);
int kernel_probe(const char *kver, struct kernel *k);
const char *sysmap_state_str(enum sysmap_state s);
/* Is the file at PATH (absolute, with the root) a real System.map? */
enum sysmap_state sysmap_classify(const char *path);

/*
 * What dbdboot wrote for a kernel is recorded under
 * STATE_DIR/kernels/KVER/ (one small file a thing), so that removing the
 * kernel removes exactly that and status can tell "recovered" from "real".
 */
char *state_path(char *out, const char *kver, const char *name);
/* STATE/kernels/KVER/NAME emptied (its folder made), for a program's output
 * to be appended to: its path into OUT (PATH_MAX bytes), returned. */
char *state_log(char *out, const char *kver, const char *name);
int state_write(const char *kver, const char *name, const char *text);
int state_has(const char *kver, const char *name);
/* A cache there, written without the lock (write_cache). */
int state_cache(const char *kver, const char *name, const char *text);
#define i_wrote_sysmap(kver) state_has(kver, "System.map")

#endif
