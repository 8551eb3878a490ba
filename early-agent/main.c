// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot-early: reload dattobd's tracked volumes at boot, within a deadline.
 *
 * The parent forks a worker that does everything (module, manifest,
 * devices, ioctls) and records each result in shared memory as it goes.
 * The parent waits for the worker or the deadline, whichever comes first,
 * writes the report, and returns: a worker stuck inside the kernel (a hung
 * finit_module or ioctl) is left behind, and the boot goes on.
 *
 * Without a worker (fork fails) nothing that can block runs: the module is
 * not loaded and no ioctl issued, and the report says why. A worker that
 * dies is reported as crashed.
 *
 * Exit status: 0 once it has run, whatever it found (the report and the
 * kernel log tell); 2 for a bad command line. The boot scripts ignore it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"

static void usage(int fd)
{
	agent_out(fd,
		"Usage: dbdboot-early [options]\n"
		"Reload the volumes listed in the dbdboot manifest into dattobd before they\n"
		"are mounted read-write, within a deadline. Run from the initramfs.\n\n"
		"Options:\n"
		"  -t, --timeout SECONDS  deadline for all the work (default: dbdboot.timeout=\n"
		"                         from the kernel command line, else %d)\n"
		"      --phase NAME       initramfs (default) or after-switch-root, for the report\n"
		"      --minor N          only the manifest's volume N, its entry added to the\n"
		"                         report there is (one run per volume, in the real root)\n"
		"      --preload          only start loading dattobd, in the background, and\n"
		"                         return: the initramfs run then waits for that load\n"
		"      --manifest FILE    manifest to read (default " AGENT_MANIFEST_PATH ")\n"
		"      --report FILE      report to write (default RUN/dbdboot/early.json)\n"
		"      --proc DIR         where proc is mounted (default /proc)\n"
		"      --sys DIR          where sysfs is mounted (default /sys)\n"
		"      --dev DIR          device directory (default /dev)\n"
		"      --run DIR          run directory (default /run)\n"
		"      --modules DIR      module tree (default /lib/modules)\n"
		"      --release NAME     kernel release (default: the running kernel)\n"
		"      --ctl PATH         dattobd control device (default DEV/datto-ctl)\n"
		"      --kmsg PATH        log to PATH (default /dev/kmsg; - for stderr)\n"
		"  -d, --debug            log more (also dbdboot.debug)\n"
		"  -h, --help             show this help\n"
		"  -V, --version          show the version\n\n"
		"Kernel command line: dbdboot=off, dbdboot.timeout=SECONDS, dbdboot.debug,\n"
		"and dattobd.PARAM=VALUE passed on to the module.\n"
		"Exit status: 0 once run, whatever it found (see the report); 2 bad usage.\n",
		AGENT_TIMEOUT_DEFAULT);
}

static void cmdline_warn(void *ctx, const char *msg)
{
	(void)ctx;
	agent_log(LOG_WARN, "%s", msg);
}

static void read_cmdline(struct agent_conf *c)
{
	char path[512], text[4096];
	ssize_t n = -1;
	int fd;

	dbd_snprintf(path, sizeof(path), "%s/cmdline", c->proc);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, text, sizeof(text) - 1);
		close(fd);
	}
	text[n > 0 ? n : 0] = '\0';
	agent_cmdline_parse(text, &c->cmdline, cmdline_warn, NULL);
}

static const char *summary(const struct agent_state *st, char *buf, size_t size)
{
	unsigned int i, n = 0, ok = 0, bad = 0, open = 0, later = 0;

	for (i = 0; i < st->manifest.n; i++) {
		enum vol_outcome o = st->vol[i].outcome;

		n += o != V_SKIPPED;
		if (o == V_RELOADED || o == V_ALREADY)
			ok++;
		else if (o <= V_RELOADING)
			open++;
		else if (o == V_DEFERRED)
			later++;
		else if (o != V_SKIPPED)
			bad++;
	}
	dbd_snprintf(buf, size, "%u of %u volumes reloaded, %u failed, %u unfinished%s", ok, n, bad,
		 open, later ? ", the rest left to the real root" : "");
	return buf;
}

