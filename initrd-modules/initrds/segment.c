// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot inject --manifest-only: the manifest as one small raw cpio
 * segment at the end of a kernel's initrd, appended, or replacing the one
 * a previous call appended, the file replaced whole (write_atomic).
 *
 * Where it goes needs the end of every segment before it, and so every
 * compressed one unpacked: that is most of the cost. After each write that
 * was read back and verified, STATE_DIR/kernels/KVER/initrd-segment
 * records the new file's identity (device, inode, size, modification and
 * change times) with where its segments end and the agent it holds. When
 * the initrd is still exactly that file (no generator has replaced it, no
 * one has written it), its segments are the ones verified then: nothing is
 * unpacked, our segment is replaced and only it is read back. Any
 * difference, or no record, and the whole initrd is walked as before.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dbdboot.h"
#include "files.h"
#include "initrd.h"
#include "initrdcheck.h"
#include "inject.h"
#include "kernel.h"
#include "manifest.h"
#include "rootpath.h"
#include "sha256.h"

/* Our segment's mark: a file beside the manifest (in the initrd, as the
 * manifest, under its installed path: dbdboot-paths.h). */
static const char *segment_mark(void)
{
	static char mark[PATH_MAX];

	if (!mark[0]) {
		const char *slash = strrchr(MANIFEST_PATH, '/');

		snprintf(mark, sizeof(mark), "%.*s/.manifest-segment",
			 (int)(slash - MANIFEST_PATH - 1), MANIFEST_PATH + 1);
	}
	return mark;
}
#define RECORD "initrd-segment"

unsigned int inject_whole_walks;

/* Where the segments of an initrd end, as far as our segment goes. */
struct layout {
	size_t cut;		/* where the file is cut: our old segment, else its end */
	size_t prev_end;	/* end of the last segment that is not ours (0: none) */
};

/* One cpio "newc" entry appended to BUF at *LEN (room is the caller's). */
static size_t cpio_entry(unsigned char *buf, size_t len, const char *name, unsigned int mode,
			 const void *data, size_t size, unsigned int ino)
{
	size_t n = strlen(name) + 1;

	len += (size_t)sprintf((char *)buf + len,
			       "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", ino,
			       mode, 0u, 0u, 1u, 0u, size, 0u, 0u, 0u, 0u, n, 0u);
	memcpy(buf + len, name, n);
	len += n;
	while (len % 4)
		buf[len++] = 0;
	if (size)
		memcpy(buf + len, data, size);
	len += size;
	while (len % 4)
		buf[len++] = 0;
	return len;
}

/* What a walk of the whole initrd notes: the last two segments, whether
 * the last one is ours (raw, marked), and the agent it holds. */
struct seg_scan {
	struct dbd_initrd_segment last, before_last;
	unsigned int nsegments;
	long mark_segment;
	long foreign_segment;	/* the last segment with an entry not ours */
	const unsigned char *agent;	/* the installed one, to compare */
	size_t agent_len;
	int agent_seen, agent_same;
	int cut;		/* some segment was only partly unpacked */
};

/* A scan before its walk: no mark, no foreign entry seen yet. */
static void seg_scan_start(struct seg_scan *s, const unsigned char *agent, size_t alen)
{
	*s = (struct seg_scan){ .mark_segment = -1, .foreign_segment = -1, .agent = agent,
				.agent_len = alen };
}

/* Is NAME one of the entries our segment holds: the manifest, the mark,
 * or a directory above the manifest? */
static int ours(const char *name)
{
	const char *m = MANIFEST_PATH + 1;
	size_t n = strlen(name);

	return !strcmp(name, segment_mark()) || !strcmp(name, m) ||
	       (n && !strncmp(name, m, n) && m[n] == '/');
}

static int seg_visit(void *ctx, const struct dbd_initrd_entry *e)
{
	struct seg_scan *s = ctx;

	if (!strcmp(e->name, segment_mark()) && e->comp == DBD_COMP_NONE)
		s->mark_segment = e->segment;
	/* A segment is ours only when it holds nothing else: an initrd
	 * repacked whole after a manifest-only run has the mark among
	 * everything, and cutting it there would drop everything. */
	if (!ours(e->name))
		s->foreign_segment = e->segment;
	if (initrd_is_agent(e->name)) {
		s->agent_seen = 1;	/* the last copy wins, as in the kernel */
		s->agent_same = e->size == s->agent_len && !memcmp(e->data, s->agent, e->size);
	}
	return 0;
}

