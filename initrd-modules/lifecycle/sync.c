// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot sync [--check] [-J]: write /etc/dbdboot/manifest from dattobd's
 * live state, and put it into every installed kernel's initrd when it
 * changed. Lines it writes carry by=sync; lines written by hand are kept
 * as they are, unless they name a minor or a device dattobd now tracks
 * (then the live state replaces them, and it says so).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "dbdboot.h"
#include "dbdboot/dattobd.h"
#include "facts.h"
#include "files.h"
#include "inject.h"
#include "kernel.h"
#include "manifest.h"
#include "names.h"
#include "rootpath.h"
#include "sync.h"
#include "uuid.h"

#define HEADER "dbdboot-manifest 2\n"
#define COMMENT1 "# Written by 'dbdboot sync' from dattobd's live state: the lines with by=sync."
#define COMMENT2 "# Other lines are kept as they are (see dbdboot-manifest(5))."
#define STALE_PATH STATE_DIR "/initrds-stale"

struct cur {
	unsigned char *text;
	size_t len;
	int exists;
	struct dbd_manifest m;
};

static struct cur cur;

/* The live devices, named. */
static struct named {
	const struct dbd_datto_dev *d;
	char name[DBD_MANIFEST_MAX_DEVICE + 1];
	int ok;		/* 0: its old by=sync line (if any) stays */
} named[DBD_DATTOINFO_MAX_DEVICES];
static unsigned int nnamed;

/* A value with blanks, backslashes and control bytes as \NNN. */
static void put_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= ' ' || c == '\\' || c == 0x7f)
			fprintf(f, "\\%03o", c);
		else
			fputc(c, f);
	}
}

static const struct dbd_volume *by_line(unsigned int line)
{
	for (unsigned int i = 0; i < cur.m.n; i++)
		if (cur.m.vol[i].line == line)
			return &cur.m.vol[i];
	return NULL;
}

/* Copy line LINE (1-based) of the current text to F. */
static void put_old_line(FILE *f, unsigned int line)
{
	const char *p = (const char *)cur.text, *e = p + cur.len, *nl;

	for (unsigned int l = 1; p < e; l++, p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(e - p));
		if (!nl)
			nl = e;
		if (l == line) {
			fwrite(p, 1, (size_t)(nl - p), f);
			fputc('\n', f);
			return;
		}
	}
}

/* A COW path the driver can open inside the volume: absolute, no "..". */
static int cow_ok(const char *cow)
{
	const char *p;

	if (cow[0] != '/' || !cow[1])
		return 0;
	for (p = cow; (p = strstr(p, "/..")); p += 3)
		if (p[3] == '/' || !p[3])
			return 0;
	return 1;
}

/* Name the live device D into N; 0, or -1 when it cannot be used (said why). */
static int name_one(const struct dbd_datto_dev *d, struct named *n, int *named_by_kernel)
{
	int kind;

	n->d = d;
	if (d->bad || !d->has_state) {
		ERR("could not read minor %u from '%s' (a line dattobd wrote is not "
		    "understood)", d->minor, DBD_PROC_INFO_PATH);
		return -1;
	}
	if (!cow_ok(d->cow)) {
		ERR("could not use minor %u: its COW path '%s' is not inside its "
		    "volume (it must start with '/' and hold no '..')", d->minor, d->cow);
		return -1;
	}
	kind = volume_name(d->bdev, n->name, sizeof(n->name));
	if (kind < 0) {
		ERR("could not name minor %u's device '%s': %s", d->minor, d->bdev,
		    strerror(-kind));
		return -1;
	}
	if (kind == NAME_KERNEL) {
		warn("minor %u: '%s' has no filesystem UUID, device-mapper name, PARTUUID or "
		     "by-id link: the manifest names it by the kernel's name, which can change "
		     "at the next boot", d->minor, d->bdev);
		*named_by_kernel = 1;
	}
	n->ok = 1;
	return 0;
}

