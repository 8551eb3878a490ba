/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dbdboot: what is known about dattobd for one kernel: its DKMS state, the
 * installed module checked through libkmod, and what the initrd holds.
 * Shared by status (which shows it), rebuild and inject (which act on it).
 */
#ifndef DBDBOOT_FACTS_H
#define DBDBOOT_FACTS_H

#include <limits.h>

#include "kernel.h"

#define MAX_DKMS_VERSIONS 8

enum dkms_state { DKMS_UNREGISTERED, DKMS_REGISTERED, DKMS_BUILT, DKMS_INSTALLED };

struct dkms_facts {
	int nversions;
	char versions[MAX_DKMS_VERSIONS][64];	/* registered, newest last */
	enum dkms_state state;			/* for this kernel */
	char version[64];			/* built or installed for it */
	char arch[32];
};

struct module_facts {
	int found;		/* a dattobd.ko for this kernel on disk */
	char path[PATH_MAX];	/* root-relative */
	int depmod_listed;
	char vermagic[256];
	char kernel_vermagic[256];	/* of an in-tree module; "" if none */
	int vermagic_ok;
	int crcs, crcs_bad;	/* modversions entries checked, disagreeing */
	char crc_bad_symbol[128];
	int symvers;		/* the kernel's Module.symvers was read */
	char version[64];
	char problem[256];	/* "" when good */
};

/* NONE: neither the host nor the initrd has one (no manifest: nothing tracked). */
enum initrd_item { INITRD_MISSING, INITRD_OK, INITRD_STALE, INITRD_NONE };

struct initrd_facts {
	int found;
	char path[PATH_MAX];	/* root-relative */
	char generator[32];	/* initramfs-tools, dracut or "" */
	enum initrd_item module, agent, script, manifest;
	char problem[256];	/* unreadable initrd: why */
};

struct facts {
	struct kernel k;
	struct dkms_facts dkms;
	struct module_facts mod;
	struct initrd_facts initrd;
	int ready;		/* image, verified module, initrd holding all */
};

const char *dkms_state_str(enum dkms_state s);
const char *initrd_item_str(enum initrd_item i);
/* Whether NAME, a path in an initrd, is the agent (where the kernel puts it). */
int initrd_is_agent(const char *name);
int dkms_facts(const char *kver, struct dkms_facts *d);
int module_facts(const char *kver, const char *file, struct module_facts *m);
/* Which initrd and generator, without reading it (path, found, generator). */
void initrd_locate(const char *kver, struct initrd_facts *f);
/* That, and what the initrd holds (it is read and unpacked: the costly part). */
int initrd_facts(const char *kver, const struct module_facts *m, struct initrd_facts *f);
int facts_get(const char *kver, struct facts *f);
/* Which initrd generator the system uses: "initramfs-tools", "dracut" or NULL. */
const char *initrd_generator(void);
/* PATH (absolute, in the root) with its symlinks resolved inside the root. */
char *rpath_resolved(char *out, const char *path);

#endif
