// SPDX-License-Identifier: GPL-2.0-or-later
/* dbdboot verdict: reading its evidence (evidence.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbdboot.h"
#include "evidence.h"
#include "files.h"
#include "jsonread.h"
#include "record.h"
#include "rootpath.h"
#include "uuid.h"

#define REPORT_PATH "/run/dbdboot/early.json"
#define RECORD_RUN "/run/dbdboot/shutdown.json"
#define PREVIOUS_RUN "/run/dbdboot/previous-verdict.json"
#define NONE_TEXT "none\n"
#define MAX_TOKENS 8192
#define MAX_FILE (1u << 20)

static struct dbd_jtok tok[MAX_TOKENS];

/* Parse the file at root-relative PATH (its text in *BUF, to free) into J. */
static int parse_file(const char *path, unsigned char **buf, struct dbd_json *j)
{
	char p[PATH_MAX];
	size_t len;
	int ret;

	*buf = NULL;
	ret = read_file(rpath(p, "%s", path), MAX_FILE, buf, &len);
	if (ret)
		return ret;
	ret = dbd_json_parse((const char *)*buf, len, tok, MAX_TOKENS, j);
	if (ret) {
		ERR("could not read '%s': not the JSON dbdboot writes (%s)",
		    path, strerror(-ret));
		return -EBADMSG;
	}
	return 0;
}

/*
 * The text of a once-a-boot input: RUN when this boot already took it,
 * else KEPT, copied to RUN first (and removed after when REMOVE). -ENOENT
 * when there was none this boot.
 */
static int consume(const char *kept, const char *run, int remove, unsigned char **buf,
		   struct dbd_json *j)
{
	char p[PATH_MAX], r[PATH_MAX];
	unsigned char *text = NULL;
	size_t len;
	int ret;

	ret = read_file(rpath(r, "%s", run), MAX_FILE, &text, &len);
	if (!ret) {
		int none = len == strlen(NONE_TEXT) && !memcmp(text, NONE_TEXT, len);

		free(text);
		return none ? -ENOENT : parse_file(run, buf, j);
	}
	ret = read_file(rpath(p, "%s", kept), MAX_FILE, &text, &len);
	if (ret && ret != -ENOENT) {
		ERR("could not read '%s': %s", kept, strerror(-ret));
		return ret;
	}
	if (write_atomic(r, ret ? NONE_TEXT : (const char *)text, ret ? strlen(NONE_TEXT) : len,
			 0644))
		warn("could not keep '%s' for this boot's later verdicts: they may judge "
		     "differently", run);
	else if (!ret && remove)
		remove_path(p, 0);
	free(text);
	if (ret)
		return -ENOENT;
	return parse_file(run, buf, j);
}

static void get_str(const struct dbd_json *j, int obj, const char *key, char *out, size_t size)
{
	if (dbd_json_get_str(j, obj, key, out, size))
		out[0] = '\0';
}

int ev_report_index(const struct ev_report *r, unsigned int minor)
{
	for (unsigned int i = 0; i < r->n; i++)
		if (r->vol[i].minor == minor)
			return (int)i;
	return -1;
}

int ev_outcome_reloaded(const char *outcome)
{
	return !strcmp(outcome, "reloaded") || !strcmp(outcome, "already-reloaded");
}

