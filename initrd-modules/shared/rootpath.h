/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dbdboot: paths under --root (opt.root, "" for /). Every reader and
 * writer of the system's files goes through these; files.h opens them
 * without leaving the root.
 */
#ifndef DBDBOOT_ROOTPATH_H
#define DBDBOOT_ROOTPATH_H

/* ROOT + the formatted absolute path, into OUT (PATH_MAX); cut paths fail to open. */
__attribute__((format(printf, 2, 3))) char *rpath(char *out, const char *fmt, ...);
/* PATH (absolute, in the root) with its symlinks resolved inside the root. */
char *rpath_resolved(char *out, const char *path);
int path_exists(const char *path);

#endif
