// SPDX-License-Identifier: GPL-2.0-or-later
/* dbdboot: programs run under a deadline; see run.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dbdboot.h"
#include "rootpath.h"
#include "run.h"

/* Generous where the work is long (the real dattobd builds in about two
 * minutes on 2 cores), tight where it is not (depmod takes a second). */
static const struct {
	const char *name, *env;
	unsigned int seconds;
} steps[RUN_NSTEPS] = {
	[RUN_DKMS_ADD] = { "dkms-add", "DBDBOOT_TIMEOUT_DKMS_ADD", 60 },
	[RUN_DKMS_UNBUILD] = { "dkms-unbuild", "DBDBOOT_TIMEOUT_DKMS_UNBUILD", 120 },
	[RUN_DKMS_BUILD] = { "dkms-build", "DBDBOOT_TIMEOUT_DKMS_BUILD", 1200 },
	[RUN_DKMS_INSTALL] = { "dkms-install", "DBDBOOT_TIMEOUT_DKMS_INSTALL", 300 },
	[RUN_DEPMOD] = { "depmod", "DBDBOOT_TIMEOUT_DEPMOD", 30 },
	[RUN_UPDATE_INITRAMFS] = { "update-initramfs", "DBDBOOT_TIMEOUT_UPDATE_INITRAMFS", 600 },
	[RUN_DRACUT] = { "dracut", "DBDBOOT_TIMEOUT_DRACUT", 600 },
	[RUN_SIGN_FILE] = { "sign-file", "DBDBOOT_TIMEOUT_SIGN_FILE", 60 },
	[RUN_DPKG_QUERY] = { "dpkg-query", "DBDBOOT_TIMEOUT_DPKG_QUERY", 60 },
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

const char *run_step_name(enum run_step step)
{
	return steps[step].name;
}

unsigned int deadline_from_env(const char *env, unsigned int dflt)
{
	const char *v = getenv(env);
	char *end;
	unsigned long s;

	if (!v || !*v)
		return dflt;
	errno = 0;
	s = strtoul(v, &end, 10);
	if (errno || *end || s < 1 || s > 86400) {
		warn("%s='%s' is not a number of seconds from 1 to 86400: using %u", env, v, dflt);
		return dflt;
	}
	return (unsigned int)s;
}

unsigned int run_deadline(enum run_step step)
{
	return deadline_from_env(steps[step].env, steps[step].seconds);
}

/* Wait up to SECONDS for PID to end; 0 with *STATUS, -ETIME, -EINTR. */
static int wait_for(pid_t pid, int pidfd, double seconds, int *status, int stop_on_signal)
{
	double end = now_s() + seconds;

	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		double left = end - now_s();

		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (stop_on_signal && interrupted)
			return -EINTR;
		if (left <= 0)
			return -ETIME;
		if (pidfd >= 0) {
			struct pollfd p = { .fd = pidfd, .events = POLLIN };

			poll(&p, 1, left > 1 ? 1000 : (int)(left * 1000) + 1);
		} else {
			usleep(left > 0.05 ? 50000 : (useconds_t)(left * 1e6) + 1);
		}
	}
}

/* TERM to the whole group, KILL after the grace; a bounded wait after it. */
static void stop_group(pid_t pid, int pidfd, int *status)
{
	kill(-pid, SIGTERM);
	if (!wait_for(pid, pidfd, RUN_GRACE_S, status, 0)) {
		kill(-pid, SIGKILL);	/* what the leader left behind */
		return;
	}
	kill(-pid, SIGKILL);
	if (wait_for(pid, pidfd, RUN_GRACE_S, status, 0))
		warn("process %d did not end %d s after SIGKILL (stuck in the kernel?): left "
		     "behind", (int)pid, RUN_GRACE_S);
}

static void child(const char *const argv[], const char *log)
{
	int fd;

	setpgid(0, 0);
	fd = log ? open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644) : 2;
	if (fd < 0)
		_exit(127);
	dup2(fd, 1);
	dup2(fd, 2);
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0)
		dup2(fd, 0);
	if (*opt.root && (chroot(opt.root) || chdir("/"))) {
		fprintf(stderr, "dbdboot: could not chroot to '%s': %s\n", opt.root, strerror(errno));
		_exit(127);
	}
	setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
	execvp(argv[0], (char *const *)argv);
	fprintf(stderr, "dbdboot: could not run '%s': %s\n", argv[0], strerror(errno));
	_exit(127);
}

int run_prog(enum run_step step, const char *const argv[], const char *log)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = on_signal }, old[3];
	int status = 0, pidfd, ret;
	pid_t pid;

	if (opt.verbose) {
		char line[512] = "";

		for (size_t i = 0, l = 0; argv[i] && l < sizeof(line); i++)
			l += (size_t)snprintf(line + l, sizeof(line) - l, "%s%s", i ? " " : "", argv[i]);
		VERBOSE("running: %s (deadline %u s%s%s)", line, run_deadline(step),
			log ? ", output to " : "", log ? log : "");
	}
	fflush(stdout);
	fflush(stderr);
	interrupted = 0;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 3; i++)
			sigaction(sigs[i], &old[i], NULL);
		child(argv, log);
	}
	if (pid < 0) {
		ret = -errno;
		goto out;
	}
	setpgid(pid, pid);	/* also here: no window where a signal misses it */
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	ret = wait_for(pid, pidfd, run_deadline(step), &status, 1);
	if (ret)
		stop_group(pid, pidfd, &status);
	else
		ret = WIFEXITED(status) ? WEXITSTATUS(status) : -ECHILD;
	if (pidfd >= 0)
		close(pidfd);
	VERBOSE("%s: %s", argv[0], ret < 0 ? strerror(-ret) : ret ? "failed" : "done");
out:
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	return ret;
}

const char *run_failure(enum run_step step, int ret, char *buf, unsigned int n)
{
	if (ret == -ETIME)
		snprintf(buf, n, "did not finish within %u s and was stopped with its process group "
			 "(TERM, then KILL); if it needs longer, set %s=SECONDS", run_deadline(step),
			 steps[step].env);
	else if (ret == -EINTR)
		snprintf(buf, n, "was stopped: dbdboot was interrupted");
	else if (ret == -ECHILD)
		snprintf(buf, n, "was killed by a signal");
	else if (ret < 0)
		snprintf(buf, n, "could not be started: %s", strerror(-ret));
	else if (ret == 127)
		snprintf(buf, n, "could not be run (exit status 127: not found, or no chroot)");
	else
		snprintf(buf, n, "exited with %d", ret);
	return buf;
}

int run_depmod(const char *kver)
{
	const char *argv[] = { "depmod", "-a", kver, NULL };
	char why[256];
	int ret = run_prog(RUN_DEPMOD, argv, NULL);

	if (!ret)
		return 0;
	ERR("could not run depmod for %s: depmod %s; run: depmod -a %s", kver,
	    run_failure(RUN_DEPMOD, ret, why, sizeof(why)), kver);
	return -EIO;
}

int have_program(const char *name)
{
	static const char *const dirs[] = { "/usr/sbin", "/usr/bin", "/sbin", "/bin" };
	char p[PATH_MAX];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (access(rpath(p, "%s/%s", dirs[i], name), X_OK) == 0)
			return 1;
	return 0;
}