/* Settle who reports as E; 1 when it is E (this side came first), 0 when
 * the other side did. Sequentially consistent: what the worker recorded
 * before it came first is seen by the parent that learns it. */
static int settle(struct agent_state *st, enum agent_ending e)
{
	int open = END_OPEN;

	return atomic_compare_exchange_strong(&st->ending, &open, (int)e) || open == (int)e;
}

/*
 * Start the worker. Its end is seen on a pipe (EOF when it exits, whatever
 * the cause); without a pipe, by polling waitpid. A fork that fails for
 * want of resources is tried again a few times. Returns its pid, or -errno.
 */
static pid_t start_worker(const struct agent_conf *c, struct agent_state *st, int *rfd)
{
	int fds[2] = { -1, -1 }, tries;
	pid_t pid = -1;

	if (pipe2(fds, O_CLOEXEC)) {
		agent_log(LOG_WARN, "could not make a pipe: %s: watching the worker by polling",
			  strerror(errno));
		fds[0] = fds[1] = -1;
	}
	for (tries = 0; tries < AGENT_FORK_TRIES; tries++) {
		pid = fork();
		if (pid >= 0 || (errno != EAGAIN && errno != ENOMEM))
			break;
		usleep(10000);
	}
	if (pid == 0) {
		char buf[160];

		if (fds[0] >= 0)
			close(fds[0]);
		agent_work(c, st);
		if (!settle(st, END_WORKER_DONE)) {
			/* Late: the parent reported at the deadline; tell what came after. */
			st->end_ms = agent_now_ms() - st->start_ms;
			agent_log(LOG_WARN, "finished late, after the deadline: %s",
				  summary(st, buf, sizeof(buf)));
			/* --minor: merged under the lock, as the parent does, never
			 * the other volumes' entries lost. */
			if (c->only_minor >= 0)
				agent_report_merge(c, st, "late");
			else
				agent_report_write(c, st, "late");
		}
		_exit(0);
	}
	if (pid < 0)
		pid = -errno;
	if (fds[1] >= 0)
		close(fds[1]);
	if (pid < 0 && fds[0] >= 0) {
		close(fds[0]);
		fds[0] = -1;
	}
	*rfd = fds[0];
	return pid;
}

/* Wait for the worker until the deadline: 1 when it ended (*WSTATUS), 0 at
 * the deadline. */
static int wait_worker(const struct agent_conf *c, const struct agent_state *st, pid_t pid,
		       int fd, int *wstatus)
{
	for (;;) {
		long left = (long)c->timeout * 1000 - (agent_now_ms() - st->start_ms);
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (waitpid(pid, wstatus, WNOHANG) == pid)
			return 1;
		if (left <= 0)
			return 0;
		if (fd < 0) {
			usleep(left > 20 ? 20000 : (useconds_t)left * 1000);
			continue;
		}
		if (poll(&p, 1, (int)left) > 0) {
			/* EOF: it is gone, or going; reap it without waiting long. */
			for (int i = 0; i < 100 && waitpid(pid, wstatus, WNOHANG) != pid; i++)
				usleep(1000);
			return 1;
		}
	}
}

/* How the worker ended: "done", or "crashed" (said, with how). */
static const char *ended(const struct agent_state *st, int wstatus, char *buf, size_t size)
{
	if (atomic_load(&st->ending) == END_WORKER_DONE)
		return "done";
	if (WIFSIGNALED(wstatus))
		dbd_snprintf(buf, size, "killed by signal %d", WTERMSIG(wstatus));
	else
		dbd_snprintf(buf, size, "exit status %d", WEXITSTATUS(wstatus));
	agent_log(LOG_ERR, "the worker died before it finished (%s): what it did not do is "
		  "reported unfinished", buf);
	return "crashed";
}