int ev_read_report(struct ev_report *r)
{
	unsigned char *buf;
	struct dbd_json j;
	int ret, vols, mod;

	memset(r, 0, sizeof(*r));
	ret = parse_file(REPORT_PATH, &buf, &j);
	if (ret == -ENOENT)
		return 0;
	if (ret) {
		free(buf);
		if (ret != -EBADMSG)
			ERR("could not read '%s': %s", REPORT_PATH, strerror(-ret));
		return ret;
	}
	r->present = 1;
	get_str(&j, 0, "status", r->status, sizeof(r->status));
	mod = dbd_json_get(&j, 0, "module");
	get_str(&j, mod, "outcome", r->module, sizeof(r->module));
	get_str(&j, mod, "error", r->module_error, sizeof(r->module_error));
	get_str(&j, mod, "message", r->module_message, sizeof(r->module_message));
	vols = dbd_json_get(&j, 0, "volumes");
	for (unsigned int i = 0; r->n < EV_MAX; i++) {
		int v = dbd_json_at(&j, vols, i);
		long long minor;

		if (v < 0)
			break;
		if (dbd_json_get_int(&j, v, "minor", &minor) || minor < 0 || minor > 254)
			continue;
		r->vol[r->n].minor = (unsigned int)minor;
		get_str(&j, v, "outcome", r->vol[r->n].outcome, sizeof(r->vol[0].outcome));
		get_str(&j, v, "error", r->vol[r->n].error, sizeof(r->vol[0].error));
		get_str(&j, v, "journal", r->vol[r->n].journal, sizeof(r->vol[0].journal));
		get_str(&j, v, "phase", r->vol[r->n].phase, sizeof(r->vol[0].phase));
		get_str(&j, v, "mounted_at_reload", r->vol[r->n].mounted, sizeof(r->vol[0].mounted));
		get_str(&j, v, "message", r->vol[r->n].message, sizeof(r->vol[0].message));
		if (dbd_json_get_int(&j, v, "seqid", &r->vol[r->n].seqid))
			r->vol[r->n].seqid = -1;
		r->n++;
	}
	free(buf);
	return 0;
}

static void record_volume(struct ev_record *r, const struct dbd_json *j, int v)
{
	char hex[40];
	long long minor, n;

	if (dbd_json_get_int(j, v, "minor", &minor) || minor < 0 || minor > 254)
		return;
	r->vol[r->n].minor = (unsigned int)minor;
	r->vol[r->n].has_uuid = !dbd_json_get_str(j, v, "uuid", hex, sizeof(hex)) &&
				!dbd_uuid_parse(hex, r->vol[r->n].uuid);
	r->vol[r->n].seqid = dbd_json_get_int(j, v, "seqid", &n) ? -1 : n;
	r->vol[r->n].state = dbd_json_get_int(j, v, "state", &n) ? -1 : n;
	r->vol[r->n].has_error = !dbd_json_get_int(j, v, "error", &r->vol[r->n].error);
	r->vol[r->n].ids_from_manifest = !dbd_json_get_str(j, v, "ids_from", hex, sizeof(hex)) &&
					 !strcmp(hex, "manifest");
	r->n++;
}

/* A volume the guard stopped; one it failed to stop is still a volume. */
static void record_stopped(struct ev_record *r, const struct dbd_json *j, int v)
{
	char hex[40];
	long long minor, n;

	if (dbd_json_get_int(j, v, "minor", &minor) || minor < 0 || minor > 254 ||
	    dbd_json_bool(j, dbd_json_get(j, v, "stopped")) != 1)
		return;
	r->stopped[r->nstopped].minor = (unsigned int)minor;
	get_str(j, v, "block_device", r->stopped[r->nstopped].bdev, sizeof(r->stopped[0].bdev));
	get_str(j, v, "why", r->stopped[r->nstopped].why, sizeof(r->stopped[0].why));
	r->stopped[r->nstopped].has_uuid = !dbd_json_get_str(j, v, "uuid", hex, sizeof(hex)) &&
					   !dbd_uuid_parse(hex, r->stopped[r->nstopped].uuid);
	r->stopped[r->nstopped].seqid = dbd_json_get_int(j, v, "seqid", &n) ? -1 : n;
	r->nstopped++;
}

int ev_read_manifest(struct dbd_manifest *m)
{
	unsigned char *text = NULL;
	char p[PATH_MAX];
	size_t len;
	int ret;

	memset(m, 0, sizeof(*m));
	ret = read_file(rpath(p, MANIFEST_PATH), DBD_MANIFEST_MAX_SIZE, &text, &len);
	if (ret == -ENOENT)
		return 0;
	if (ret) {
		ERR("could not read '%s': %s", MANIFEST_PATH, strerror(-ret));
		return ret;
	}
	ret = dbd_manifest_parse((const char *)text, len, m, NULL, NULL);
	free(text);
	if (ret)
		ERR("could not read '%s': not a manifest this dbdboot reads", MANIFEST_PATH);
	return ret;
}