static const struct dbd_volume *sync_line_of(unsigned int minor)
{
	for (unsigned int i = 0; i < cur.m.n; i++)
		if (cur.m.vol[i].minor == minor && cur.m.vol[i].by_sync)
			return &cur.m.vol[i];
	return NULL;
}

/* stage= and mount= of live device D: where it is mounted now, else as
 * its last line said (a new one: initramfs, no mount point). */
static void place_line(FILE *f, const struct dbd_datto_dev *d, const struct dbd_volume *old)
{
	enum dbd_stage stage = old ? old->stage : DBD_STAGE_INITRAMFS;
	char mount[DBD_MANIFEST_MAX_MOUNT + 1];

	snprintf(mount, sizeof(mount), "%s", old ? old->mount : "");
	volume_place(d->bdev, &stage, mount, sizeof(mount));
	fprintf(f, " stage=%s", dbd_stage_str(stage));
	if (mount[0]) {
		fputs(" mount=", f);
		put_value(f, mount);
	}
}

/* The line of the named live device N. A minor reloaded but not yet active
 * shows no uuid or seqid: the last sync's stay. */
static void put_live(FILE *f, const struct named *n)
{
	const struct dbd_datto_dev *d = n->d;
	const struct dbd_volume *old = sync_line_of(d->minor);
	char hex[33];

	if (old && strcmp(old->device, n->name))
		old = NULL;

	fprintf(f, "volume mode=%s device=", d->state & DBD_STATE_SNAPSHOT ? "snapshot" :
		"incremental");
	put_value(f, n->name);
	fputs(" cow=", f);
	put_value(f, d->cow);
	fprintf(f, " minor=%u", d->minor);
	if (d->max_cache)
		fprintf(f, " cache=%llu", d->max_cache);
	place_line(f, d, old);
	fputs(" by=sync", f);
	if (d->has_uuid || (old && old->has_uuid)) {
		dbd_uuid_hex(d->has_uuid ? d->uuid : old->uuid, hex);
		fprintf(f, " uuid=%s", hex);
	}
	if (d->has_seqid || (old && old->has_seqid))
		fprintf(f, " seqid=%llu", d->has_seqid ? d->seqid : old->seqid);
	fputc('\n', f);
}

static const struct dbd_datto_dev *live_minor(const struct live *l, unsigned int minor)
{
	for (unsigned int i = 0; i < l->info.n; i++)
		if (l->info.dev[i].minor == minor)
			return &l->info.dev[i];
	return NULL;
}

static const struct named *named_of(unsigned int minor)
{
	for (unsigned int i = 0; i < nnamed; i++)
		if (named[i].d->minor == minor)
			return &named[i];
	return NULL;
}

/* Is the hand-written volume V replaced by a live one (same minor or device)? */
static int replaced(const struct live *l, const struct dbd_volume *v)
{
	const struct dbd_datto_dev *d = live_minor(l, v->minor);

	if (d) {
		info("line %u (written by hand) names minor %u, which dattobd tracks as '%s': "
		     "the live state replaces it", v->line, v->minor, d->bdev);
		return 1;
	}
	for (unsigned int i = 0; i < nnamed; i++) {
		if (named[i].ok && !strcmp(named[i].name, v->device)) {
			info("line %u (written by hand) names '%s', which dattobd tracks as minor "
			     "%u: the live state replaces it", v->line, v->device, named[i].d->minor);
			return 1;
		}
	}
	return 0;
}

/*
 * The volume line S (N bytes, line LINE) read on its own: a line the whole
 * file calls bad may only clash with another (the same minor or device).
 * NULL when it is bad by itself.
 */
static const struct dbd_volume *alone(const char *s, size_t n, unsigned int line)
{
	static struct dbd_manifest one;
	char buf[DBD_MANIFEST_MAX_LINE + 32];

	if (n > DBD_MANIFEST_MAX_LINE)
		return NULL;
	snprintf(buf, sizeof(buf), "dbdboot-manifest %u\n%.*s\n", cur.m.version, (int)n, s);
	if (dbd_manifest_parse(buf, strlen(buf), &one, NULL, NULL) || one.n != 1)
		return NULL;
	one.vol[0].line = line;
	return &one.vol[0];
}

