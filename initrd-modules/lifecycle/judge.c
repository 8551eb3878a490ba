// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot verdict: the witnesses and the rule (verdict.h). "resumed" only
 * when every witness positively agrees: the previous verdict read and no
 * break of this chain in it; the agent's report read, the volume reloaded
 * before any mount (a read-only one may replay the journal), its journal
 * clean (or none); the previous
 * shutdown's record read, the volume in it with a state and no error; the
 * driver now: a state dbdboot knows, active, no error, the uuid and seqid
 * of that record. Anything else: chain-broken with the first reason found,
 * or pending. dbdboot-verdict(5) lists each code.
 */
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "dbdboot.h"
#include "dbdboot/dattobd.h"
#include "devspec.h"
#include "evidence.h"
#include "files.h"
#include "live.h"
#include "mountinfo.h"
#include "record.h"
#include "rootpath.h"
#include "verdict.h"

static struct dbd_manifest man;
static struct ev_report rep;
static struct ev_record rec;
static struct ev_previous prev;
static struct live live;
static int live_ret, rep_bad, rec_bad, prev_bad;
static struct dbd_volume stopped_vol[EV_MAX];	/* stopped, and gone from the manifest */
__attribute__((format(printf, 3, 4)))
static int broken(struct judged *j, const char *code, const char *fmt, ...)
{
	va_list ap;

	j->verdict = "chain-broken";
	j->reason = code;
	va_start(ap, fmt);
	vsnprintf(j->message, sizeof(j->message), fmt, ap);
	va_end(ap);
	return 1;
}

static const struct dbd_datto_dev *live_dev(unsigned int minor)
{
	for (unsigned int i = 0; !live_ret && i < live.info.n; i++)
		if (live.info.dev[i].minor == minor)
			return &live.info.dev[i];
	return NULL;
}

static int rec_index(unsigned int minor)
{
	for (unsigned int i = 0; i < rec.n; i++)
		if (rec.vol[i].minor == minor)
			return (int)i;
	return -1;
}

/* The uuid and seqid this volume is known by: live, else recorded, else the manifest's. */
static void identity(struct judged *j)
{
	const struct dbd_datto_dev *d = live_dev(j->v->minor);
	int r = rec_index(j->v->minor);

	if (r >= 0 && rec.vol[r].has_uuid) {
		j->has_recorded = 1;
		memcpy(j->recorded_uuid, rec.vol[r].uuid, 16);
		j->recorded_seqid = rec.vol[r].seqid;
	}
	if (d && d->has_uuid) {
		j->has_uuid = 1;
		memcpy(j->uuid, d->uuid, 16);
		j->seqid = d->has_seqid ? (long long)d->seqid : -1;
	} else if (j->has_recorded) {
		j->has_uuid = 1;
		memcpy(j->uuid, j->recorded_uuid, 16);
		j->seqid = j->recorded_seqid;
	} else if (j->v->has_uuid) {
		j->has_uuid = 1;
		memcpy(j->uuid, j->v->uuid, 16);
		j->seqid = j->v->has_seqid ? (long long)j->v->seqid : -1;
	}
}

/* Left to the real root by the initramfs (stage=root), with no result from
 * there yet: pending while its device is there (its unit is at work),
 * broken while it is absent (it is judged again if it appears). */
static int judge_left(struct judged *j)
{
	char dev[PATH_MAX], p[PATH_MAX];
	struct stat st;

	if (!dbd_devspec_path(j->v, dev, sizeof(dev)) && !stat(rpath(p, "%s", dev), &st) &&
	    S_ISBLK(st.st_mode)) {
		j->verdict = "pending";
		snprintf(j->message, sizeof(j->message), "its device is there, its reload in the "
			 "real root (dbdboot-reload-%u.service) has not reported yet: run dbdboot "
			 "verdict again", j->v->minor);
		return 2;
	}
	return broken(j, "device-absent", "its device was not there at boot (stage=root) and "
		      "has not appeared: not reloaded (dbdboot-reload-%u.service reloads it before "
		      "its mounts if it appears, and judges again)", j->v->minor);
}

/* Reloaded (report entry I): was it mounted before? A read-only mount (the
 * root, reloaded in the real root after the initramfs did not) may have
 * replayed its journal untracked, and the journal then looks clean at the
 * reload. Only "no" vouches; an older agent's entry without the key
 * vouches in the initramfs, where nothing mounts a volume before it; a
 * filesystem without a journal has nothing to replay. 1 when broken. */
