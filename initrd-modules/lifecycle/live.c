// SPDX-License-Identifier: GPL-2.0-or-later
/* dbdboot: the driver's live state, read by a child under a deadline (live.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dbdboot.h"
#include "dbdboot/dattobd.h"
#include "live.h"
#include "rootpath.h"
#include "run.h"

struct shared {
	volatile int done;
	int ret;		/* of reading the text */
	int ctl_ret;		/* of opening the control device */
	size_t len;
	char text[DBD_DATTOINFO_MAX_SIZE];
	struct {
		int ret;
		struct dbd_info info;
	} io[DBD_DATTOINFO_MAX_DEVICES];
};

static void child(void *shared, void *arg)
{
	struct shared *sh = shared;
	struct dbd_datto_info *parsed = arg;
	char p[4096];
	ssize_t n = 0;
	int fd;

	fd = open(rpath(p, DBD_PROC_INFO_PATH), O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		sh->ret = -errno;
		return;
	}
	/* Read whole and close at once: an open file holds the driver's lock. */
	while (sh->len < sizeof(sh->text) &&
	       (n = read(fd, sh->text + sh->len, sizeof(sh->text) - sh->len)) > 0)
		sh->len += (size_t)n;
	sh->ret = n < 0 ? -errno : 0;
	close(fd);
	if (sh->ret || dbd_dattoinfo_parse(sh->text, sh->len, parsed, NULL, NULL) == -EINVAL)
		return;
	fd = open(rpath(p, DBD_CTL_PATH), O_RDONLY | O_CLOEXEC);
	sh->ctl_ret = fd < 0 ? -errno : 0;
	for (unsigned int i = 0; fd >= 0 && i < parsed->n; i++) {
		sh->io[i].info.minor = parsed->dev[i].minor;
		sh->io[i].ret = ioctl(fd, DBD_IOC_INFO, &sh->io[i].info) ? -errno : 0;
	}
	if (fd >= 0)
		close(fd);
}

/* Wait for the child PID until DEADLINE_S; 0, or -ETIMEDOUT (then killed). */
static int wait_child(pid_t pid, volatile int *done, unsigned int deadline_s)
{
	double end = now_s() + deadline_s;
	struct timespec ts = { 0, 5 * 1000 * 1000 };

	while (!*done) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return *done ? 0 : -ECHILD;
		if (now_s() >= end) {
			/* Stuck inside the driver: it goes when the lock does. */
			kill(pid, SIGKILL);
			return -ETIMEDOUT;
		}
		nanosleep(&ts, NULL);
	}
	waitpid(pid, NULL, 0);
	return 0;
}

/* FN(SH, ARG) in a child, waited for until DEADLINE_S; SH is shared memory
 * whose DONE the child sets. 0, -ETIMEDOUT (the child killed: stuck in the
 * driver), -ECHILD (it died), or fork's -errno. */
static int in_child(void (*fn)(void *sh, void *arg), void *sh, volatile int *done, void *arg,
		    unsigned int deadline_s)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		fn(sh, arg);
		*done = 1;
		_exit(0);
	}
	return wait_child(pid, done, deadline_s);
}

/* The ioctl's record is the truth where it answered; the text otherwise. */
static void merge(struct live *l, const struct shared *sh)
{
	for (unsigned int i = 0; i < l->info.n && !sh->ctl_ret; i++) {
		struct dbd_datto_dev *d = &l->info.dev[i];
		const struct dbd_info *in = &sh->io[i].info;

		if (sh->io[i].ret) {
			/* ENOTTY: not dattobd's control device (a test tree). */
			if (sh->io[i].ret != -ENOTTY)
				warn("could not read minor %u with the info ioctl: %s; the values of "
				     "'%s' are used", d->minor, strerror(-sh->io[i].ret),
				     DBD_PROC_INFO_PATH);
			continue;
		}
		l->ioctl_used = 1;
		d->state = in->state;
		d->has_state = 1;
		d->error = in->error;
		d->has_error = in->error != 0;
		if (!(in->state & DBD_STATE_UNVERIFIED)) {
			d->seqid = in->seqid;
			d->has_seqid = 1;
			memcpy(d->uuid, in->uuid, sizeof(d->uuid));
			d->has_uuid = 1;
		}
	}
}

int live_read(struct live *l)
{
	unsigned int deadline = deadline_from_env("DBDBOOT_TIMEOUT_DRIVER", LIVE_TIMEOUT_S);
	struct shared *sh;
	int ret;

	memset(l, 0, sizeof(*l));
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		int e = errno;

		ERR("could not read '%s': %s", DBD_PROC_INFO_PATH, strerror(e));
		return -e;
	}
	ret = in_child(child, sh, &sh->done, &l->info, deadline);
	if (ret == -ETIMEDOUT) {
		ERR("could not read '%s': no answer within %u s (dattobd's lock is held: did "
		    "an umount oops in the driver? see dmesg)", DBD_PROC_INFO_PATH, deadline);
		goto out;
	}
	ret = ret ? ret : sh->ret;
	if (ret == -ENOENT)
		goto out;	/* not loaded: the caller says what that means */
	if (ret) {
		ERR("could not read '%s': %s", DBD_PROC_INFO_PATH, strerror(-ret));
		goto out;
	}
	ret = dbd_dattoinfo_parse(sh->text, sh->len, &l->info, NULL, NULL);
	if (ret == -EINVAL || ret == -EFBIG) {
		ERR("could not read '%s': it is not what dattobd writes there", DBD_PROC_INFO_PATH);
		ret = -EBADMSG;
		goto out;
	}
	if (ret == -E2BIG)
		warn("'%s' lists more than %d devices: only the first are used",
		     DBD_PROC_INFO_PATH, DBD_DATTOINFO_MAX_DEVICES);
	if (l->info.bad_lines)
		warn("'%s' has %u lines dbdboot could not read: the devices they belong to are "
		     "left as the manifest had them", DBD_PROC_INFO_PATH, l->info.bad_lines);
	merge(l, sh);
	ret = 0;
out:
	munmap(sh, sizeof(*sh));
	return ret;
}

struct destroy_shared {
	volatile int done;
	int ret;
};

static void destroy_child(void *shared, void *arg)
{
	struct destroy_shared *sh = shared;
	char p[4096];
	int fd = open(rpath(p, DBD_CTL_PATH), O_RDONLY | O_CLOEXEC);

	sh->ret = fd < 0 || ioctl(fd, DBD_IOC_DESTROY, (unsigned int *)arg) ? -errno : 0;
}

int live_destroy(unsigned int minor)
{
	unsigned int deadline = deadline_from_env("DBDBOOT_TIMEOUT_DRIVER", LIVE_TIMEOUT_S);
	struct destroy_shared *sh;
	int ret;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return -errno;
	ret = in_child(destroy_child, sh, &sh->done, &minor, deadline);
	ret = ret ? ret : sh->ret;
	munmap(sh, sizeof(*sh));
	return ret;
}
