// SPDX-License-Identifier: GPL-2.0-or-later
/* dbdboot: the shutdown guard (guard.h). */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "dbdboot.h"
#include "dbdboot/dattobd.h"
#include "evidence.h"
#include "fix.h"
#include "guard.h"
#include "kernel.h"
#include "modcheck.h"
#include "rootpath.h"
#include "uuid.h"

/*
 * Has the loaded dattobd the reload bug? It is the build on disk for the
 * running kernel when their srcversions agree; that build says whether it
 * carries dbdboot's fix. A loaded module that is not that build (rebuilt
 * since it was loaded, or from elsewhere) is judged by the release it names.
 */
static void assess_driver(struct guard *g)
{
	char p[PATH_MAX], src[40], kver[KVER_MAX];
	struct module_facts m;
	const char *rel;

	read_line(rpath(p, "/sys/module/" DBD_MODULE_NAME "/version"), g->version,
		  sizeof(g->version));
	read_line(rpath(p, "/sys/module/" DBD_MODULE_NAME "/srcversion"), src, sizeof(src));
	read_line(rpath(p, "/proc/sys/kernel/osrelease"), kver, sizeof(kver));
	if (kver[0] && kver_valid(kver) && !module_facts(kver, NULL, &m) && m.found && src[0] &&
	    !strcmp(m.srcversion, src)) {
		g->at_risk = strcmp(m.fix, FIX_TAG) && fix_affected_release(m.version);
		snprintf(g->why, sizeof(g->why), "the loaded dattobd %s is the build in '%s', %s",
			 g->version, m.path, !strcmp(m.fix, FIX_TAG) ? "with dbdboot's fix of the "
			 "reload bug" : g->at_risk ? "built without dbdboot's fix of the reload bug" :
			 "of no release dbdboot knows to have the reload bug");
		return;
	}
	rel = fix_affected_release(g->version);
	if (!rel) {
		snprintf(g->why, sizeof(g->why), "the loaded dattobd '%s' is of no release dbdboot "
			 "knows to have the reload bug", g->version);
		return;
	}
	g->at_risk = 1;
	snprintf(g->why, sizeof(g->why), "the loaded dattobd %s (release %s, which has the reload "
		 "bug) is not the build on disk for kernel '%s' (loaded before a rebuild?): "
		 "nothing says it carries dbdboot's fix", g->version, rel, kver[0] ? kver : "?");
}

int guard_assess(struct guard *g)
{
	static struct ev_report rep;
	static struct live l;
	char p[PATH_MAX];
	int ret;

	memset(g, 0, sizeof(*g));
	g->loaded = path_exists(rpath(p, "/sys/module/" DBD_MODULE_NAME));
	if (!g->loaded)
		return 0;
	ret = live_read(&l);
	if (ret)
		return ret;
	assess_driver(g);
	if (!g->at_risk)
		return 0;
	/* An unreadable report (said): every active volume counts. */
	ret = ev_read_report(&rep);
	for (unsigned int i = 0; i < l.info.n && g->n < GUARD_MAX; i++) {
		const struct dbd_datto_dev *d = &l.info.dev[i];
		struct guard_vol *v = &g->vol[g->n];
		int r = ret ? -1 : ev_report_index(&rep, d->minor);

		/* Unverified: no COW manager to close. Dormant: closed already. */
		if (!d->has_state || (d->state & DBD_STATE_UNVERIFIED) ||
		    !(d->state & DBD_STATE_ACTIVE))
			continue;
		if (!ret && (r < 0 || !ev_outcome_reloaded(rep.vol[r].outcome) ||
			     (rep.vol[r].seqid >= 0 && d->has_seqid &&
			      (long long)d->seqid != rep.vol[r].seqid)))
			continue;	/* set up at this boot, or moved on since the reload */
		v->minor = d->minor;
		snprintf(v->bdev, sizeof(v->bdev), "%s", d->bdev);
		v->has_uuid = d->has_uuid;
		memcpy(v->uuid, d->uuid, sizeof(v->uuid));
		v->seqid = d->has_seqid ? (long long)d->seqid : -1;
		g->n++;
	}
	return 0;
}

void guard_put_volume(const struct guard_vol *v)
{
	char hex[33];

	json_int("minor", v->minor);
	json_str("block_device", v->bdev);
	dbd_uuid_hex(v->uuid, hex);
	json_str("uuid", v->has_uuid ? hex : NULL);
	json_int("seqid", v->seqid);
}

unsigned int guard_stop(struct guard *g)
{
	unsigned int failed = 0;

	for (unsigned int i = 0; i < g->n; i++) {
		struct guard_vol *v = &g->vol[i];

		v->ret = live_destroy(v->minor);
		if (v->ret) {
			failed++;
			ERR("could not stop tracking minor %u ('%s'): %s; its umount will hit "
			    "dattobd's reload bug and may hang the shutdown", v->minor, v->bdev,
			    strerror(-v->ret));
			kmsg(3, "could not stop tracking minor %u (%s): %s; its umount may hang "
			     "the shutdown (dattobd's reload bug)", v->minor, v->bdev,
			     strerror(-v->ret));
			continue;
		}
		warn("stopped tracking minor %u ('%s') before its umount: %s; its umount would "
		     "hang the shutdown. Its chain ends here: the next backup of it is a full one "
		     "(dbdboot(8), DRIVER FIX)", v->minor, v->bdev, g->why);
		kmsg(4, "stopped tracking minor %u (%s) before its umount, else the shutdown would "
		     "hang: %s. Its chain ends (verdict: stopped-at-shutdown)", v->minor, v->bdev,
		     g->why);
	}
	return failed;
}