/* The kept lines of the current manifest: all but the header, ours and by=sync. */
static void put_kept(FILE *f, const struct live *l)
{
	const char *p = (const char *)cur.text, *e = p + cur.len, *nl, *s;
	int header_seen = 0;

	for (unsigned int line = 1; p < e; line++, p = nl + 1) {
		const struct dbd_volume *v = by_line(line);
		size_t n;

		nl = memchr(p, '\n', (size_t)(e - p));
		if (!nl)
			nl = e;
		for (s = p; s < nl && (*s == ' ' || *s == '\t'); s++)
			;
		n = (size_t)(nl - s);
		if (n && s[n - 1] == '\r')
			n--;
		if (!n)
			continue;
		if (*s != '#' && !header_seen) {
			header_seen = 1;
			continue;
		}
		if ((n == strlen(COMMENT1) && !memcmp(s, COMMENT1, n)) ||
		    (n == strlen(COMMENT2) && !memcmp(s, COMMENT2, n)))
			continue;
		if (v && v->by_sync) {
			const struct named *k = named_of(v->minor);

			if (k && !k->ok) {
				warn("minor %u: the line of the last sync is kept", v->minor);
				put_old_line(f, line);
			} else if (!k) {
				info("minor %u ('%s') is no longer tracked: it leaves the manifest",
				     v->minor, v->device);
			}
			continue;
		}
		if (!v && n > 7 && !memcmp(s, "volume", 6))
			v = alone(s, n, line);	/* bad in context: a duplicate? */
		if (v && replaced(l, v))
			continue;
		v = by_line(line);
		if (!v && *s != '#')
			warn("line %u of '%s' is not a volume dbdboot reads: kept as it is", line,
			     MANIFEST_PATH);
		put_old_line(f, line);
	}
}

/* Read the current manifest into CUR: 0 (also when absent), or <0 after saying why. */
static int read_current(void)
{
	char p[PATH_MAX];
	int ret;

	free(cur.text);
	memset(&cur, 0, sizeof(cur));
	ret = read_file(rpath(p, MANIFEST_PATH), DBD_MANIFEST_MAX_SIZE, &cur.text, &cur.len);
	if (ret == -ENOENT)
		return 0;
	if (ret) {
		ERR("could not read '%s': %s", MANIFEST_PATH, strerror(-ret));
		return ret;
	}
	cur.exists = 1;
	ret = dbd_manifest_parse((const char *)cur.text, cur.len, &cur.m, NULL, NULL);
	if (ret == -EPROTO) {
		ERR("could not update '%s': it is of version %u, newer than this "
		    "dbdboot writes; left as it is", MANIFEST_PATH, cur.m.version);
		return ret;
	}
	if (ret) {
		ERR("could not update '%s': it is not a dbdboot manifest (see "
		    "dbdboot-manifest(5)); fix or remove it, then run dbdboot sync again",
		    MANIFEST_PATH);
		return ret;
	}
	if (cur.m.errors)
		warn("'%s' has %u bad lines: they are kept as they are, and the agent skips "
		     "them", MANIFEST_PATH, cur.m.errors);
	return 0;
}

/* The manifest for the live state L, malloc'ed, into *TEXT and *LEN. */
static int compose(const struct live *l, char **text, size_t *len)
{
	int by_kernel = 0;
	FILE *f;

	nnamed = 0;
	for (unsigned int i = 0; i < l->info.n; i++)
		name_one(&l->info.dev[i], &named[nnamed++], &by_kernel);
	f = open_memstream(text, len);
	if (!f)
		return -ENOMEM;
	fputs(HEADER COMMENT1 "\n" COMMENT2 "\n", f);
	if (cur.exists)
		put_kept(f, l);
	for (unsigned int i = 0; i < nnamed; i++)
		if (named[i].ok)
			put_live(f, &named[i]);
	return fclose(f) ? -ENOMEM : 0;
}

