/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dbdboot verdict: one volume's judgement (judge.c), for the command (verdict.c). */
#ifndef DBDBOOT_VERDICT_H
#define DBDBOOT_VERDICT_H

#include "evidence.h"
#include "manifest.h"

#define VERDICT_VERSION 1

struct judged {
	const struct dbd_volume *v;
	const char *verdict;		/* resumed, chain-broken, pending */
	const char *reason;		/* a code for chain-broken, else NULL */
	char message[384];
	int has_uuid, has_recorded;
	unsigned char uuid[16], recorded_uuid[16];
	long long seqid, recorded_seqid;	/* -1: unknown */
	char agent[32], journal[32];		/* from the agent's report */
};

/* The manifest's volumes, and those the guard stopped at the previous shutdown. */
#define JUDGED_MAX (DBD_MANIFEST_MAX_VOLUMES + EV_MAX)

/* Read the manifest and the witnesses: 0, or <0 when the manifest could not
 * be read (said). A witness that could not be read is judged, not returned. */
int judge_gather(void);
/* Judge every volume into OUT (JUDGED_MAX): how many; *ALL 1 when all resumed. */
unsigned int judge_all(struct judged *out, int *all);
/* The previous shutdown's record as read (.present 0 when none). */
const struct ev_record *judge_previous_record(void);

#endif
