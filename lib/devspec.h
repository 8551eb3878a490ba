/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The /dev path that udev gives a manifest device spec: UUID=X is
 * /dev/disk/by-uuid/X, LABEL= by-label, PARTUUID= by-partuuid (the value
 * encoded as udev encodes link names: bytes outside 0-9A-Za-z#+-.:=@_ and
 * UTF-8 become \xHH), MAJOR:MINOR /dev/block/MAJOR:MINOR, and a path is
 * itself. For systemd units ordered against that device.
 */
#ifndef DBDBOOT_DEVSPEC_H
#define DBDBOOT_DEVSPEC_H

#include <stddef.h>

#include "manifest.h"

/* Into OUT (SIZE bytes): 0, or -ENAMETOOLONG. */
int dbd_devspec_path(const struct dbd_volume *v, char *out, size_t size);

#endif
