/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dbdboot verdict: the evidence it joins, read into fixed tables: the
 * agent's report, the previous shutdown's record and the previous verdict
 * (each consumed once per boot: the first verdict of a boot moves them to
 * /run/dbdboot/, later ones read them there).
 */
#ifndef DBDBOOT_EVIDENCE_H
#define DBDBOOT_EVIDENCE_H

#include "manifest.h"

#define EV_MAX 64	/* volumes of one file: the manifest's limit */

struct ev_report {
	int present;		/* /run/dbdboot/early.json was read */
	char status[32];	/* the agent's: done, off, deadline, ... */
	char module[32];	/* its module outcome */
	char module_error[32];
	char module_message[160];
	unsigned int n;
	struct {
		unsigned int minor;
		char outcome[32], error[32], journal[32], message[160];
		char phase[32];		/* initramfs, after-switch-root */
		char mounted[32];	/* mounted_at_reload; "" when absent */
		long long seqid;	/* the manifest's, reloaded; -1 unknown */
	} vol[EV_MAX];
};

struct ev_record {
	int present;		/* a shutdown record for the previous boot */
	char boot_id[64];
	char driver[32];	/* ok, not-loaded, no-answer, unreadable */
	int initrds_stale;
	char stale_kernels[256];
	int judged;		/* that boot's verdict ran ("judged": true) */
	unsigned int n;
	struct {
		unsigned int minor;
		int has_uuid;
		unsigned char uuid[16];
		long long seqid;	/* -1: unknown */
		long long state;	/* -1: missing */
		int has_error;		/* an "error" that is an integer */
		long long error;	/* the driver's, at that shutdown */
		int ids_from_manifest;	/* unverified then: uuid, seqid from the manifest */
	} vol[EV_MAX];
	unsigned int nstopped;	/* tracking stopped by the shutdown guard (guard.h) */
	struct {
		unsigned int minor;
		char bdev[256];
		int has_uuid;
		unsigned char uuid[16];
		long long seqid;
		char why[320];
	} stopped[EV_MAX];
};

struct ev_previous {	/* the last verdict's broken chains */
	unsigned int n;
	struct {
		unsigned int minor;
		unsigned char uuid[16];
		char message[256];
	} broken[EV_MAX];
};

/* The entry of MINOR in R, or -1. */
int ev_report_index(const struct ev_report *r, unsigned int minor);
/* The line of MINOR in M, or NULL. */
const struct dbd_volume *ev_manifest_volume(const struct dbd_manifest *m, unsigned int minor);
/* Does an agent's OUTCOME mean the volume was reloaded at this boot? */
int ev_outcome_reloaded(const char *outcome);

/* Each: 0 (also when absent: .present 0), or <0 after saying why. */
int ev_read_manifest(struct dbd_manifest *m);	/* none: m->n 0 */
int ev_read_report(struct ev_report *r);
int ev_read_record(struct ev_record *r);
int ev_read_previous(struct ev_previous *p);
/* Did this boot's verdict run? 1 when VERDICT_PATH_RUN names BOOT (its id). */
int ev_judged_this_boot(const char *boot);

#define VERDICT_PATH_RUN "/run/dbdboot/verdict.json"
#define VERDICT_PATH_KEPT STATE_DIR "/verdict.json"

#endif
