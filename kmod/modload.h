/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loading a kernel module without libkmod and without malloc, for the
 * early agent: modules.dep lookup, finit_module(2), in-kernel
 * decompression, and modprobe as the last resort for compressed modules
 * the kernel cannot decompress.
 */
#ifndef DBDBOOT_MODLOAD_H
#define DBDBOOT_MODLOAD_H

#include <stddef.h>

#define DBD_MODDEP_MAX_DEPS	16	/* dependencies followed per module */
#define DBD_MODPATH_MAX		512

struct dbd_modload_paths {
	const char *sys;	/* /sys */
	const char *modules;	/* /lib/modules */
	const char *release;	/* kernel release; NULL: uname -r */
	const char *modprobe;	/* NULL: search /sbin, /usr/sbin, /bin */
};

/* One modules.dep entry: paths relative to /lib/modules/RELEASE. */
struct dbd_moddep {
	char path[DBD_MODPATH_MAX];
	unsigned int ndeps;
	char deps[DBD_MODDEP_MAX_DEPS][DBD_MODPATH_MAX];
};

/*
 * Find NAME (dattobd, or a dependency's name) in the modules.dep text that
 * the reader gives, line by line from FD. Returns 0, -ENOENT (not listed),
 * -E2BIG (a line or a dependency list over the limits), or a read error.
 */
int dbd_moddep_find(int fd, const char *name, struct dbd_moddep *out);

/* Parse one modules.dep line; 1 when its module is NAME, 0 if another, <0 bad. */
int dbd_moddep_line(const char *line, const char *name, struct dbd_moddep *out);

/* The module name of a path: "kernel/a/foo-bar.ko.zst" gives "foo_bar". */
void dbd_modname(const char *path, char *name, size_t size);

enum dbd_modload_how {
	DBD_MODLOAD_ALREADY = 0,	/* /sys/module/NAME was there */
	DBD_MODLOAD_FINIT,		/* finit_module on the file */
	DBD_MODLOAD_FINIT_COMPRESSED,	/* finit_module, kernel decompressed */
	DBD_MODLOAD_MODPROBE,		/* compressed, kernel cannot: modprobe */
};

struct dbd_modload_result {
	enum dbd_modload_how how;
	char path[DBD_MODPATH_MAX];	/* absolute path of the module file */
	int error;			/* negative errno when it failed */
	char failed_dep[64];		/* name of the dependency that failed */
};

/*
 * Load module NAME and its dependencies with PARAMS (may be "").
 * Returns 0 or a negative errno; RES says how, which file, and what failed.
 */
int dbd_modload(const struct dbd_modload_paths *p, const char *name, const char *params,
		struct dbd_modload_result *res);

/* Words for a finit_module errno: "built for another kernel", ... */
const char *dbd_modload_strerror(int err);

#endif
