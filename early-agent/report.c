// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot-early: the report, RUN/dbdboot/early.json, written to a
 * temporary file, fsynced and renamed. Format: doc/dbdboot-early.8.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "atomic.h"
#include "jsonstr.h"

#define REPORT_VERSION 1

/* The report is written in pieces through a small buffer: no size limit,
 * whatever the manifest's volumes and paths (see dbd_manifest limits). */
struct out {
	int fd;		/* <0: into MEM instead */
	int err;	/* the first write error */
	size_t len;
	char *mem;
	size_t mem_len, mem_size;
	char buf[4096];
};

static void flush_out(struct out *o)
{
	if (o->len && !o->err && o->fd >= 0) {
		o->err = dbd_write_all(o->fd, o->buf, o->len);
	} else if (o->len && !o->err) {
		if (o->len > o->mem_size - o->mem_len)
			o->err = -ENOSPC;
		else
			memcpy(o->mem + o->mem_len, o->buf, o->len);
		o->mem_len += o->err ? 0 : o->len;
	}
	o->len = 0;
}

static void emit(void *ctx, const char *p, size_t n)
{
	struct out *o = ctx;

	while (n) {
		size_t room = sizeof(o->buf) - o->len, k = n < room ? n : room;

		memcpy(o->buf + o->len, p, k);
		o->len += k;
		p += k;
		n -= k;
		if (o->len == sizeof(o->buf))
			flush_out(o);
	}
}

/* Formatted text without strings of unbounded length (those: put_str). */
__attribute__((format(printf, 2, 3)))
static void put(struct out *o, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = dbd_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		emit(o, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

/* A JSON string, escaped as JSON requires (lib/jsonstr.h). */
static void put_str(struct out *o, const char *s)
{
	emit(o, "\"", 1);
	dbd_json_escape(s, emit, o);
	emit(o, "\"", 1);
}

static void put_kv_str(struct out *o, const char *key, const char *val, const char *end)
{
	put(o, "\"%s\": ", key);
	put_str(o, val);
	put(o, "%s", end);
}

const char *agent_vol_outcome_str(enum vol_outcome o)
{
	switch (o) {
	case V_PENDING:
		return "not-started";
	case V_WAITING:
		return "waiting-for-device";
	case V_RELOADING:
		return "reload-unfinished";
	case V_RELOADED:
		return "reloaded";
	case V_TOO_LATE:
		return "too-late";
	case V_NO_DEVICE:
		return "no-device";
	case V_FAILED:
		return "failed";
	case V_DEFERRED:
		return "left-to-root";
	case V_ALREADY:
		return "already-reloaded";
	case V_SKIPPED:
		return "skipped";
	}
	return "unknown";
}

const char *agent_errno_name(int err)
{
	static const struct {
		int e;
		const char *name;
	} names[] = {
		{ EINVAL, "EINVAL" }, { EBUSY, "EBUSY" }, { ENOENT, "ENOENT" }, { EFAULT, "EFAULT" },
		{ ENOMEM, "ENOMEM" }, { ENOTBLK, "ENOTBLK" }, { ENODEV, "ENODEV" }, { ENOTTY, "ENOTTY" },
		{ EACCES, "EACCES" }, { EPERM, "EPERM" }, { ENOEXEC, "ENOEXEC" }, { EIO, "EIO" },
		{ EKEYREJECTED, "EKEYREJECTED" }, { ENOKEY, "ENOKEY" }, { EBADMSG, "EBADMSG" },
		{ EPROTO, "EPROTO" }, { EFBIG, "EFBIG" }, { E2BIG, "E2BIG" }, { ENXIO, "ENXIO" },
		{ ENAMETOOLONG, "ENAMETOOLONG" }, { ETIMEDOUT, "ETIMEDOUT" }, { EEXIST, "EEXIST" },
	};
	size_t i;

	if (!err)
		return "";
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == -err)
			return names[i].name;
	return "EOTHER";
}

static const char *module_str(enum mod_outcome m)
{
	static const char *const s[] = { "not-started", "loading-unfinished", "already-loaded",
					 "loaded", "failed" };

	return m <= M_FAILED ? s[m] : "unknown";
}

static const char *manifest_str(enum man_outcome m)
{
	static const char *const s[] = { "not-read", "read", "missing", "invalid", "newer-version",
					 "unreadable" };

	return m <= MF_UNREADABLE ? s[m] : "unknown";
}

static const char *mount_str(enum vol_mount m)
{
	static const char *const s[] = { "not-checked", "no", "read-only", "read-write",
					 "unknown" };

	return m <= VM_UNKNOWN ? s[m] : "unknown";
}

static void put_volume(struct out *o, const struct agent_conf *c, const struct agent_state *st,
		       unsigned int i)
{
	const struct dbd_volume *v = &st->manifest.vol[i];
	const struct vol_state *vs = &st->vol[i];

	put(o, "{\"minor\": %u, ", v->minor);
	put_kv_str(o, "phase", c->phase, ", ");
	put_kv_str(o, "device", v->device, ", ");
	put_kv_str(o, "path", vs->path, ", ");
	put(o, "\"mode\": \"%s\", \"stage\": \"%s\", ", dbd_mode_str(v->mode),
	    dbd_stage_str(v->stage));
	put_kv_str(o, "cow", v->cow, ", ");
	/* The seqid the manifest gave: the COW file's at the last sync, so the
	 * one a reload resumes (dbdboot's shutdown guard compares it). */
	put(o, "\"seqid\": %lld, ", v->has_seqid ? (long long)v->seqid : -1LL);
	put(o, "\"line\": %u, \"outcome\": \"%s\", \"error\": \"%s\", ", v->line,
	    agent_vol_outcome_str(vs->outcome), agent_errno_name(vs->error));
	put_kv_str(o, "message", vs->message, ", ");
	put(o, "\"fs\": \"%s\", \"journal\": \"%s\", \"mounted_at_reload\": \"%s\", ",
	    dbd_fs_type_str(vs->fstype), dbd_journal_str(vs->journal), mount_str(vs->mounted));
	put(o, "\"found_ms\": %ld, \"reload_ms\": %ld, \"done_ms\": %ld}", vs->found_ms,
	    vs->reload_ms, vs->done_ms);
}

size_t agent_report_volume(const struct agent_conf *c, const struct agent_state *st,
			   unsigned int i, char *buf, size_t size)
{
	static struct out o;

	o.fd = -1;
	o.err = 0;
	o.len = 0;
	o.mem = buf;
	o.mem_len = 0;
	o.mem_size = size;
	put_volume(&o, c, st, i);
	flush_out(&o);
	return o.err ? 0 : o.mem_len;
}

static void render(struct out *o, const struct agent_conf *c, const struct agent_state *st,
		   const char *status)
{
	unsigned int i, n = 0;

	put(o, "{\n  \"report_version\": %d,\n", REPORT_VERSION);
	put(o, "  ");
	put_kv_str(o, "agent", DBDBOOT_VERSION, ",\n  ");
	put_kv_str(o, "phase", c->phase, ",\n  ");
	put_kv_str(o, "status", status, ",\n");
	put(o, "  \"timeout_ms\": %ld,\n  \"elapsed_ms\": %ld,\n", (long)c->timeout * 1000, st->end_ms);
	put(o, "  \"module\": {\"outcome\": \"%s\", ", module_str(st->module));
	put_kv_str(o, "path", st->module_path, ", ");
	put(o, "\"error\": \"%s\", ", agent_errno_name(st->module_error));
	put_kv_str(o, "message", st->module_error ? dbd_modload_strerror(st->module_error) : "", ", ");
	put(o, "\"ms\": %ld, \"by\": \"%s\", ", st->module_ms, st->by_preload ? "early" : "agent");
	put(o, "\"started_ms\": %ld, ", st->load_started_ms);
	if (st->load_ended_ms == LONG_MIN)
		put(o, "\"ended_ms\": null, ");
	else
		put(o, "\"ended_ms\": %ld, ", st->load_ended_ms);
	put(o, "\"waited_ms\": %ld},\n", st->load_waited_ms);
	put(o, "  \"manifest\": {\"outcome\": \"%s\", ", manifest_str(st->manifest_outcome));
	put_kv_str(o, "path", c->manifest, ", ");
	put(o, "\"version\": %u, \"volumes\": %u, \"bad_lines\": %u, \"warnings\": %u},\n",
	    st->manifest.version, st->manifest.n, st->manifest.errors, st->manifest.warnings);
	put(o, "  \"volumes\": [");
	for (i = 0; i < st->manifest.n; i++) {
		if (st->vol[i].outcome == V_SKIPPED)
			continue;
		put(o, "%s\n    ", n++ ? "," : "");
		put_volume(o, c, st, i);
	}
	put(o, "%s]\n}\n", n ? "\n  " : "");
}

int agent_mkdir_p(char *path)
{
	char *s;

	for (s = path + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(path, 0755) && errno != EEXIST) {
			*s = '/';
			return -errno;
		}
		*s = '/';
	}
	return mkdir(path, 0755) && errno != EEXIST ? -errno : 0;
}

