/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dbdboot-early: shared declarations. The agent allocates nothing: its
 * state is one fixed structure, mapped shared between the parent (which
 * leaves at the deadline whatever happens) and the worker child (which
 * does the work and may hang inside the kernel).
 */
#ifndef DBDBOOT_AGENT_H
#define DBDBOOT_AGENT_H

#include <stdarg.h>
#include <stdatomic.h>

#include "dbdboot-paths.h"
#include "fmt.h"
#include "manifest.h"
#include "modload.h"
#include "superblock.h"

/* Where the manifest is, in the initrd as on the host (dbdboot-paths.h). */
#define AGENT_MANIFEST_PATH	DBD_PATH_MANIFEST
#define AGENT_TIMEOUT_DEFAULT	10	/* seconds, dbdboot.timeout= */
#define AGENT_TIMEOUT_MAX	3600
#define AGENT_POLL_MS		50	/* device wait interval */
#define AGENT_WORKER_MARGIN_MS	300	/* the worker gives up this much before the deadline */
#define AGENT_FORK_TRIES	3	/* a fork failing with EAGAIN or ENOMEM, 10 ms apart */
#define AGENT_MODPARAMS_MAX	511	/* bytes of dattobd.* parameters passed on */
#define AGENT_PATH_MAX		256	/* bytes of a resolved device path */
#define AGENT_READ_STALL_MS	3000	/* a device read that takes longer: device left out */
#define AGENT_SCAN_MAX		128	/* block devices a UUID=/LABEL= search reads */
#define AGENT_STALLED_MAX	16	/* devices left out for not answering */

/* Kernel command line, as far as the agent cares. */
struct agent_cmdline {
	int off;			/* dbdboot=off */
	int timeout;			/* dbdboot.timeout=, 0 when absent or bad */
	int debug;			/* dbdboot.debug */
	char modparams[AGENT_MODPARAMS_MAX + 1];	/* "k=v k=v" from dattobd.k=v */
	int modparams_truncated;
};

typedef void (*agent_warn_fn)(void *ctx, const char *msg);
int agent_cmdline_parse(const char *text, struct agent_cmdline *out, agent_warn_fn warn, void *ctx);

struct agent_conf {
	const char *proc, *sys, *dev, *run;	/* trees; overridable for tests */
	const char *manifest;			/* AGENT_MANIFEST_PATH */
	const char *modules;			/* /lib/modules */
	const char *release;			/* NULL: uname -r */
	const char *kmsg;			/* /dev/kmsg; "-": stderr */
	const char *ctl;			/* NULL: DEV/datto-ctl */
	const char *phase;			/* "initramfs" or "after-switch-root" */
	const char *report;			/* NULL: RUN/dbdboot/early.json */
	int only_minor;				/* --minor: that volume alone, or -1 */
	int preload;				/* --preload: only start the module's load */
	int timeout;				/* seconds */
	int debug;
	struct agent_cmdline cmdline;
};

enum vol_outcome {
	V_PENDING = 0,		/* not looked at yet */
	V_WAITING,		/* device not there yet */
	V_RELOADING,		/* ioctl issued, not returned (a hang shows as this) */
	V_RELOADED,
	V_TOO_LATE,		/* already mounted read-write */
	V_NO_DEVICE,		/* did not appear before the deadline */
	V_FAILED,		/* the driver refused, or the module is missing */
	V_DEFERRED,		/* stage=root, not there in the initramfs: left to the real root */
	V_ALREADY,		/* the driver already holds this minor on this device */
	V_SKIPPED,		/* not the --minor asked for: not reported */
};

/* A volume's mount state when its reload was tried (mountinfo): a
 * read-only mount before it (the root in the real root) may have replayed
 * its journal untracked, and hidden that the journal needed it. */
enum vol_mount { VM_UNCHECKED = 0, VM_NOT, VM_READ_ONLY, VM_READ_WRITE, VM_UNKNOWN };