/* The long options without a short one: each sets one string of the conf. */
enum opt_id {
	OPT_PHASE = 256, OPT_MANIFEST, OPT_REPORT, OPT_PROC, OPT_SYS, OPT_DEV, OPT_RUN,
	OPT_MODULES, OPT_RELEASE, OPT_CTL, OPT_KMSG, OPT_END
};

/* Where option ID's value goes in C. */
static const char **opt_string(struct agent_conf *c, int id)
{
	const char **s[OPT_END - OPT_PHASE] = {
		[OPT_PHASE - OPT_PHASE] = &c->phase,	 [OPT_MANIFEST - OPT_PHASE] = &c->manifest,
		[OPT_REPORT - OPT_PHASE] = &c->report,	 [OPT_PROC - OPT_PHASE] = &c->proc,
		[OPT_SYS - OPT_PHASE] = &c->sys,	 [OPT_DEV - OPT_PHASE] = &c->dev,
		[OPT_RUN - OPT_PHASE] = &c->run,	 [OPT_MODULES - OPT_PHASE] = &c->modules,
		[OPT_RELEASE - OPT_PHASE] = &c->release, [OPT_CTL - OPT_PHASE] = &c->ctl,
		[OPT_KMSG - OPT_PHASE] = &c->kmsg,
	};

	return id >= OPT_PHASE && id < OPT_END ? s[id - OPT_PHASE] : NULL;
}

/* The command line into C and *TIMEOUT_OPT: -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, struct agent_conf *c, int *timeout_opt)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "phase", required_argument, NULL, OPT_PHASE },
		{ "manifest", required_argument, NULL, OPT_MANIFEST },
		{ "report", required_argument, NULL, OPT_REPORT },
		{ "proc", required_argument, NULL, OPT_PROC },
		{ "sys", required_argument, NULL, OPT_SYS },
		{ "dev", required_argument, NULL, OPT_DEV },
		{ "run", required_argument, NULL, OPT_RUN },
		{ "modules", required_argument, NULL, OPT_MODULES },
		{ "release", required_argument, NULL, OPT_RELEASE },
		{ "ctl", required_argument, NULL, OPT_CTL },
		{ "kmsg", required_argument, NULL, OPT_KMSG },
		{ "minor", required_argument, NULL, 'm' },
		{ "preload", no_argument, NULL, 'P' },
		{ "debug", no_argument, NULL, 'd' }, { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "t:dhV", opts, NULL)) != -1) {
		if (opt_string(c, opt)) {
			*opt_string(c, opt) = optarg;
		} else if (opt == 't') {
			char *end;
			long t = strtol(optarg, &end, 10);

			if (*end || t < 1 || t > AGENT_TIMEOUT_MAX) {
				agent_out(2, "dbdboot-early: bad --timeout '%s': seconds from 1 to %d\n",
					optarg, AGENT_TIMEOUT_MAX);
				return 2;
			}
			*timeout_opt = (int)t;
		} else if (opt == 'm') {
			char *end;
			long m = strtol(optarg, &end, 10);

			if (*end || end == optarg || m < 0 || m > DBD_MANIFEST_MAX_MINOR) {
				agent_out(2, "dbdboot-early: bad --minor '%s': a number from 0 to %d\n",
					optarg, DBD_MANIFEST_MAX_MINOR);
				return 2;
			}
			c->only_minor = (int)m;
		} else if (opt == 'P') {
			c->preload = 1;
		} else if (opt == 'd') {
			c->debug = 1;
		} else if (opt == 'h') {
			usage(1);
			return 0;
		} else if (opt == 'V') {
			agent_out(1, "dbdboot-early %s\n", DBDBOOT_VERSION);
			return 0;
		} else {
			usage(2);
			return 2;
		}
	}
	if (optind < argc) {
		agent_out(2, "dbdboot-early: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	return -1;
}

/* The worker under the deadline, then the report: the status it gives. */
static const char *run_worker(struct agent_conf *c, struct agent_state *st, char *buf,
			      size_t size)
{
	int fd = -1, wstatus = 0;
	pid_t pid = start_worker(c, st, &fd);

	if (pid < 0) {
		/* No worker, no guard: do nothing that could outlast the deadline. */
		agent_log(LOG_ERR, "could not start a worker process: %s: dattobd not loaded, "
			  "nothing reloaded (without a worker a hung load or ioctl would hold the "
			  "boot past the deadline)", strerror((int)-pid));
		agent_work_skipped(c, st, (int)pid);
		return "no-worker";
	}
	if (wait_worker(c, st, pid, fd, &wstatus))
		return ended(st, wstatus, buf, size);
	if (!settle(st, END_PARENT_GONE))
		return "done";	/* it finished as the deadline came: its results are whole */
	agent_log(LOG_ERR, "deadline of %d s reached with work unfinished (module %s); "
		  "leaving the worker behind", c->timeout,
		  st->module == M_LOADING ? "still loading" : "done");
	return "deadline";
}