static int judge_mount(struct judged *j, int i)
{
	const char *m = rep.vol[i].mounted;

	if (!strcmp(m, "no") || !strcmp(j->journal, "none") ||
	    (!m[0] && !strcmp(rep.vol[i].phase, "initramfs")))
		return 0;
	if (!strcmp(m, "read-only"))
		return broken(j, "mounted-read-only-before-reload", "it was mounted read-only "
			      "before its reload (%s phase): that mount may have replayed its "
			      "journal untracked, and the journal no longer shows whether it did",
			      rep.vol[i].phase[0] ? rep.vol[i].phase : "unnamed");
	return broken(j, "mounted-read-only-before-reload", "the agent's report does not say "
		      "whether it was mounted before its reload (mounted_at_reload '%s', %s "
		      "phase): a read-only mount may have replayed its journal untracked", m,
		      rep.vol[i].phase[0] ? rep.vol[i].phase : "unnamed");
}

/* What the agent did for the volume; 1 when that broke the chain. */
static int judge_agent(struct judged *j)
{
	int i;

	if (rep_bad)
		return broken(j, "report-unreadable", "the agent's report (/run/dbdboot/early.json) "
			      "could not be read: what it did at boot is unknown");
	if (!rep.present)
		return broken(j, "not-reloaded", "no report from dbdboot-early (/run/dbdboot/"
			      "early.json): the initrd lacks dbdboot, or the agent never ran");
	if (!strcmp(rep.status, "off"))
		return broken(j, "not-reloaded", "dbdboot=off on the kernel command line: "
			      "nothing was reloaded");
	if (!strcmp(rep.module, "failed") && (!strcmp(rep.module_error, "EKEYREJECTED") ||
					       !strcmp(rep.module_error, "ENOKEY")))
		return broken(j, "module-signature-refused", "the kernel refused dattobd's signature "
			      "at boot (%s: it is unsigned, or signed by a key the kernel does not "
			      "trust, and signatures are enforced): see the signature line of "
			      "dbdboot status", rep.module_error);
	if (!strcmp(rep.module, "failed"))
		return broken(j, "module-not-loaded", "dattobd was not loaded at boot: %s %s",
			      rep.module_error, rep.module_message);
	i = ev_report_index(&rep, j->v->minor);
	if (i < 0)
		return broken(j, "not-in-initrd", "the initrd's manifest lacks minor %u (the "
			      "initrd is stale: run dbdboot sync)", j->v->minor);
	snprintf(j->agent, sizeof(j->agent), "%s", rep.vol[i].outcome);
	snprintf(j->journal, sizeof(j->journal), "%s", rep.vol[i].journal);
	if (ev_outcome_reloaded(rep.vol[i].outcome))
		return judge_mount(j, i);
	if (!strcmp(rep.vol[i].outcome, "left-to-root"))
		return judge_left(j);
	if (!strcmp(rep.vol[i].outcome, "too-late"))
		return broken(j, "mounted-before-reload", "it was mounted read-write before the "
			      "reload: those writes are untracked");
	if (!strcmp(rep.vol[i].outcome, "no-device"))
		return broken(j, "device-absent", "its device did not appear before the agent's "
			      "deadline");
	if (!strcmp(rep.vol[i].outcome, "failed"))
		return broken(j, "driver-refused", "the reload failed: %s %s", rep.vol[i].error,
			      rep.vol[i].message);
	return broken(j, "deadline", "the reload did not finish before the agent's deadline "
		      "(%s)", rep.vol[i].outcome);
}