struct vol_state {
	enum vol_outcome outcome;
	enum vol_mount mounted;
	int error;			/* negative errno, or 0 */
	char path[AGENT_PATH_MAX];	/* resolved device */
	enum dbd_fs_type fstype;
	enum dbd_journal journal;
	long found_ms;			/* since start, when the device was there */
	long done_ms;			/* since start, when the outcome was known */
	long reload_ms;			/* the ioctl's own duration */
	int unanswered;			/* reads of its device that stalled */
	unsigned int stalled_round;	/* the worker's round of the last one */
	char message[160];
};

enum agent_ending { END_OPEN = 0, END_WORKER_DONE, END_PARENT_GONE };
enum mod_outcome { M_PENDING = 0, M_LOADING, M_ALREADY, M_LOADED, M_FAILED };
enum man_outcome { MF_PENDING = 0, MF_READ, MF_MISSING, MF_INVALID, MF_NEWER, MF_UNREADABLE };

struct agent_state {
	long start_ms;			/* CLOCK_MONOTONIC */
	enum mod_outcome module;
	int module_error;
	enum dbd_modload_how module_how;
	char module_path[DBD_MODPATH_MAX];
	long module_ms;
	/* The load started early (agent_preload): when it started and ended,
	 * in ms since this agent's start (negative: before it), and how long
	 * the worker waited for it; by_preload 0 when the worker loaded. */
	int by_preload;
	long load_started_ms, load_ended_ms, load_waited_ms;
	enum man_outcome manifest_outcome;
	int manifest_error;
	struct dbd_manifest manifest;
	struct vol_state vol[DBD_MANIFEST_MAX_VOLUMES];
	/* Who reports, settled once between the two processes (atomically, in
	 * the shared mapping): the worker that finished first, or the parent
	 * that reached the deadline first (the worker then writes a late
	 * report itself). */
	atomic_int ending;		/* enum agent_ending */
	long end_ms;			/* since start, when the report was written */
};

/* preload.c: dattobd's load started early, and the worker's wait for it. */
struct dbd_preload;
/* --preload: fork the load and return once it is recorded as started (C's
 * command line read: nothing at all with dbdboot=off). Always 0. */
int agent_preload(const struct agent_conf *c);
/* Wait, until CLOCK_MONOTONIC UNTIL_MS, for the early load recorded under
 * RUN/dbdboot: 1 it ended (P says how), 0 there is none to wait for (load
 * here), -ETIMEDOUT it is still loading. */
int agent_preload_wait(const struct agent_conf *c, long until_ms, struct dbd_preload *p);

/* log.c */
enum { LOG_ERR = 3, LOG_WARN = 4, LOG_INFO = 6, LOG_DEBUG = 7 };
void agent_log_open(const char *kmsg, int debug);
__attribute__((format(printf, 2, 3))) void agent_log(int level, const char *fmt, ...);
/* FMT to file descriptor FD, whole (help, version, usage errors): no stdio. */
__attribute__((format(printf, 2, 3))) void agent_out(int fd, const char *fmt, ...);
long agent_now_ms(void);

/* resolve.c: manifest device spec -> device node under conf->dev. */
int agent_resolve(const struct agent_conf *c, const struct dbd_volume *v, char *out, size_t size);
/* A new round: the search's pass and udev's records read again when
 * next needed. */
void agent_round_start(void);
/* The same within the worker's round: SCAN 0 never reads a disk (links,
 * numbers, paths only: -ENOENT when the search would be needed); 1 also
 * searches, with the round's one pass (agent_round_start starts a
 * round). -EAGAIN when this round's pass was cut short by a stalled read. */
int agent_resolve_in_round(const struct agent_conf *c, const struct dbd_volume *v, char *out,
			   size_t size, int scan);

/* scan.c: reads of block devices in a child, a stalled one left out. */
void agent_scan_invalidate(void);
/* The one device of this round's pass whose superblock has V's UUID or
 * label, members left out, into OUT: 0, -ENOENT, -EEXIST (both named in
 * OUT), -EAGAIN (the pass did not read every device). */
int agent_scan_match(const struct agent_conf *c, const struct dbd_volume *v, char *out,
		     size_t size);
/* dbd_fs_read of PATH, in a child: -ETIMEDOUT when no answer came within
 * LIMIT_MS (at most AGENT_READ_STALL_MS). */