static int seg_end(void *ctx, const struct dbd_initrd_segment *seg)
{
	struct seg_scan *s = ctx;

	s->before_last = s->last;
	s->last = *seg;
	s->nsegments++;
	s->cut |= seg->cut;
	return 0;
}

/*
 * The layout of the LEN bytes at BUF, every segment walked; *AGENT_OK
 * unless it holds an agent other than the installed one (AGENT, ALEN).
 * A zstd segment's end is read from its frame's block headers, and of it
 * only the first WALK_PREFIX bytes are unpacked to find the agent, which
 * both generators put near the start; only when it is not there is the
 * whole initrd unpacked.
 */
#define WALK_PREFIX (8u << 20)

static int layout_walk(const unsigned char *buf, size_t len, const unsigned char *agent,
		       size_t alen, struct layout *l, int *agent_ok, char *why, size_t whylen)
{
	struct seg_scan s;
	int ret;

	seg_scan_start(&s, agent, alen);
	ret = dbd_initrd_walk_prefix(buf, len, WALK_PREFIX, seg_visit, seg_end, &s, why, whylen);
	VERBOSE("%u segments, %s; the agent %s", s.nsegments,
		s.cut ? "zstd ends read from its frame headers" : "all unpacked",
		s.agent_seen ? "found" : "not found");
	if (!ret && s.cut && !s.agent_seen) {
		seg_scan_start(&s, agent, alen);
		inject_whole_walks++;
		ret = dbd_initrd_walk_segments(buf, len, seg_visit, seg_end, &s, why, whylen);
	} else if (!s.cut) {
		inject_whole_walks++;
	}
	if (ret < 0)
		return ret;
	if (s.nsegments && s.mark_segment >= 0 && (unsigned int)s.mark_segment == s.last.index &&
	    s.foreign_segment != s.mark_segment) {
		l->cut = s.last.start;
		l->prev_end = s.nsegments > 1 ? s.before_last.end : 0;
	} else {
		l->cut = len;
		l->prev_end = s.nsegments ? s.last.end : 0;
	}
	/* Stale only when there and not the installed one (an older agent may
	 * not read this manifest); none at all is status's to report. */
	*agent_ok = !agent || !s.agent_seen || s.agent_same;
	return 0;
}

/*
 * Where our segment starts: at least 4 zero bytes after the end of the
 * segment before it, on a 4-byte boundary, and not before the cut. The
 * kernel's lz4 decoder reads any other 4 bytes after its stream as a block
 * size (and fails), and a raw archive must start on a 4-byte boundary;
 * every other decoder stops at its own end mark, and zeros are skipped.
 */
static size_t segment_start(const struct layout *l)
{
	size_t start = l->prev_end ? (l->prev_end + 4 + 3) & ~(size_t)3 : 0;

	return start < l->cut ? (l->cut + 3) & ~(size_t)3 : start;
}

/* The record of file ST (at INITRD, laid out as L, holding the agent of
 * sha256 SHA), into OUT. */
static void record_text(const struct stat *st, const char *initrd, const struct layout *l,
			const char *sha, char *out, size_t n)
{
	char id[160];

	file_identity(st, id, sizeof(id));
	snprintf(out, n, "initrd-segment 1\npath %s\nfile %s\nlayout %zu %zu\nagent %s\n",
		 initrd, id, l->cut, l->prev_end, sha);
}

/* The recorded layout into L when ST is still the file recorded and SHA
 * the agent recorded: 1, else 0. */
static int record_matches(const char *kver, const char *initrd, const struct stat *st,
			  const char *sha, struct layout *l)
{
	unsigned char *text = NULL;
	char p[PATH_MAX], want[PATH_MAX + 256];
	size_t n;
	int same;

	if (!sha[0] || read_file(state_path(p, kver, RECORD), 8192, &text, &n))
		return 0;
	same = sscanf((char *)text, "%*[^\n]\n%*[^\n]\n%*[^\n]\nlayout %zu %zu", &l->cut,
		      &l->prev_end) == 2;
	if (same) {
		record_text(st, initrd, l, sha, want, sizeof(want));
		same = n == strlen(want) && !memcmp(text, want, n) &&
		       l->cut <= (size_t)st->st_size && l->prev_end <= l->cut;
	}
	free(text);
	return same;
}

struct back {
	const unsigned char *man;
	size_t mlen;
	int mark, manifest;
};

