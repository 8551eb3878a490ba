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

#include "dbdboot.h"
#include "rootpath.h"
#include "say.h"

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

/* The first error of this run, for -J's document when a command printed none. */
static char first_err[512];

void say_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!first_err[0]) {
		va_list cp;

		va_copy(cp, ap);
		vsnprintf(first_err, sizeof(first_err), fmt, cp);
		va_end(cp);
	}
	vsay("", fmt, ap);
	va_end(ap);
}

const char *first_error(void)
{
	return first_err;
}

void first_error_clear(void)
{
	first_err[0] = '\0';
}

void kmsg(int level, const char *fmt, ...)
{
	char p[PATH_MAX], line[640];
	va_list ap;
	size_t n;
	int fd;

	va_start(ap, fmt);
	n = dbd_kmsg_line(line, sizeof(line), level, "dbdboot", fmt, ap);
	va_end(ap);
	fd = open(rpath(p, "/dev/kmsg"), O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, line, n) < 0) {
		/* the kernel log is a witness, not a must */
	}
	close(fd);
}

void say_verbose(const char *fmt, ...)
{
	static double start;
	char at[32];
	va_list ap;

	if (!start)
		start = now_s();
	snprintf(at, sizeof(at), "[%7.1f ms] ", (now_s() - start) * 1000);
	va_start(ap, fmt);
	vsay(at, fmt, ap);
	va_end(ap);
}

double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int read_file(const char *path, size_t max, unsigned char **buf, size_t *len)
{
	return read_file_st(path, max, buf, len, NULL);
}

/* A file whose size stat does not tell (procfs, sysfs): read to its end, up to MAX. */
static int read_unsized(int fd, size_t max, unsigned char **buf, size_t *len)
{
	size_t cap = 4096, got = 0;
	unsigned char *p = malloc(cap + 1), *n;
	ssize_t r;

	if (!p)
		return -ENOMEM;
	for (;;) {
		if (got == cap) {
			if (cap >= max || !(n = realloc(p, (cap = cap * 2 > max ? max : cap * 2) + 1))) {
				free(p);
				return cap >= max ? -EFBIG : -ENOMEM;
			}
			p = n;
		}
		r = read(fd, p + got, cap - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(p);
			return -errno;
		}
		if (!r)
			break;
		got += (size_t)r;
	}
	p[got] = '\0';
	*buf = p;
	*len = got;
	return 0;
}

int read_line(const char *path, char *out, size_t size)
{
	unsigned char *buf;
	size_t len;
	int ret;

	out[0] = '\0';
	ret = read_file(path, 4096, &buf, &len);
	if (ret)
		return ret;
	buf[strcspn((char *)buf, "\n")] = '\0';
	snprintf(out, size, "%s", (char *)buf);
	free(buf);
	return 0;
}

int read_file_st(const char *path, size_t max, unsigned char **buf, size_t *len,
		 struct stat *out)
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
	if (out)
		*out = st;
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		ret = read_unsized(fd, max, buf, len);
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

const char *line_after(const char *text, const char *start)
{
	for (const char *q = text; text && (q = strstr(q, start)); q++)
		if (q == text || q[-1] == '\n')
			return q + strlen(start);
	return NULL;
}

int has_line(const char *text, const char *line)
{
	const char *v = line_after(text, line);

	return v && (*v == '\n' || !*v);
}
