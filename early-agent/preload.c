// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot-early --preload: dattobd's load started early in the initramfs
 * (initramfs-tools' init-top, dracut's pre-udev hook, or
 * dbdboot-preload.service in a systemd initrd), so that it runs while
 * udev finds the disks instead of after the root device is there; and the
 * worker's wait for it (agent_preload_wait), which takes its result
 * instead of loading the module itself.
 *
 * The preload forks: the child records that it started (RUN/dbdboot/preload,
 * preload.h), loads the module as the worker would (the same dattobd.*
 * parameters), and records how it ended; the parent returns as soon as the
 * start is recorded, so that the boot goes on at once. A load that hangs
 * in the kernel holds only that child; the worker's deadline still bounds
 * the wait. dbdboot=off: nothing at all (no fork, no record, no load).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "atomic.h"
#include "dbdboot/dattobd.h"
#include "preload.h"

/* RUN/dbdboot into DIR; 0, or a negative errno (said). */
static int run_dir(const struct agent_conf *c, char *dir, size_t size)
{
	int ret;

	dbd_snprintf(dir, size, "%s/dbdboot", c->run);
	ret = agent_mkdir_p(dir);
	if (ret)
		agent_log(LOG_WARN, "could not make '%s': %s: dattobd's early load not recorded",
			  dir, strerror(-ret));
	return ret;
}

static void record(const char *dir, const struct dbd_preload *p)
{
	char buf[DBD_PRELOAD_MAX];
	size_t len = dbd_preload_format(p, buf, sizeof(buf));
	int fd, ret = -ENAMETOOLONG;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
	} else {
		if (len)
			ret = dbd_replace_at(fd, "preload", buf, len, 0644, NULL);
		close(fd);
	}
	if (ret)
		agent_log(LOG_WARN, "could not write '%s/preload': %s: the agent will load dattobd "
			  "itself", dir, strerror(-ret));
}

/* The child: record the start, tell the parent (closing W), load, record. */
static void preload_child(const struct agent_conf *c, const char *dir, int w)
{
	struct dbd_modload_paths paths = { .sys = c->sys, .modules = c->modules,
					   .release = c->release };
	static struct dbd_modload_result res;
	static struct dbd_preload p;

	setsid();
	p.started_ms = agent_now_ms();
	p.pid = (int)getpid();
	if (dir[0])
		record(dir, &p);
	if (w >= 0)
		close(w);
	p.error = dbd_modload(&paths, DBD_MODULE_NAME, c->cmdline.modparams, &res);
	p.ended_ms = agent_now_ms();
	p.ended = 1;
	p.how = (int)res.how;
	memcpy(p.path, res.path, sizeof(p.path));
	memcpy(p.dep, res.failed_dep, sizeof(p.dep));
	if (dir[0])
		record(dir, &p);
	agent_log(LOG_DEBUG, "early load of dattobd: %s in %ld ms", dbd_modload_strerror(p.error),
		  p.ended_ms - p.started_ms);
}

int agent_preload(const struct agent_conf *c)
{
	char dir[512] = "", b;
	int fds[2] = { -1, -1 };
	pid_t pid;

	if (c->cmdline.off)
		return 0;
	if (run_dir(c, dir, sizeof(dir)))
		dir[0] = '\0';
	if (pipe2(fds, O_CLOEXEC))
		fds[0] = fds[1] = -1;
	pid = fork();
	if (pid == 0) {
		if (fds[0] >= 0)
			close(fds[0]);
		preload_child(c, dir, fds[1]);
		_exit(0);
	}
	if (fds[1] >= 0)
		close(fds[1]);
	if (pid < 0) {
		agent_log(LOG_WARN, "could not start dattobd's early load: %s: the agent will load "
			  "it itself", strerror(errno));
	} else if (fds[0] >= 0) {
		/* EOF once the child recorded its start (or died). */
		while (read(fds[0], &b, 1) < 0 && errno == EINTR)
			;
	}
	if (fds[0] >= 0)
		close(fds[0]);
	return 0;
}

/* The record at PATH into P: 1 read, 0 none, -EBADMSG not a record. */
static int read_record(const char *path, struct dbd_preload *p)
{
	static char buf[DBD_PRELOAD_MAX];
	ssize_t n;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return 0;
	while (len < sizeof(buf) && (n = read(fd, buf + len, sizeof(buf) - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	return dbd_preload_parse(buf, len, p) ? -EBADMSG : 1;
}

static void sleep_5ms(void)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 5000000L };

	nanosleep(&ts, NULL);
}

int agent_preload_wait(const struct agent_conf *c, long until_ms, struct dbd_preload *p)
{
	char path[512];
	int ret;

	dbd_snprintf(path, sizeof(path), "%s/dbdboot/preload", c->run);
	for (;;) {
		ret = read_record(path, p);
		if (ret == -EBADMSG)
			agent_log(LOG_WARN, "'%s' is not a record of dattobd's early load: loading it "
				  "here", path);
		if (ret <= 0 || p->ended)
			return ret < 0 ? 0 : ret;
		if (kill(p->pid, 0) && errno == ESRCH) {
			/* Gone: it may have ended as we looked; else it died. */
			if (read_record(path, p) == 1 && p->ended)
				return 1;
			agent_log(LOG_WARN, "dattobd's early load (pid %d) ended without saying how: "
				  "loading it here", p->pid);
			return 0;
		}
		if (agent_now_ms() >= until_ms)
			return -ETIMEDOUT;
		sleep_5ms();
	}
}