/* --preload: the kernel command line read (dbdboot=off, dattobd.*), then
 * the load started in the background. */
static int preload_run(struct agent_conf *c)
{
	agent_log_open(c->kmsg, c->debug);
	read_cmdline(c);
	c->debug |= c->cmdline.debug;
	agent_log_open(NULL, c->debug);
	return agent_preload(c);
}

/* Everything after the command line, guarded by the deadline: the kernel
 * command line, the shared state, the worker, the report. */
static int guarded_run(struct agent_conf *c, int timeout_opt)
{
	struct agent_state *st;
	const char *status;
	char buf[160];
	int ret;

	agent_log_open(c->kmsg, c->debug);
	read_cmdline(c);
	c->debug |= c->cmdline.debug;
	agent_log_open(NULL, c->debug);
	c->timeout = timeout_opt ? timeout_opt :
		     c->cmdline.timeout ? c->cmdline.timeout : AGENT_TIMEOUT_DEFAULT;
	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED) {
		agent_log(LOG_ERR, "could not map the agent's state: %s: nothing reloaded",
			  strerror(errno));
		return 0;
	}
	st->start_ms = agent_now_ms();
	if (c->cmdline.off) {
		agent_log(LOG_INFO, "disabled by dbdboot=off on the kernel command line: nothing "
			  "reloaded");
		if (c->only_minor >= 0)
			return 0;	/* the initramfs phase said so in the report */
		ret = agent_report_write(c, st, "off");
		if (ret)
			agent_log(LOG_ERR, "could not write the report: %s", strerror(-ret));
		return 0;
	}
	agent_log(LOG_INFO, "%s %s: phase %s, deadline %d s", "dbdboot-early", DBDBOOT_VERSION,
		  c->phase, c->timeout);
	status = run_worker(c, st, buf, sizeof(buf));
	st->end_ms = agent_now_ms() - st->start_ms;
	ret = c->only_minor >= 0 ? agent_report_merge(c, st, status) :
				   agent_report_write(c, st, status);
	if (ret)
		agent_log(LOG_ERR, "could not write the report: %s", strerror(-ret));
	agent_log(LOG_INFO, "%s in %ld ms", summary(st, buf, sizeof(buf)), st->end_ms);
	return 0;
}

int main(int argc, char **argv)
{
	struct agent_conf c = {
		.proc = "/proc", .sys = "/sys", .dev = "/dev", .run = "/run",
		.manifest = AGENT_MANIFEST_PATH, .modules = "/lib/modules", .kmsg = "/dev/kmsg",
		.phase = "initramfs", .only_minor = -1,
	};
	int timeout_opt = 0, ret = parse_args(argc, argv, &c, &timeout_opt);

	if (ret >= 0)
		return ret;
	return c.preload ? preload_run(&c) : guarded_run(&c, timeout_opt);
}
