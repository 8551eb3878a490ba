/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dbdboot, the host utility: the base every layer uses (options, messages,
 * reading files, JSON). Functions return 0 or a negative errno and say
 * what failed; only the command line (cli.h: the commands, their loop
 * over kernels) maps to exit codes.
 */
#ifndef DBDBOOT_HOST_H
#define DBDBOOT_HOST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dbdboot-paths.h"

#define DKMS_MODULE "dattobd"
/* The endings of the module's file, as kmod and mkinitramfs know them. */
#define MODULE_EXTS { ".ko", ".ko.xz", ".ko.zst", ".ko.gz" }
/* The installed paths (make writes dbdboot-paths.h from its variables). */
#define MANIFEST_PATH DBD_PATH_MANIFEST
#define AGENT_PATH DBD_PATH_AGENT
#define STATE_DIR "/var/lib/dbdboot"

#ifndef DBDBOOT_VERSION
#define DBDBOOT_VERSION "0"
#endif

struct opts {
	const char *root;	/* "" for / ; else the tree, without a trailing / */
	int json;
	int quiet;
	int verbose;	/* -v */
	const char *command;	/* the subcommand, for the lock's record */
	int changes_nothing;	/* set by a run that only reads (sync --check, bundle
				 * export): no readiness_update after it */
};
extern struct opts opt;

/*
 * Messages: to stderr, prefixed "dbdboot: ". They only print: a function
 * that fails says why with ERR ("could not VERB 'OBJECT': reason") and
 * returns its negative errno on its own line. info is silenced by -q;
 * VERBOSE prints only with -v (what runs, what each step took).
 */
__attribute__((format(printf, 1, 2))) void info(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void warn(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void say_error(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void say_verbose(const char *fmt, ...);
/* One line to the kernel log (/dev/kmsg under the root; nothing when it
 * cannot be opened), "dbdboot: " before it, LEVEL its priority (4 warning). */
__attribute__((format(printf, 2, 3))) void kmsg(int level, const char *fmt, ...);
#define ERR(...) say_error(__VA_ARGS__)
/* The first ERR of this run ("" when none); cleared (the unit tests). */
const char *first_error(void);
void first_error_clear(void);
#define VERBOSE(...) (opt.verbose ? say_verbose(__VA_ARGS__) : (void)0)

/* Seconds on the monotonic clock, to time steps with. */
double now_s(void);

/* Read a whole file (up to MAX bytes) into a malloc'ed buffer, NUL-terminated;
 * read_file_st also gives the stat of what was read (OUT). */
int read_file(const char *path, size_t max, unsigned char **buf, size_t *len);
/* The first line of a small file (sysfs, procfs) into OUT, without its
 * newline: 0, or <0 with OUT "". */
int read_line(const char *path, char *out, size_t size);
struct stat;
int read_file_st(const char *path, size_t max, unsigned char **buf, size_t *len,
		 struct stat *out);
/* The line of TEXT (NULL: none) that starts with START ("CONFIG_X=", "KVER "):
 * a pointer to what follows START, or NULL. */
const char *line_after(const char *text, const char *start);
/* Does TEXT hold LINE ("CONFIG_X=y") as a whole line? */
int has_line(const char *text, const char *line);
/* Writing files: files.h. */

/* JSON to stdout (or to the stream given to json_to; NULL: stdout again):
 * a small writer that places the commas. */
void json_to(FILE *f);
void json_open(const char *key);	/* an object; KEY NULL inside arrays/top */
void json_array(const char *key);
void json_close(void);			/* either */
void json_str(const char *key, const char *val);	/* NULL val: null */
void json_int(const char *key, long long val);
void json_bool(const char *key, int val);
void json_end(void);			/* newline after the top-level value */
/* With -J, after the command: a command that printed no JSON document
 * prints {"command", "exit", "error"} (its first ERR, else WHY, which may
 * be NULL); one left open is closed. A script reading -J's stdout always
 * has a document to parse. */
void json_finish(const char *command, int exit_status, const char *why);

#endif
