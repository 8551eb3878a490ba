/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A Debian binary package made in memory, as dpkg-deb would: an ar archive
 * of debian-binary ("2.0"), control.tar.gz and data.tar.gz, every member
 * owned by root, all dated MTIME (the same bytes for the same input). The
 * caller gives every folder before what it holds; names start with "./".
 * Host side (allocates). Nothing here reads a package: dpkg does.
 */
#ifndef DBDBOOT_DEBFMT_H
#define DBDBOOT_DEBFMT_H

#include <stddef.h>

struct dbd_deb_file {
	const char *name;	/* "./usr/share/doc/" (a folder) or "./usr/.../file" */
	unsigned int mode;	/* 0755, 0644 */
	const void *data;	/* a file's bytes; NULL for a folder */
	size_t size;
};

/* CONTROL (NC members: "./", "./control", scripts) and DATA (ND) into *OUT
 * (malloc'ed, *OLEN bytes): 0, -ENOMEM, -ENAMETOOLONG, -EIO. */
int dbd_deb_make(const struct dbd_deb_file *control, size_t nc, const struct dbd_deb_file *data,
		 size_t nd, long long mtime, unsigned char **out, size_t *olen);

#endif