/* What the previous shutdown recorded; 1 when the chain broke there. */
static int judge_record(struct judged *j)
{
	int r;

	if (rec_bad)
		return broken(j, "record-unreadable", "the previous shutdown's record could not be "
			      "read: it cannot vouch for the chain");
	if (!rec.present)
		return broken(j, "unclean-shutdown", "the previous boot did not shut down cleanly "
			      "(no shutdown record: a crash, a power cut, or a stalled shutdown)");
	if (!rec.judged)
		return broken(j, "unjudged-boot", "the previous boot was never judged (its verdict "
			      "did not run, or its shutdown record does not say it did): what "
			      "happened to the chain then is unknown");
	if (strcmp(rec.driver, "ok"))
		return broken(j, "not-closed", "at the previous shutdown dattobd's state was "
			      "%s", rec.driver);
	r = rec_index(j->v->minor);
	if (r < 0)
		return broken(j, "not-tracked-at-shutdown", "minor %u was not tracked at the "
			      "previous shutdown", j->v->minor);
	if (!rec.vol[r].has_uuid)
		return broken(j, "not-tracked-at-shutdown", "the previous shutdown's record gives "
			      "minor %u no uuid (state %lld: the driver showed none, nor did the "
			      "manifest): which chain it held then is unknown", j->v->minor,
			      rec.vol[r].state);
	if (rec.vol[r].state < 0 || !rec.vol[r].has_error)
		return broken(j, "record-incomplete", "the previous shutdown's record lacks minor "
			      "%u's %s: it cannot vouch for the chain", j->v->minor,
			      rec.vol[r].state < 0 ? "state" : "error");
	if (rec.vol[r].error)
		return broken(j, "error-at-shutdown", "at the previous shutdown dattobd reported "
			      "error %lld on it: its tracking had failed during that boot",
			      rec.vol[r].error);
	if (!strcmp(j->journal, "needs-recovery"))
		return broken(j, "journal-replayed", "its journal needed recovery at the reload: "
			      "the mount replayed it before tracking was active (untracked writes)");
	/* "none": no journal to replay (ext2). Anything else is no proof. */
	if (strcmp(j->journal, "clean") && strcmp(j->journal, "none"))
		return broken(j, "journal-unknown", "the agent could not tell whether its journal "
			      "was clean at the reload (journal '%s'): a replay at the mount would "
			      "have been untracked", j->journal);
	return 0;
}

/* Is the volume's device mounted read-write now? 1, 0, or <0 when unknown. */
static int mounted_rw(const char *bdev)
{
	char p[PATH_MAX], *text = NULL;
	struct stat st;
	size_t len;
	int ret;

	if (stat(rpath(p, "%s", bdev), &st) || !S_ISBLK(st.st_mode))
		return -ENODEV;
	ret = read_file(rpath(p, "/proc/self/mountinfo"), 4u << 20, (unsigned char **)&text, &len);
	if (ret)
		return ret;
	ret = dbd_mountinfo_state(text, major(st.st_rdev), minor(st.st_rdev)) == 2;
	free(text);
	return ret;
}

static const char *errno_word(int e)
{
	return e == -ENOENT ? "cow-missing" : e == -EINVAL ? "cow-dirty" : "driver-error";
}

/* The driver now; 1 when it says the chain broke, 2 for pending. */
static int judge_live(struct judged *j)
{
	const struct dbd_datto_dev *d;
	int r = rec_index(j->v->minor);

	if (live_ret == -ENOENT)
		return broken(j, "module-not-loaded", "dattobd is not loaded now");
	if (live_ret)
		return broken(j, "driver-unreadable", "dattobd's state could not be read");
	d = live_dev(j->v->minor);
	if (!d)
		return broken(j, "not-tracked", "dattobd does not track minor %u now",
			      j->v->minor);
	if (!d->has_state || d->state > DBD_STATE_UNVERIFIED_SNAP)
		return broken(j, "driver-state-unknown", "dattobd gives minor %u %s", j->v->minor,
			      d->has_state ? "a state dbdboot does not know" : "no state");
	if (d->state & DBD_STATE_UNVERIFIED) {
		if (d->error)
			return broken(j, errno_word(d->error), "activation failed with error %d "
				      "(%s)", d->error, d->error == -ENOENT ? "the COW file is "
				      "missing" : d->error == -EINVAL ? "the COW file was not left "
				      "clean, or is not this volume's" : strerror(-d->error));
		if (mounted_rw(d->bdev) == 1)
			return broken(j, "not-activated", "mounted read-write, yet not active");
		j->verdict = "pending";
		snprintf(j->message, sizeof(j->message), "reloaded, not mounted read-write yet: "
			 "run dbdboot verdict again after its mount");
		return 2;
	}
	if (d->error)
		return broken(j, "driver-error", "dattobd reports error %d on it now (%s): its "
			      "tracking failed at this boot", d->error, strerror(-d->error));
	if (!(d->state & DBD_STATE_ACTIVE)) {
		j->verdict = "pending";
		snprintf(j->message, sizeof(j->message), "dormant: not mounted now (state %lu); "
			 "run dbdboot verdict again once it is mounted", d->state);
		return 2;
	}
	if (memcmp(d->uuid, rec.vol[r].uuid, 16))
		return broken(j, "uuid-changed", "its COW uuid is not the one recorded at the "
			      "previous shutdown (a new chain)");
	if (rec.vol[r].seqid >= 0 && (long long)d->seqid != rec.vol[r].seqid)
		return broken(j, "seqid-changed", "its seqid is %llu, %lld was recorded at the "
			      "previous shutdown", d->seqid, rec.vol[r].seqid);
	return 0;
}

