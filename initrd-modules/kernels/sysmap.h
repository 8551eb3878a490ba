/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dbdboot: System.map recovery, for the sysmap and rebuild commands. */
#ifndef DBDBOOT_SYSMAP_H
#define DBDBOOT_SYSMAP_H

#include <limits.h>
#include <stddef.h>

#include "unpack.h"

struct sysmap_result {
	char path[PATH_MAX];	/* root-relative, or the -o file */
	unsigned int symbols;	/* 0 when nothing was recovered */
	enum dbd_comp comp;
	size_t unpacked;
	double seconds;
};

/* Recover KVER's map from its vmlinuz into DEST (absolute, with the root). */
int sysmap_recover(const char *kver, const char *dest, struct sysmap_result *r);
/* Recover unless a real map is there (or FORCE); OUTPUT instead of the
 * kernel's own place when not NULL. */
int sysmap_ensure(const char *kver, int force, const char *output, struct sysmap_result *r);

#endif
