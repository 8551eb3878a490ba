// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot-early --minor N (the after-switch-root phase, one run per
 * volume, several at once): that volume's entry put into the report the
 * initramfs phase wrote, the other entries kept byte for byte. Under a
 * lock (RUN/dbdboot/early.lock), so that two runs never lose each other's
 * entry; the new file is written whole and renamed, as the report always
 * is. Limits: a report of at most REPORT_MAX bytes and TOKENS_MAX JSON
 * tokens (a full manifest's report is under a fifth of each); a larger
 * one, or one that is not JSON, is replaced by a report of this run alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "atomic.h"
#include "jsonread.h"

#define REPORT_MAX	(512 * 1024)
#define TOKENS_MAX	16384
#define ENTRY_MAX	16384
#define LOCK_WAIT_MS	2000

static char old[REPORT_MAX];
static struct dbd_jtok tok[TOKENS_MAX];
static char entry[ENTRY_MAX];

struct splice {
	size_t cut, resume;	/* old[0, cut) + new text + old[resume, len) */
	const char *pre;	/* before the entry */
	size_t len, entry_len;
};

static int fill(int fd, void *ctx)
{
	const struct splice *s = ctx;
	int ret;

	ret = dbd_write_all(fd, old, s->cut);
	if (!ret)
		ret = dbd_write_all(fd, s->pre, strlen(s->pre));
	if (!ret)
		ret = dbd_write_all(fd, entry, s->entry_len);
	if (!ret)
		ret = dbd_write_all(fd, old + s->resume, s->len - s->resume);
	return ret;
}

/* Where MINOR's entry goes in the parsed report: 0, or -EBADMSG when the
 * report has no volumes array. */
static int find_place(const struct dbd_json *j, unsigned int minor, struct splice *s)
{
	int vols = dbd_json_get(j, 0, "volumes"), last = -1;

	if (vols < 0 || j->tok[vols].type != DBD_J_ARRAY)
		return -EBADMSG;
	for (unsigned int i = 0;; i++) {
		int v = dbd_json_at(j, vols, i);
		long long m;

		if (v < 0)
			break;
		last = v;
		if (!dbd_json_get_int(j, v, "minor", &m) && m == (long long)minor) {
			s->cut = j->tok[v].start;
			s->resume = j->tok[v].end;
			s->pre = "";
			return 0;
		}
	}
	if (last < 0) {	/* an empty array: inside its brackets */
		s->cut = j->tok[vols].end - 1;
		s->resume = s->cut;
		s->pre = "\n    ";
		return 0;
	}
	s->cut = j->tok[last].end;
	s->resume = s->cut;
	s->pre = ",\n    ";
	return 0;
}

static int lock_report(const char *dir)
{
	char path[600];
	int fd, waited = 0;

	dbd_snprintf(path, sizeof(path), "%s/early.lock", dir[0] ? dir : ".");
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX | LOCK_NB)) {
		struct timespec ts = { 0, 10 * 1000000L };

		if (errno != EWOULDBLOCK && errno != EINTR)
			break;
		if ((waited += 10) > LOCK_WAIT_MS) {
			agent_log(LOG_WARN, "could not lock '%s' within %d ms: writing the report "
				  "without the lock", path, LOCK_WAIT_MS);
			break;
		}
		nanosleep(&ts, NULL);
	}
	return fd;
}

/* The old report, read whole into OLD: its length, or <0. */
static long read_old(const char *path)
{
	size_t len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (len < sizeof(old) && (n = read(fd, old + len, sizeof(old) - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return -EIO;
		}
		len += (size_t)n;
	}
	close(fd);
	return len == sizeof(old) ? -EFBIG : (long)len;
}

static int merge_locked(const struct agent_conf *c, const struct agent_state *st,
			const char *status, unsigned int i, const char *dir, const char *path)
{
	struct splice s = { 0 };
	struct dbd_json j;
	long len = read_old(path);

	if (len == -ENOENT)
		return agent_report_write(c, st, status);
	if (len < 0 || dbd_json_parse(old, (size_t)len, tok, TOKENS_MAX, &j) ||
	    find_place(&j, st->manifest.vol[i].minor, &s)) {
		agent_log(LOG_WARN, "'%s' is not a report this agent can add to (%s): replaced by "
			  "this run's", path, len < 0 ? strerror((int)-len) : "not one it wrote");
		return agent_report_write(c, st, status);
	}
	s.len = (size_t)len;
	s.entry_len = agent_report_volume(c, st, i, entry, sizeof(entry));
	if (!s.entry_len)
		return -ENOSPC;
	return agent_report_replace(dir, path, fill, &s);
}

int agent_report_merge(const struct agent_conf *c, const struct agent_state *st, const char *status)
{
	char dir[512], path[600];
	unsigned int i;
	int lock, ret;

	for (i = 0; i < st->manifest.n && st->vol[i].outcome == V_SKIPPED; i++)
		;
	if (i == st->manifest.n)
		return 0;	/* no such volume: said already, nothing to add */
	agent_report_path(c, dir, sizeof(dir), path, sizeof(path));
	if (dir[0] && agent_mkdir_p(dir))
		return -errno;
	lock = lock_report(dir);
	ret = merge_locked(c, st, status, i, dir, path);
	if (lock >= 0)
		close(lock);
	return ret;
}
