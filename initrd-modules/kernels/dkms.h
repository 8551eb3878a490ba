/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dbdboot: dattobd's DKMS state for one kernel, read from dkms' own tree. */
#ifndef DBDBOOT_DKMS_H
#define DBDBOOT_DKMS_H

#define MAX_DKMS_VERSIONS 8

enum dkms_state { DKMS_UNREGISTERED, DKMS_REGISTERED, DKMS_BUILT, DKMS_INSTALLED };

struct dkms_facts {
	int nversions;
	char versions[MAX_DKMS_VERSIONS][64];	/* registered, newest last */
	enum dkms_state state;			/* for this kernel */
	char version[64];			/* built or installed for it */
	char arch[32];
};

const char *dkms_state_str(enum dkms_state s);
int dkms_facts(const char *kver, struct dkms_facts *d);

#endif