static int back_visit(void *ctx, const struct dbd_initrd_entry *e)
{
	struct back *b = ctx;

	if (!strcmp(e->name, segment_mark()))
		b->mark = 1;
	else if (!strcmp(e->name, MANIFEST_PATH + 1))
		b->manifest = e->size == b->mlen && !memcmp(e->data, b->man, b->mlen);
	return 0;
}

/* LEN bytes from FD's start into BUF: the count read, or -1. */
static ssize_t read_all_at(int fd, unsigned char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, buf + done, len - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -1 : (ssize_t)done;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/* PATH read back whole through one descriptor: the LEN bytes WROTE, our
 * segment at START holding the manifest MAN; *ST the identity of the file
 * so verified (not of whatever the path names a moment later: a generator
 * may replace it). 0, or <0 with WHY. */
static int read_back(const char *path, const unsigned char *wrote, size_t start, size_t len,
		     const unsigned char *man, size_t mlen, struct stat *st, char *why,
		     size_t whylen)
{
	struct back b = { .man = man, .mlen = mlen };
	unsigned char *all;
	ssize_t got;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, st)) {
		ret = -errno;
		snprintf(why, whylen, "could not read it back: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return ret;
	}
	if ((uintmax_t)st->st_size != len) {
		close(fd);
		snprintf(why, whylen, "it is %jd bytes, not the %zu written", (intmax_t)st->st_size,
			 len);
		return -EBADMSG;
	}
	all = malloc(len ? len : 1);
	got = all ? read_all_at(fd, all, len) : -1;
	close(fd);
	if (got != (ssize_t)len) {
		free(all);
		snprintf(why, whylen, "could not read it back");
		return all ? -EIO : -ENOMEM;
	}
	if (memcmp(all, wrote, len)) {
		free(all);
		snprintf(why, whylen, "it does not hold the bytes written (another program wrote it?)");
		return -EBADMSG;
	}
	ret = dbd_initrd_walk(all + start, len - start, back_visit, &b, why, whylen);
	if (!ret && (!b.mark || !b.manifest)) {
		snprintf(why, whylen, "its last segment does not hold the manifest written");
		ret = -EBADMSG;
	}
	free(all);
	return ret;
}

