// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot: writing files as root without being led astray. A path under
 * --root is resolved inside that root (openat2 RESOLVE_IN_ROOT: a symlink
 * in the tree, absolute or "..", never leads out of it), missing
 * directories are made one component at a time the same way, the new file
 * is written under an unpredictable name with O_EXCL|O_NOFOLLOW and renamed
 * into place, and one lock per root keeps two dbdboot runs from writing at
 * once; the run holding it removes the temporary files a killed run left.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "atomic.h"
#include "dbdboot.h"
#include "files.h"
#include "run.h"

#define LOCK_DIR STATE_DIR
/* Not "lock", the name of versions that made it 0644: a descriptor another
 * user opened on that file while it was readable would hold it for ever,
 * whatever its mode now. This one was never anyone's but root's. */
#define LOCK_NAME "writer.lock"
#define LOCK_OLD_NAME "lock"
#define LOCK_WAIT_S 2400	/* longer than a build, an install and an initrd together */

static int lock_fd = -1;
static char lock_root[PATH_MAX];	/* the root whose lock LOCK_FD holds */

/* The root, opened once (again when opt.root changes, as in the tests). */
static int root_fd(void)
{
	static char opened[PATH_MAX] = "\1";
	static int fd = -1;

	if (strcmp(opened, opt.root)) {
		if (fd >= 0)
			close(fd);
		fd = open(opt.root[0] ? opt.root : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		snprintf(opened, sizeof(opened), "%s", opt.root);
	}
	return fd;
}

/* PATH as seen inside the root, without the leading '/'; NULL when PATH
 * is not under the root (a file the user named, such as an export's). */
static const char *in_root(const char *path)
{
	size_t n = strlen(opt.root);

	if (strncmp(path, opt.root, n) || path[n] != '/')
		return NULL;
	path += n;
	while (*path == '/')
		path++;
	return path;
}

/* A directory REL (relative to the root, "" for the root) opened inside it. */
static int open_in_root(const char *rel)
{
	struct open_how how = { .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	int fd;

	if (root_fd() < 0)
		return -errno;
	fd = (int)syscall(SYS_openat2, root_fd(), *rel ? rel : ".", &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS)	/* before Linux 5.6: the plain walk */
		fd = openat(root_fd(), *rel ? rel : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* The directory REL inside the root, made where missing, one component at
 * a time (each made inside the resolved one before it). */
static int dir_in_root(const char *rel, unsigned int mode)
{
	char buf[PATH_MAX];
	size_t n = strlen(rel), i;
	int fd = open_in_root(rel);

	if (fd != -ENOENT)
		return fd;
	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, rel, n + 1);
	for (i = 0; i <= n; i++) {
		char *comp;
		int parent, made;

		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		comp = strrchr(buf, '/');
		fd = open_in_root(buf);
		if (fd == -ENOENT) {
			if (comp)
				*comp = '\0';
			parent = open_in_root(comp ? buf : "");
			if (comp)
				*comp = '/';
			if (parent < 0)
				return parent;
			made = !mkdirat(parent, comp ? comp + 1 : buf, mode);
			if (!made && errno != EEXIST) {
				close(parent);
				return -errno;
			}
			close(parent);
			fd = open_in_root(buf);
			/* MODE whatever the umask (a hand run under umask 077 must not
			 * hide /run/dbdboot from the backup agent). */
			if (made && fd >= 0)
				fchmod(fd, mode);
		}
		if (fd < 0)
			return fd;
		if (i < n) {
			close(fd);
			buf[i] = '/';
		}
	}
	return fd;
}

int mkdir_p(const char *path, unsigned int mode)
{
	const char *rel = in_root(path);
	char tmp[PATH_MAX];
	int fd;

	if (rel) {
		fd = dir_in_root(rel, mode);
		if (fd < 0)
			return fd;
		close(fd);
		return 0;
	}
	if (strlen(path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	strcpy(tmp, path);
	for (char *s = tmp + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(tmp, mode) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return mkdir(tmp, mode) && errno != EEXIST ? -errno : 0;
}

/* The directory of PATH, opened (and made, with CREATE) where it must be;
 * *BASE its name. */
static int parent_of(const char *path, const char **base, int create)
{
	const char *rel = in_root(path), *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	int ret;

	*base = slash ? slash + 1 : path;
	if (!**base)
		return -EISDIR;
	if (rel) {
		slash = strrchr(rel, '/');
		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - rel) : 0, rel);
		return create ? dir_in_root(dir, 0755) : open_in_root(dir);
	}
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	if (!dir[0])
		strcpy(dir, "/");
	ret = create ? mkdir_p(dir, 0755) : 0;
	if (ret)
		return ret;
	ret = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return ret < 0 ? -errno : ret;
}

/* Temporary files of BASE that a killed run left; only while we hold the
 * lock, so that no other run is writing one of them now. */
static void remove_leftovers(int dfd, const char *base)
{
	struct dirent *e;
	DIR *d;
	int fd;

	if (lock_fd < 0)
		return;
	fd = dup(dfd);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d)))
		if (dbd_is_tmp_of(e->d_name, base) && !unlinkat(dfd, e->d_name, 0))
			info("removed '%s', left behind by an interrupted run", e->d_name);
	closedir(d);
}

static int replace(const char *path, const void *buf, size_t len, unsigned int mode,
		   const struct stat *expect)
{
	const char *base;
	int dfd, ret;

	dfd = parent_of(path, &base, 1);
	if (dfd < 0)
		return dfd;
	remove_leftovers(dfd, base);
	ret = dbd_replace_at(dfd, base, buf, len, mode, expect);
	close(dfd);
	return ret;
}

int write_atomic_expect(const char *path, const void *buf, size_t len, unsigned int mode,
			const struct stat *expect)
{
	int ret = dbd_lock();

	return ret ? ret : replace(path, buf, len, mode, expect);
}

int write_cache(const char *path, const void *buf, size_t len)
{
	return replace(path, buf, len, 0644, NULL);
}

void file_identity(const struct stat *st, char *out, size_t n)
{
	snprintf(out, n, "%ju %ju %jd %jd.%09ld %jd.%09ld", (uintmax_t)st->st_dev,
		 (uintmax_t)st->st_ino, (intmax_t)st->st_size, (intmax_t)st->st_mtim.tv_sec,
		 st->st_mtim.tv_nsec, (intmax_t)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
}

int write_atomic(const char *path, const void *buf, size_t len, unsigned int mode)
{
	return write_atomic_expect(path, buf, len, mode, NULL);
}

int remove_path(const char *path, int dir)
{
	char buf[PATH_MAX];
	const char *base;
	size_t n = strlen(path);
	int dfd, ret = 0;

	while (n > 1 && path[n - 1] == '/')
		n--;	/* "dir/" names dir */
	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, n);
	buf[n] = '\0';
	dfd = parent_of(buf, &base, 0);
	if (dfd < 0)
		return dfd;
	if (unlinkat(dfd, base, dir ? AT_REMOVEDIR : 0))
		ret = -errno;
	close(dfd);
	return ret;
}

/* Who holds the lock: the "PID COMMAND" the last dbdboot to take it wrote,
 * while that process lives; else not a dbdboot this can name. */
static void holder(int fd, char *out, size_t n)
{
	ssize_t r = pread(fd, out, n - 1, 0);
	long pid;

	out[r > 0 ? r : 0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	pid = strtol(out, NULL, 10);
	if (!out[0] || pid <= 0 || (kill((pid_t)pid, 0) && errno == ESRCH))
		snprintf(out, n, "unknown, not the last dbdboot to hold it");
}

static int lock(int quiet);
static int lock_waived;

void dbd_lock_waive(void)
{
	lock_waived = 1;
}

int dbd_lock(void)
{
	return lock_waived ? 0 : lock(0);
}

int dbd_lock_quiet(void)
{
	return lock(1);
}

static int lock(int quiet)
{
	unsigned int wait = deadline_from_env("DBDBOOT_TIMEOUT_LOCK", LOCK_WAIT_S);
	char who[128], line[160];
	double t0 = now_s();
	int dfd, fd, said = 0;

	if (lock_fd >= 0 && !strcmp(lock_root, opt.root))
		return 0;
	if (lock_fd >= 0)
		close(lock_fd);
	lock_fd = -1;
	dfd = dir_in_root(LOCK_DIR + 1, 0755);
	/* Root's only: flock(2) works on a read-only descriptor, so a lock any
	 * user can open is one any user can hold, and stall every kernel
	 * hook and the shutdown record with it. */
	fd = dfd < 0 ? dfd : openat(dfd, LOCK_NAME, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && dfd >= 0)
		fd = -errno;
	if (fd >= 0 && fchmod(fd, 0600))
		warn("could not make '%s/%s' root's only: %s", LOCK_DIR, LOCK_NAME, strerror(errno));
	if (dfd >= 0) {
		unlinkat(dfd, LOCK_OLD_NAME, 0);	/* the old one, if any: used no more */
		close(dfd);
	}
	/* A read-only root: no run can write in it, so none to keep out (a
	 * file outside it, such as a bundle export's, is still written). */
	if (fd == -EROFS)
		return 0;
	if (fd < 0) {
		ERR("could not lock '%s/%s': %s", LOCK_DIR, LOCK_NAME, strerror(-fd));
		return fd;
	}
	while (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int e = errno;

			close(fd);
			ERR("could not lock '%s/%s': %s", LOCK_DIR, LOCK_NAME, strerror(e));
			return -e;
		}
		holder(fd, who, sizeof(who));
		if (!said++)
			info("waiting for another dbdboot (pid %s) to finish", who);
		if (now_s() - t0 >= wait) {
			close(fd);
			if (quiet)
				return -ETIME;
			ERR("could not lock '%s/%s': another dbdboot (pid %s) still "
			    "holds it after %u s; run again when it has finished", LOCK_DIR,
			    LOCK_NAME, who, wait);
			return -ETIME;
		}
		usleep(200000);
	}
	snprintf(line, sizeof(line), "%d %s\n", (int)getpid(), opt.command ? opt.command : "");
	if (ftruncate(fd, 0) == 0 && pwrite(fd, line, strlen(line), 0) < 0)
		warn("could not record this run in '%s/%s'", LOCK_DIR, LOCK_NAME);
	lock_fd = fd;
	snprintf(lock_root, sizeof(lock_root), "%s", opt.root);
	return 0;
}
