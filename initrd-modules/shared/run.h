/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dbdboot: running the programs it needs (dkms, depmod, the initrd
 * generators), each under a stated deadline. A program that is still
 * running at its deadline is stopped with its whole process group (TERM,
 * then KILL), so that a hung dkms or update-initramfs never holds a
 * package installation, and dpkg's lock, for ever. The deadlines are in
 * dbdboot(8); DBDBOOT_TIMEOUT_<STEP>=SECONDS in the environment changes one
 * (STEP as in the table, upper case, '-' as '_': DBDBOOT_TIMEOUT_DKMS_BUILD).
 */
#ifndef DBDBOOT_RUN_H
#define DBDBOOT_RUN_H

enum run_step {
	RUN_DKMS_ADD,
	RUN_DKMS_UNBUILD,
	RUN_DKMS_BUILD,
	RUN_DKMS_INSTALL,
	RUN_DEPMOD,
	RUN_UPDATE_INITRAMFS,
	RUN_DRACUT,
	RUN_SIGN_FILE,
	RUN_DPKG_QUERY,
	RUN_NSTEPS
};

/* Seconds from TERM to KILL, and from KILL to giving up on the wait. */
#define RUN_GRACE_S 5

/* The step's name ("dkms-build") and deadline in seconds (the environment's
 * override when it is a whole number of 1 to 86400 seconds). */
const char *run_step_name(enum run_step step);
/* The whole number of seconds (1 to 86400) in the environment variable ENV,
 * or DFLT when it is unset (or not such a number: then warned about). */
unsigned int deadline_from_env(const char *env, unsigned int dflt);
unsigned int run_deadline(enum run_step step);

/*
 * Run ARGV (argv[0] looked up in PATH) for STEP inside opt.root (chroot when
 * a root is given), in a process group of its own, its output to LOG (a
 * file path, appended) or to our stderr when LOG is NULL. Returns its exit
 * status (0..255), or:
 *   -ETIME   still running at the step's deadline: stopped
 *   -EINTR   dbdboot got SIGINT, SIGTERM or SIGHUP while waiting: stopped
 *   -ECHILD  killed by a signal (not ours)
 *   <0       it could not be started
 */
int run_prog(enum run_step step, const char *const argv[], const char *log);

/* Words for a run_prog() result that is not 0, to follow the program's name
 * ("exited with 2", "did not finish within 1200 s and was stopped; ...").
 * Into BUF (N bytes); returns BUF. */
const char *run_failure(enum run_step step, int ret, char *buf, unsigned int n);

/* depmod -a KVER under its deadline; on failure says so, with the command
 * to run by hand. 0 or -EIO. */
int run_depmod(const char *kver);

/* Is NAME a program in the root's /usr/sbin, /usr/bin, /sbin or /bin? */
int have_program(const char *name);

#endif
