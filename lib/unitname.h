/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * systemd unit names of paths, as systemd-escape --path makes them:
 * /dev/disk/by-uuid/x-y is dev-disk-by\x2duuid-x\x2dy; "/" alone is "-".
 */
#ifndef DBDBOOT_UNITNAME_H
#define DBDBOOT_UNITNAME_H

#include <stddef.h>

/* PATH (absolute) escaped, then SUFFIX (".device", ".mount"), into OUT:
 * 0, -EINVAL (not absolute, or "." or ".." in it), -ENAMETOOLONG. */
int dbd_unit_from_path(const char *path, const char *suffix, char *out, size_t size);

#endif