/* The kernels whose initrd should hold the manifest: those with an image and an initrd. */
static int initrd_kernels(char (*list)[KVER_MAX], int max)
{
	static char all[MAX_KERNELS][KVER_MAX];
	struct facts f;
	int n = kernels_list(all, MAX_KERNELS), m = 0;

	for (int i = 0; i < n && m < max; i++) {
		if (facts_get(all[i], FACT_INITRD_PATH, &f) || !f.k.image)
			continue;
		if (!f.initrd.found) {
			info("%s: no initrd yet: its generator's hook will put the manifest in", all[i]);
			continue;
		}
		memcpy(list[m++], all[i], KVER_MAX);
	}
	return n < 0 ? n : m;
}

/* Record (or clear) which kernels' initrds lack the current manifest. */
static void note_stale(const struct sync_result *r)
{
	char p[PATH_MAX];
	int ret;

	rpath(p, STALE_PATH);
	if (!r->initrds_stale) {
		if (path_exists(p))
			remove_path(p, 0);
		return;
	}
	ret = write_atomic(p, r->stale_kernels, strlen(r->stale_kernels), 0644);
	if (ret)
		ERR("could not write '%s': %s", STALE_PATH, strerror(-ret));
}

static void add_stale(struct sync_result *r, const char *kver)
{
	size_t l = strlen(r->stale_kernels);

	r->initrds_stale = 1;
	snprintf(r->stale_kernels + l, sizeof(r->stale_kernels) - l, "%s%s", l ? " " : "", kver);
}

/* Put the manifest into every initrd (CHECK: only look whether it is there). */
static int update_initrds(int check, struct sync_result *r)
{
	static char list[MAX_KERNELS][KVER_MAX];
	struct facts f;
	int n = initrd_kernels(list, MAX_KERNELS), failed = 0;

	for (int i = 0; i < n; i++) {
		if (check) {
			if (facts_get(list[i], FACT_INITRD, &f) || f.initrd.problem[0] ||
			    f.initrd.manifest != INITRD_OK)
				add_stale(r, list[i]);
			continue;
		}
		if (inject_one(list[i], 1)) {
			add_stale(r, list[i]);
			failed = 1;
		}
	}
	if (!check)
		note_stale(r);
	return n < 0 ? n : failed ? -EIO : 0;
}

static int write_manifest(const char *text, size_t len)
{
	char p[PATH_MAX];
	int ret;

	ret = write_atomic(rpath(p, MANIFEST_PATH), text, len, 0644);
	if (ret) {
		ERR("could not write '%s': %s; the previous one is unchanged",
		    MANIFEST_PATH, strerror(-ret));
		return ret;
	}
	return 0;
}

/* The live state into R; -ENOENT (not loaded) and the others refuse a sync. */
static int read_live(struct sync_result *r)
{
	r->live_ret = live_read(&r->live);
	if (r->live_ret == -ENOENT) {
		ERR("could not read dattobd's state: the module is not loaded "
		    "(no %s); the manifest is left as it is", DBD_PROC_INFO_PATH);
		return -ENOENT;
	}
	if (r->live_ret) {
		ERR("could not sync: dattobd's state is unknown; the "
		    "manifest is left as it is");
		return r->live_ret;
	}
	return 0;
}