const struct dbd_volume *ev_manifest_volume(const struct dbd_manifest *m, unsigned int minor)
{
	for (unsigned int i = 0; i < m->n; i++)
		if (m->vol[i].minor == minor)
			return &m->vol[i];
	return NULL;
}

int ev_read_record(struct ev_record *r)
{
	unsigned char *buf = NULL;
	struct dbd_json j;
	long long version;
	int ret, vols;

	memset(r, 0, sizeof(*r));
	ret = consume(RECORD_PATH, RECORD_RUN, 1, &buf, &j);
	if (ret) {
		free(buf);
		return ret == -ENOENT ? 0 : ret;
	}
	if (dbd_json_get_int(&j, 0, "record_version", &version) || version != RECORD_VERSION) {
		free(buf);
		ERR("could not read '%s': not a shutdown record of version %d",
		    RECORD_RUN, RECORD_VERSION);
		return -EPROTO;
	}
	r->present = 1;
	get_str(&j, 0, "boot_id", r->boot_id, sizeof(r->boot_id));
	get_str(&j, 0, "driver", r->driver, sizeof(r->driver));
	r->initrds_stale = dbd_json_bool(&j, dbd_json_get(&j, 0, "initrds_stale")) != 0;
	r->judged = dbd_json_bool(&j, dbd_json_get(&j, 0, "judged")) == 1;
	get_str(&j, 0, "stale_kernels", r->stale_kernels, sizeof(r->stale_kernels));
	vols = dbd_json_get(&j, 0, "volumes");
	for (unsigned int i = 0; r->n < EV_MAX; i++) {
		int v = dbd_json_at(&j, vols, i);

		if (v < 0)
			break;
		record_volume(r, &j, v);
	}
	vols = dbd_json_get(&j, 0, "stopped");
	for (unsigned int i = 0; r->nstopped < EV_MAX; i++) {
		int v = dbd_json_at(&j, vols, i);

		if (v < 0)
			break;
		record_stopped(r, &j, v);
	}
	free(buf);
	return 0;
}

int ev_judged_this_boot(const char *boot)
{
	unsigned char *buf = NULL;
	struct dbd_json j;
	char id[64];
	int ret;

	ret = parse_file(VERDICT_PATH_RUN, &buf, &j);
	ret = !ret && !dbd_json_get_str(&j, 0, "boot_id", id, sizeof(id)) && !strcmp(id, boot);
	free(buf);
	return ret;
}

int ev_read_previous(struct ev_previous *p)
{
	unsigned char *buf = NULL;
	struct dbd_json j;
	char s[64];
	int ret, vols;

	memset(p, 0, sizeof(*p));
	ret = consume(VERDICT_PATH_KEPT, PREVIOUS_RUN, 0, &buf, &j);
	if (ret) {
		free(buf);
		return ret == -ENOENT ? 0 : ret;
	}
	vols = dbd_json_get(&j, 0, "volumes");
	for (unsigned int i = 0; p->n < EV_MAX; i++) {
		int v = dbd_json_at(&j, vols, i);
		long long minor;
		char hex[40];

		if (v < 0)
			break;
		get_str(&j, v, "verdict", s, sizeof(s));
		if (strcmp(s, "chain-broken") || dbd_json_get_int(&j, v, "minor", &minor) ||
		    minor < 0 || minor > 254 || dbd_json_get_str(&j, v, "uuid", hex, sizeof(hex)) ||
		    dbd_uuid_parse(hex, p->broken[p->n].uuid))
			continue;
		p->broken[p->n].minor = (unsigned int)minor;
		get_str(&j, v, "message", p->broken[p->n].message, sizeof(p->broken[0].message));
		p->n++;
	}
	free(buf);
	return 0;
}
