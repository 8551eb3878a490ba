/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dbdboot: initrd injection, for the inject and kernel-hook commands. */
#ifndef DBDBOOT_INJECT_H
#define DBDBOOT_INJECT_H

#define INJECT_DEFERRED 1	/* no image: no initrd to make */

/* 0 (made and verified), INJECT_DEFERRED, or <0 after saying why. */
int inject_one(const char *kver, int manifest_only);
/* KVER's initrd made anew by the system's generator, with whatever is
 * installed now (no module: the initrd hooks warn and leave it out), not
 * checked for ours: 0, or <0 after saying why. */
int inject_remake(const char *kver);
/* Append or replace the manifest segment of INITRD (root-relative), read
 * back (segment.c): 0, or <0 after saying why; *AGENT_STALE (nothing
 * written) when the initrd holds an agent other than the installed one. */
int inject_manifest(const char *kver, const char *initrd, int *agent_stale);
/* How many times inject_manifest has walked a whole initrd (the tests). */
extern unsigned int inject_whole_walks;

#endif
