/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dbdboot: what a kernel's initrd holds of ours (the module, the agent,
 * the boot script, the manifest), read as the kernel unpacks it.
 */
#ifndef DBDBOOT_INITRDCHECK_H
#define DBDBOOT_INITRDCHECK_H

#include <limits.h>

#include "modcheck.h"

/* NONE: neither the host nor the initrd has one (no manifest: nothing tracked). */
enum initrd_item { INITRD_MISSING, INITRD_OK, INITRD_STALE, INITRD_NONE };

struct initrd_facts {
	int found;
	char path[PATH_MAX];	/* root-relative */
	char generator[32];	/* initramfs-tools, dracut or "" */
	enum initrd_item module, agent, script, manifest;
	char problem[256];	/* unreadable initrd: why */
};

const char *initrd_item_str(enum initrd_item i);
/* Whether NAME, a path in an initrd, is the agent (where the kernel puts it). */
int initrd_is_agent(const char *name);
/* Which initrd and generator, without reading it (path, found, generator). */
void initrd_locate(const char *kver, struct initrd_facts *f);
/* That, and what the initrd holds (it is read and unpacked: the costly
 * part), compared with the module M (NULL: none) and the installed agent
 * and manifest. The result is kept (STATE_DIR/kernels/KVER/initrd-facts)
 * with what it depends on, and while all of that holds the initrd is not
 * read again. */
int initrd_facts(const char *kver, const struct module_facts *m, struct initrd_facts *f);
/* How many times initrd_facts read an initrd (the tests count them). */
extern unsigned int initrd_walks;

#endif
