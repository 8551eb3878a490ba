/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dbdboot verdict: one volume's judgement (verdict.c). */
#ifndef DBDBOOT_VERDICT_H
#define DBDBOOT_VERDICT_H

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

#endif
