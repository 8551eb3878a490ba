// SPDX-License-Identifier: GPL-2.0-or-later
/* dbdboot: messages, paths under --root, files. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "dbdboot.h"

struct opts opt = { .root = "" };

static void vsay(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "dbdboot: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void info(const char *fmt, ...)
{
	va_list ap;

	if (opt.quiet)
		return;
	va_start(ap, fmt);
	vsay("", fmt, ap);
	va_end(ap);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("warning: ", fmt, ap);
	va_end(ap);
}

int err(int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("", fmt, ap);
	va_end(ap);
	return ret;
}

char *rpath(char *out, const char *fmt, ...)
{
	size_t n = strlen(opt.root);
	va_list ap;

	memcpy(out, opt.root, n);
	va_start(ap, fmt);
	if ((size_t)vsnprintf(out + n, PATH_MAX - n, fmt, ap) >= PATH_MAX - n)
		out[PATH_MAX - 1] = '\0';	/* cut: any open of it fails */
	va_end(ap);
	return out;
}

double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int path_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

int read_file(const char *path, size_t max, unsigned char **buf, size_t *len)
{
	struct stat st;
	unsigned char *p;
	size_t got = 0;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		ret = -errno;
		goto out;
	}
	if ((size_t)st.st_size > max) {
		ret = -EFBIG;
		goto out;
	}
	p = malloc((size_t)st.st_size + 1);
	if (!p) {
		ret = -ENOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, p + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	p[got] = '\0';
	*buf = p;
	*len = got;
	ret = 0;
out:
	close(fd);
	return ret;
}

int mkdir_p(const char *path, unsigned int mode)
{
	char tmp[PATH_MAX];
	char *s;

	if (strlen(path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	strcpy(tmp, path);
	for (s = tmp + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(tmp, mode) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(tmp, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

int write_atomic(const char *path, const void *buf, size_t len, unsigned int mode)
{
	char tmp[PATH_MAX], dir[PATH_MAX], *slash;
	int fd, ret = 0;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir) ||
	    snprintf(tmp, sizeof(tmp), "%s.dbdboot-%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		ret = mkdir_p(dir, 0755);
		if (ret)
			return ret;
	}
	ret = dbd_replace_file(path, tmp, buf, len, mode);
	if (ret)
		return ret;
	fd = open(slash && slash != dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
}