/* OLD (OLEN bytes) cut at L, then our segment with manifest MAN: into *OUT. */
static int build(const unsigned char *old, const struct layout *l, const unsigned char *man,
		 size_t mlen, unsigned char **out, size_t *start, size_t *len)
{
	static const char mark[] = "written by dbdboot inject --manifest-only\n";
	char dir[PATH_MAX];
	unsigned int ino = 1;
	size_t n;

	*start = segment_start(l);
	*out = malloc(*start + mlen + 3 * PATH_MAX + 1024);
	if (!*out)
		return -ENOMEM;
	memcpy(*out, old, l->cut);
	memset(*out + l->cut, 0, *start - l->cut);
	n = *start;
	/* The manifest's directories, each one, then the mark and the manifest. */
	snprintf(dir, sizeof(dir), "%s", MANIFEST_PATH + 1);
	for (char *s = strchr(dir, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		n = cpio_entry(*out, n, dir, 040755, NULL, 0, ino++);
		*s = '/';
	}
	n = cpio_entry(*out, n, segment_mark(), 0100644, mark, sizeof(mark) - 1, ino++);
	n = cpio_entry(*out, n, MANIFEST_PATH + 1, 0100644, man, mlen, ino);
	*len = cpio_entry(*out, n, "TRAILER!!!", 0, NULL, 0, 0);
	return 0;
}

/* Write the initrd at P (INITRD under the root, read as OLD, its stat ST)
 * cut as L with our segment after, read it back, record it. */
static int write_segment(const char *kver, const char *initrd, const char *p,
			 const unsigned char *old, const struct stat *st, const struct layout *l,
			 const unsigned char *man, size_t mlen, const char *sha, size_t *len)
{
	unsigned char *out = NULL;
	char why[256], rec[PATH_MAX + 256];
	struct layout now = *l;
	struct stat nst;
	size_t start;
	int ret = build(old, l, man, mlen, &out, &start, len);

	if (ret) {
		ERR("could not make the manifest segment: %s", strerror(-ret));
		return ret;
	}
	/* Only over the file read: a generator may have made a new one since. */
	ret = write_atomic_expect(p, out, *len, st->st_mode & 07777, st);
	if (!ret && read_back(p, out, start, *len, man, mlen, &nst, why, sizeof(why))) {
		free(out);
		ERR("could not verify '%s': %s; run dbdboot inject -k %s to make "
		    "it anew", initrd, why, kver);
		return -EBADMSG;
	}
	free(out);
	if (ret == -ESTALE) {
		ERR("could not write '%s': it changed while dbdboot read it (an initrd "
		    "generator wrote it?); it is left as it is now: run dbdboot inject -k %s "
		    "--manifest-only again", initrd, kver);
		return ret;
	}
	if (ret) {
		ERR("could not write '%s': %s; the old one is unchanged", initrd,
		    strerror(-ret));
		return ret;
	}
	now.cut = start;
	/* The identity of the file verified (its descriptor's), not a stat of
	 * the path: a generator that replaced it since is not paired with
	 * this layout. */
	if (sha[0]) {
		record_text(&nst, initrd, &now, sha, rec, sizeof(rec));
		if (state_write(kver, RECORD, rec))
			warn("%s: could not record '%s' as verified: the next --manifest-only "
			     "reads it whole again", kver, initrd);
	}
	return 0;
}

int inject_manifest(const char *kver, const char *initrd, int *agent_stale)
{
	unsigned char *old = NULL, *man = NULL, *agent = NULL;
	char p[PATH_MAX], why[256], sha[65] = "";
	struct dbd_manifest m;
	struct layout l;
	size_t olen, mlen, alen = 0, len = 0;
	struct stat st;
	int ret, fast, agent_ok = 1;

	*agent_stale = 0;
	ret = read_file(rpath(p, MANIFEST_PATH), 1u << 20, &man, &mlen);
	if (ret) {
		ERR("could not read '%s': %s", MANIFEST_PATH, strerror(-ret));
		return ret;
	}
	ret = dbd_manifest_parse((char *)man, mlen, &m, NULL, NULL);
	if (ret < 0) {
		ERR("could not use '%s': it is not a dbdboot manifest the agent reads "
		    "(see dbdboot-manifest(5))", MANIFEST_PATH);
		goto out;
	}
	if (m.errors)
		warn("'%s' has %u bad lines: the agent will skip them", MANIFEST_PATH, m.errors);
	if (!read_file(rpath(p, AGENT_PATH), 16u << 20, &agent, &alen))
		sha256_hex(agent, alen, sha);
	/* The file is replaced whole, never written through a link (which
	 * could lead out of the root, or into another kernel's initrd). */
	if (!lstat(rpath(p, "%s", initrd), &st) && S_ISLNK(st.st_mode)) {
		char to[PATH_MAX];
		ssize_t n = readlink(p, to, sizeof(to) - 1);

		to[n > 0 ? n : 0] = '\0';
		ERR("could not add the manifest to '%s': it is a symbolic link (to '%s'), and "
		    "dbdboot replaces an initrd whole rather than write through a link; make "
		    "it the file itself (cp --remove-destination '%s' '%s'), or run "
		    "dbdboot inject -k %s to have the generator make it", initrd, to, to,
		    initrd, kver);
		ret = -ELOOP;
		goto out;
	}
	ret = read_file_st(rpath(p, "%s", initrd), 2u << 30, &old, &olen, &st);
	if (ret) {
		ERR("could not read '%s': %s", initrd, strerror(-ret));
		goto out;
	}
	fast = record_matches(kver, initrd, &st, sha, &l);
	VERBOSE("%s: '%s' %s", kver, initrd, fast ? "is the file verified last time: not walked" :
		"is not the file recorded last time: walked");
	if (!fast) {
		ret = layout_walk(old, olen, agent, alen, &l, &agent_ok, why, sizeof(why));
		if (ret < 0) {
			ERR("could not read '%s': %s; not changed (run dbdboot inject -k %s to "
			    "make it anew)", initrd, why, kver);
			goto out;
		}
		ret = 0;
		if (!agent_ok) {
			*agent_stale = 1;
			goto out;
		}
	}
	ret = write_segment(kver, initrd, p, old, &st, &l, man, mlen, sha, &len);
	if (!ret)
		info("%s: manifest %s in '%s' (%zu bytes, was %zu)%s", kver,
		     l.cut < olen ? "replaced" : "appended", initrd, len, olen,
		     fast ? "; the rest as verified before" : "");
out:
	free(old);
	free(man);
	free(agent);
	return ret;
}
