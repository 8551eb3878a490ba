/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /etc/fstab, read line by line over the caller's buffer (changed in
 * place, nothing allocated): the first four fields of each entry, with
 * the \NNN octal escapes of fstab(5) undone. Comments, blank lines and
 * lines of fewer than two fields are skipped.
 */
#ifndef DBDBOOT_FSTAB_H
#define DBDBOOT_FSTAB_H

struct dbd_fstab_entry {
	const char *spec;	/* UUID=..., LABEL=..., /dev/... */
	const char *file;	/* the mount point */
	const char *type;	/* "" when absent */
	const char *opts;	/* "" when absent ("defaults") */
	unsigned int line;
};

struct dbd_fstab {
	char *pos, *end;
	unsigned int line;
};

/* TEXT holds LEN bytes and a NUL after them (TEXT[LEN], written to). */
void dbd_fstab_open(struct dbd_fstab *f, char *text, unsigned long len);
/* The next entry into E: 1, or 0 at the end. */
int dbd_fstab_next(struct dbd_fstab *f, struct dbd_fstab_entry *e);
/* Does the comma-separated OPTS hold the option NAME (alone, or NAME=...)? */
int dbd_fstab_has_opt(const char *opts, const char *name);

#endif