int agent_fs_read_guarded(const struct agent_conf *c, const char *path, struct dbd_fs_info *fs,
			  long limit_ms);
/* dbd_fs_read of each of N device nodes PATHS, in order, in one child:
 * into FS[I], ERR[I] 0 (a filesystem the agent knows), -ENODATA (none),
 * -ETIMEDOUT (the one whose read did not answer within LIMIT_MS, at most
 * AGENT_READ_STALL_MS), -EAGAIN (not read: after that one, or N < 2).
 * One child for all: under TCG a fork costs more than the read. Always 0. */
int agent_fs_read_batch(const struct agent_conf *c, const char *const *paths, unsigned int n,
			struct dbd_fs_info *fs, int *err, long limit_ms);
/* FN(NAME, CTX) for each entry of DIR but "." names, without allocating
 * (getdents), until FN returns nonzero: that value; 0; -errno. */
int agent_each_entry(const char *dir, int (*fn)(const char *name, void *ctx), void *ctx);
/* Something stacked on block device NAME (SYS/class/block/NAME/holders)? */
int agent_has_holders(const struct agent_conf *c, const char *name);
/* The DEVNAME= of a sysfs uevent file's TEXT (changed in place), or NULL
 * when there is none or it is absolute or climbs out with "..". */
const char *agent_uevent_devname(char *text);
/* Mount state of MAJ:MIN from PROC/self/mountinfo: 0 not, 1 read-only, 2 read-write, <0 err. */
int agent_mount_state(const char *proc, unsigned int maj, unsigned int min);
/* Does dattobd list MINOR in PROC/datto-info? 0 no; 1 yes, or not known
 * (unreadable, over 64 KiB, not that file): then ask the driver. */
int agent_minor_listed(const char *proc, unsigned int minor);

/* clock.c: the worker's time, in ms since the agent's start; what is left
 * before its deadline (a margin before the parent's, so that the parent
 * reports a finished worker, not a stuck one); the control device. */
long agent_since(const struct agent_state *st);
long agent_time_left(const struct agent_conf *c, const struct agent_state *st);
int agent_past_deadline(const struct agent_conf *c, const struct agent_state *st);
void agent_sleep_ms(long ms);
const char *agent_ctl_path(const struct agent_conf *c, char *buf, size_t size);

/* module.c: dattobd loaded (the early load waited for, or loaded here),
 * into ST; the control device waited for. */
void agent_load_module(const struct agent_conf *c, struct agent_state *st);

/* work.c: the worker's steps. */
void agent_work(const struct agent_conf *c, struct agent_state *st);
/* Without a worker (ERR: why, a negative errno): the manifest read, every
 * volume reported not reloaded; nothing that can block. */
void agent_work_skipped(const struct agent_conf *c, struct agent_state *st, int err);

/* report.c */
int agent_report_write(const struct agent_conf *c, const struct agent_state *st, const char *status);
/* report-merge.c: the --minor volume's entry put into the report there is
 * (replacing that minor's, the others kept), under a lock; a new report
 * when there is none, or when it is not one the agent can read. */
int agent_report_merge(const struct agent_conf *c, const struct agent_state *st, const char *status);
/* The report's path (C->report, or RUN/dbdboot/early.json) and its directory. */
void agent_report_path(const struct agent_conf *c, char *dir, size_t dsize, char *path,
		       size_t psize);
/* Volume I's entry, as the report holds it, into BUF: its length, or 0
 * when it does not fit. */
size_t agent_report_volume(const struct agent_conf *c, const struct agent_state *st,
			   unsigned int i, char *buf, size_t size);
/* PATH (in DIR) replaced whole by what FN writes (dbd_replace_at_fn). */
int agent_report_replace(const char *dir, const char *path, int (*fn)(int fd, void *ctx), void *ctx);
/* mkdir -p PATH (changed and restored on the way): 0 or -errno. */
int agent_mkdir_p(char *path);
const char *agent_vol_outcome_str(enum vol_outcome o);
const char *agent_errno_name(int err);	/* "EINVAL" for -EINVAL */

#endif