int sync_run(int check, struct sync_result *r)
{
	char p[PATH_MAX], *text = NULL;
	size_t len = 0;
	int ret, changed;

	memset(r, 0, sizeof(*r));
	r->manifest = SYNC_FAILED;
	if (!check && (ret = dbd_lock()))
		return ret;
	if ((ret = read_live(r)) || (ret = read_current()))
		return ret;
	if (!cur.exists && !r->live.info.n) {
		info("dattobd tracks nothing and there is no manifest: nothing to write");
		r->manifest = SYNC_UNCHANGED;
		return 0;
	}
	ret = compose(&r->live, &text, &len);
	if (ret) {
		ERR("could not make the manifest: %s", strerror(-ret));
		return ret;
	}
	changed = !cur.exists || len != cur.len || memcmp(text, cur.text, len);
	r->manifest = changed ? check ? SYNC_STALE : SYNC_WRITTEN : SYNC_UNCHANGED;
	if (changed && !check && (ret = write_manifest(text, len)))
		r->manifest = SYNC_FAILED;
	free(text);
	if (ret)
		return ret;
	if (changed && !check)
		info("'%s' written: %u volumes tracked", MANIFEST_PATH, r->live.info.n);
	/* Unchanged: only initrds an earlier sync could not update are looked at. */
	if (check || changed || path_exists(rpath(p, STALE_PATH)))
		ret = update_initrds(check, r);
	return ret;
}

static const char *outcome_str(enum sync_outcome o)
{
	static const char *const s[] = { "unchanged", "written", "stale", "failed" };

	return o <= SYNC_FAILED ? s[o] : "?";
}

static void json_result(const struct sync_result *r, int ret)
{
	char hex[33];

	json_open(NULL);
	json_str("manifest", outcome_str(r->manifest));
	json_str("path", MANIFEST_PATH);
	json_bool("initrds_stale", r->initrds_stale);
	json_str("stale_kernels", r->stale_kernels);
	json_str("error", ret ? strerror(-ret) : NULL);
	json_array("volumes");
	for (unsigned int i = 0; i < nnamed; i++) {
		const struct dbd_datto_dev *d = named[i].d;

		json_open(NULL);
		json_int("minor", d->minor);
		json_str("block_device", d->bdev);
		json_str("device", named[i].ok ? named[i].name : NULL);
		json_str("cow", d->cow);
		json_int("state", (long long)d->state);
		dbd_uuid_hex(d->uuid, hex);
		json_str("uuid", d->has_uuid ? hex : NULL);
		if (d->has_seqid)
			json_int("seqid", (long long)d->seqid);
		else
			json_str("seqid", NULL);
		json_close();
	}
	json_close();
	json_close();
	json_end();
}

static void help(void)
{
	fputs("Usage: dbdboot sync [--check] [-J]\n"
	      "\n"
	      "Write " MANIFEST_PATH " from what dattobd tracks now (/proc/datto-info and\n"
	      "the info ioctl), and when it changed, put it into every installed kernel's\n"
	      "initrd (as inject --manifest-only). Backup agents run it after every\n"
	      "setup-snapshot, transition or destroy; the shutdown unit runs it too.\n"
	      "Lines written by hand (without by=sync) are kept, unless dattobd now tracks\n"
	      "their minor or device.\n"
	      "\n"
	      "  -c, --check  change nothing; exit 1 when the manifest or an initrd is stale\n"
	      "  -J, --json   say what was found and done as JSON on stdout\n", stdout);
}

int cmd_sync(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "check", no_argument, NULL, 'c' }, { "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },  { NULL, 0, NULL, 0 },
	};
	static struct sync_result r;
	int c, check = 0, ret;

	while ((c = getopt_long(argc, argv, "cJh", lo, NULL)) != -1) {
		if (c == 'c')
			check = opt.changes_nothing = 1;
		else if (c == 'J')
			opt.json = 1;
		else if (c == 'h')
			return help(), EXIT_OK;
		else
			return EXIT_USAGE;
	}
	if (optind < argc)
		return unexpected_arg(argv[optind]);
	ret = sync_run(check, &r);
	if (opt.json)
		json_result(&r, ret);
	if (check && !ret) {
		if (r.manifest == SYNC_STALE)
			info("'%s' is stale: run dbdboot sync", MANIFEST_PATH);
		if (r.initrds_stale)
			info("the initrds of %s lack the current manifest: run dbdboot sync",
			     r.stale_kernels);
		return r.manifest == SYNC_STALE || r.initrds_stale ? EXIT_FAIL : EXIT_OK;
	}
	return ret ? EXIT_FAIL : EXIT_OK;
}