static int judge_earlier(struct judged *j)
{
	static const char lead[] = "the chain broke at an earlier boot";

	if (prev_bad)
		return broken(j, "previous-verdict-unreadable", "the previous verdict (%s) could "
			      "not be read: whether this chain broke at an earlier boot is unknown",
			      VERDICT_PATH_KEPT);
	for (unsigned int i = 0; j->has_uuid && i < prev.n; i++) {
		const char *m = prev.broken[i].message;

		if (prev.broken[i].minor != j->v->minor || memcmp(prev.broken[i].uuid, j->uuid, 16))
			continue;
		if (!strncmp(m, lead, sizeof(lead) - 1))	/* said so already: once is enough */
			return broken(j, "earlier-break", "%s", m);
		return broken(j, "earlier-break", "%s and no new one was set up since: %s", lead,
			      m);
	}
	return 0;
}

/* Stopped by dbdboot's shutdown guard at the previous shutdown (guard.h),
 * and no new chain since (same uuid, or none). 1 when so. */
static int judge_stopped(struct judged *j)
{
	for (unsigned int i = 0; rec.present && i < rec.nstopped; i++) {
		if (rec.stopped[i].minor != j->v->minor)
			continue;
		if (rec.stopped[i].has_uuid && j->has_uuid &&
		    memcmp(rec.stopped[i].uuid, j->uuid, 16))
			return 0;
		return broken(j, "stopped-at-shutdown", "dbdboot stopped its tracking at the "
			      "previous shutdown, before its umount, which would have hung the "
			      "shutdown: %s. See dbdboot status (driver fix)", rec.stopped[i].why);
	}
	return 0;
}

/* Were the recorded uuid and seqid the manifest's (unverified then)? */
static int from_manifest(const struct judged *j)
{
	int r = rec_index(j->v->minor);

	return r >= 0 && rec.vol[r].ids_from_manifest;
}

static void judge(struct judged *j, const struct dbd_volume *v)
{
	memset(j, 0, sizeof(*j));
	j->v = v;
	j->recorded_seqid = -1;
	identity(j);
	if (judge_earlier(j) || judge_stopped(j) || judge_agent(j) || judge_record(j) ||
	    judge_live(j))
		return;
	j->verdict = "resumed";
	snprintf(j->message, sizeof(j->message), "reloaded before its first read-write mount, "
		 "active, same uuid and seqid as at the previous shutdown%s", from_manifest(j) ?
		 " (then reloaded and never mounted read-write: those of the manifest)" : "");
}
/* The volumes the guard stopped at the previous shutdown that the manifest
 * no longer lists (the sync after it left them out), unless a new chain is
 * on their minor now: judged too, so that the verdict names them once. */
static unsigned int stopped_volumes(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; rec.present && i < rec.nstopped; i++) {
		unsigned int m = rec.stopped[i].minor;

		if (ev_manifest_volume(&man, m) || live_dev(m))
			continue;
		memset(&stopped_vol[n], 0, sizeof(stopped_vol[n]));
		stopped_vol[n].minor = m;
		snprintf(stopped_vol[n].device, sizeof(stopped_vol[n].device), "%s",
			 rec.stopped[i].bdev);
		n++;
	}
	return n;
}

/* A witness that could not be read (said already) vouches for nothing:
 * the volumes are judged, chain-broken for it. */
int judge_gather(void)
{
	int ret;

	if ((ret = ev_read_manifest(&man)))
		return ret;
	rep_bad = ev_read_report(&rep);
	rec_bad = ev_read_record(&rec);
	prev_bad = ev_read_previous(&prev);
	live_ret = live_read(&live);
	return 0;
}

unsigned int judge_all(struct judged *out, int *all)
{
	unsigned int n = man.n + stopped_volumes();

	*all = 1;
	for (unsigned int i = 0; i < n; i++) {
		judge(&out[i], i < man.n ? &man.vol[i] : &stopped_vol[i - man.n]);
		*all &= !strcmp(out[i].verdict, "resumed");
	}
	return n;
}

const struct ev_record *judge_previous_record(void)
{
	return &rec;
}
