// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot record-shutdown: what the shutdown unit runs while the tracked
 * volumes are still mounted. Syncs once more (the manifest and the
 * initrds follow the last changes), then writes STATE_DIR/shutdown.json:
 * this boot's id, that it got here, and each minor's uuid and seqid. The
 * next boot's verdict consumes it; a boot that ends without it (a crash, a
 * power cut, a stalled shutdown) is told apart by its absence. First of
 * all, the shutdown guard (guard.h) stops tracking the volumes whose
 * umount would hang the shutdown; the record lists them under "stopped".
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "dbdboot.h"
#include "dbdboot/dattobd.h"
#include "evidence.h"
#include "files.h"
#include "guard.h"
#include "monitor.h"
#include "record.h"
#include "rootpath.h"
#include "sync.h"
#include "uuid.h"

int boot_id(char *out, size_t size)
{
	char p[PATH_MAX];
	int ret = read_line(rpath(p, "/proc/sys/kernel/random/boot_id"), out, size);

	if (ret)
		snprintf(out, size, "unknown");
	return ret;
}

void json_head(const char *version_key, int version)
{
	char id[64];

	boot_id(id, sizeof(id));
	json_open(NULL);
	json_int(version_key, version);
	json_str("boot_id", id);
	json_int("time", (long long)time(NULL));
}

static const char *driver_str(int live_ret)
{
	switch (live_ret) {
	case 0:
		return "ok";
	case -ENOENT:
		return "not-loaded";
	case -ETIMEDOUT:
		return "no-answer";
	default:
		return "unreadable";
	}
}

/*
 * A volume reloaded and never mounted read-write since (unverified, the
 * COW file not opened: the driver shows no uuid or seqid) still holds the
 * chain the manifest names: its uuid and seqid are the manifest's, which
 * the last sync took from the driver and the sync just run kept. The next
 * boot's driver checks them against the COW file's header at the mount.
 */
static void put_ids(const struct dbd_datto_dev *d, const struct dbd_manifest *m)
{
	const struct dbd_volume *v = NULL;
	char hex[33];

	if (!d->has_uuid && d->has_state && (d->state & DBD_STATE_UNVERIFIED) && !d->error)
		v = ev_manifest_volume(m, d->minor);
	if (v && (!v->has_uuid || !v->has_seqid))
		v = NULL;
	dbd_uuid_hex(v ? v->uuid : d->uuid, hex);
	json_str("uuid", v || d->has_uuid ? hex : NULL);
	json_int("seqid", v ? (long long)v->seqid : d->has_seqid ? (long long)d->seqid : -1);
	if (v)
		json_str("ids_from", "manifest");
}

static void put_volumes(const struct sync_result *r)
{
	static struct dbd_manifest m;

	if (ev_read_manifest(&m))
		memset(&m, 0, sizeof(m));
	json_array("volumes");
	for (unsigned int i = 0; !r->live_ret && i < r->live.info.n; i++) {
		const struct dbd_datto_dev *d = &r->live.info.dev[i];

		json_open(NULL);
		json_int("minor", d->minor);
		json_str("block_device", d->bdev);
		put_ids(d, &m);
		json_int("state", d->has_state ? (long long)d->state : -1);
		json_int("error", d->error);
		json_close();
	}
	json_close();
}

static void put_stopped(const struct guard *g)
{
	json_array("stopped");
	for (unsigned int i = 0; i < g->n; i++) {
		const struct guard_vol *v = &g->vol[i];

		json_open(NULL);
		guard_put_volume(v);
		json_bool("stopped", !v->ret);
		json_int("error", v->ret);
		json_str("why", g->why);
		json_close();
	}
	json_close();
}

/* Did this boot's verdict run? A boot that was never judged cannot vouch
 * for the chains at the next (verdict: unjudged-boot). */
static int judged(void)
{
	char id[64];

	return !boot_id(id, sizeof(id)) && ev_judged_this_boot(id);
}

/* The record's text, malloc'ed. */
static char *record_text(const struct sync_result *r, int sync_ret, const struct guard *g,
			 size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (!f)
		return NULL;
	json_to(f);
	json_head("record_version", RECORD_VERSION);
	json_str("driver", driver_str(r->live_ret));
	json_str("sync", sync_ret ? "failed" : "ok");
	json_bool("initrds_stale", r->initrds_stale || sync_ret);
	json_str("stale_kernels", r->stale_kernels);
	json_bool("judged", judged());
	put_volumes(r);
	put_stopped(g);
	json_close();
	json_end();
	json_to(NULL);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

static void help(void)
{
	fputs("Usage: dbdboot record-shutdown\n"
	      "\n"
	      "What dbdboot-shutdown.service runs at shutdown, before the tracked volumes are\n"
	      "unmounted: dbdboot sync, then " STATE_DIR "/shutdown.json, the record that\n"
	      "this boot shut down cleanly with each volume's uuid and seqid. The next boot's\n"
	      "dbdboot verdict reads it. When another dbdboot holds the lock past the wait\n"
	      "(DBDBOOT_TIMEOUT_LOCK), the record is written without it and the sync only\n"
	      "checks. See dbdboot-verdict(5).\n", stdout);
}

int cmd_record_shutdown(int argc, char **argv)
{
	static struct sync_result r;
	static struct guard g;
	char p[PATH_MAX], *text;
	size_t len;
	int ret, sync_ret, check = 0;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return help(), EXIT_OK;
	if (argc > 1)
		return unexpected_arg(argv[1]);
	/* A lock held past the wait (a root process: apt, a kernel hook's
	 * rebuild) must not cost every chain its record: the driver is read
	 * and the record written without it; only the manifest and the
	 * initrds, which the lock guards, are left as they are. */
	if (dbd_lock_quiet()) {
		warn("another dbdboot still holds the lock: recording without it (the manifest "
		     "and the initrds are not synced)");
		dbd_lock_waive();
		check = 1;
	}
	/* Before the sync: the manifest and the initrds then leave them out. */
	if (!guard_assess(&g))
		guard_stop(&g);
	sync_ret = sync_run(check, &r);
	text = record_text(&r, sync_ret, &g, &len);
	if (!text) {
		ERR("could not write '%s': out of memory", RECORD_PATH);
		return EXIT_FAIL;
	}
	ret = write_atomic(rpath(p, RECORD_PATH), text, len, 0644);
	free(text);
	if (ret) {
		ERR("could not write '%s': %s; the next boot will judge this "
		    "shutdown unclean", RECORD_PATH, strerror(-ret));
		return EXIT_FAIL;
	}
	monitor_shutdown(r.live_ret ? 0 : r.live.info.n);
	info("shutdown recorded in '%s': %u volumes, %u stopped, driver %s%s", RECORD_PATH,
	     r.live_ret ? 0 : r.live.info.n, g.n, driver_str(r.live_ret),
	     r.initrds_stale || sync_ret ? ", initrds stale" : "");
	return sync_ret ? EXIT_FAIL : EXIT_OK;
}
