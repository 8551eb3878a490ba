// SPDX-License-Identifier: GPL-2.0-or-later
/* See atomic.h. Used by the agent (its report) and the host utility. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "fmt.h"

#define TMP_LETTERS 8

/* Random letters; early in boot getrandom may have nothing yet: then the
 * clock and the pid (only the initramfs writes then, nobody attacks it). */
static void random_letters(char *out)
{
	static const char abc[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char r[TMP_LETTERS];

	if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		struct timespec t;
		unsigned long long x;

		clock_gettime(CLOCK_MONOTONIC, &t);
		x = (unsigned long long)t.tv_nsec * 2654435761u ^ (unsigned long long)getpid() << 20 ^
		    (unsigned long long)t.tv_sec;
		for (int i = 0; i < TMP_LETTERS; i++, x = x * 6364136223846793005ull + 1)
			r[i] = (unsigned char)(x >> 33);
	}
	for (int i = 0; i < TMP_LETTERS; i++)
		out[i] = abc[r[i] % (sizeof(abc) - 1)];
	out[TMP_LETTERS] = '\0';
}

int dbd_is_tmp_of(const char *entry, const char *name)
{
	size_t n = strlen(name), k = strlen(DBD_TMP_INFIX);

	return !strncmp(entry, name, n) && !strncmp(entry + n, DBD_TMP_INFIX, k) &&
	       strlen(entry + n + k) == TMP_LETTERS;
}

int dbd_write_all(int fd, const void *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = write(fd, (const char *)buf + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		off += (size_t)n;
	}
	return 0;
}

static int still_same(int dirfd, const char *name, const struct stat *expect)
{
	struct stat now;

	if (fstatat(dirfd, name, &now, AT_SYMLINK_NOFOLLOW))
		return -errno == -ENOENT ? -ESTALE : -errno;
	if (now.st_dev != expect->st_dev || now.st_ino != expect->st_ino ||
	    now.st_size != expect->st_size || now.st_ctim.tv_sec != expect->st_ctim.tv_sec ||
	    now.st_ctim.tv_nsec != expect->st_ctim.tv_nsec)
		return -ESTALE;
	return 0;
}

struct bytes {
	const void *buf;
	size_t len;
};

static int fill_bytes(int fd, void *ctx)
{
	const struct bytes *b = ctx;

	return dbd_write_all(fd, b->buf, b->len);
}

int dbd_replace_at(int dirfd, const char *name, const void *buf, size_t len, unsigned int mode,
		   const struct stat *expect)
{
	struct bytes b = { buf, len };

	return dbd_replace_at_fn(dirfd, name, fill_bytes, &b, mode, expect);
}

int dbd_replace_at_fn(int dirfd, const char *name, int (*fill)(int fd, void *ctx), void *ctx,
		      unsigned int mode, const struct stat *expect)
{
	char tmp[256];
	int fd = -1, ret, tries;

	if (strlen(name) + sizeof(DBD_TMP_INFIX) + TMP_LETTERS >= sizeof(tmp))
		return -ENAMETOOLONG;
	for (tries = 0; fd < 0 && tries < 16; tries++) {
		size_t n = (size_t)dbd_snprintf(tmp, sizeof(tmp), "%s" DBD_TMP_INFIX, name);

		random_letters(tmp + n);
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			return -errno;
	}
	if (fd < 0)
		return -EEXIST;
	ret = fill(fd, ctx);
	if (!ret && fchmod(fd, mode))
		ret = -errno;
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && expect)
		ret = still_same(dirfd, name, expect);
	if (!ret && renameat(dirfd, tmp, dirfd, name))
		ret = -errno;
	if (ret) {
		unlinkat(dirfd, tmp, 0);
		return ret;
	}
	fsync(dirfd);
	return 0;
}