struct render_args {
	const struct agent_conf *c;
	const struct agent_state *st;
	const char *status;
};

static int fill(int fd, void *ctx)
{
	const struct render_args *a = ctx;
	static struct out o;

	o.fd = fd;
	o.err = 0;
	o.len = 0;
	render(&o, a->c, a->st, a->status);
	flush_out(&o);
	return o.err;
}

void agent_report_path(const struct agent_conf *c, char *dir, size_t dsize, char *path,
		       size_t psize)
{
	if (c->report) {
		dbd_snprintf(path, psize, "%s", c->report);
		dbd_snprintf(dir, dsize, "%s", c->report);
		*(strrchr(dir, '/') ? strrchr(dir, '/') : dir) = '\0';
	} else {
		dbd_snprintf(dir, dsize, "%s/dbdboot", c->run);
		dbd_snprintf(path, psize, "%s/early.json", dir);
	}
}

int agent_report_write(const struct agent_conf *c, const struct agent_state *st, const char *status)
{
	struct render_args a = { c, st, status };
	char dir[512], path[600];

	agent_report_path(c, dir, sizeof(dir), path, sizeof(path));
	if (dir[0] && agent_mkdir_p(dir))
		return -errno;
	return agent_report_replace(dir, path, fill, &a);
}

int agent_report_replace(const char *dir, const char *path, int (*fn)(int fd, void *ctx), void *ctx)
{
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int dfd = open(dir[0] ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret;

	if (dfd < 0)
		return -errno;
	ret = dbd_replace_at_fn(dfd, name, fn, ctx, 0644, NULL);
	close(dfd);
	return ret;
}
