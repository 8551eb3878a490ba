/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dbdboot: a name for a tracked block device that still holds at the next boot. */
#ifndef DBDBOOT_NAMES_H
#define DBDBOOT_NAMES_H

#include <stddef.h>

#include "manifest.h"

enum name_kind { NAME_UUID, NAME_MAPPER, NAME_PARTUUID, NAME_BY_ID, NAME_KERNEL };

/*
 * The manifest's device= for BDEV (a path, as dattobd shows it), in this
 * order: the filesystem's UUID (UUID=...), a device-mapper device's
 * /dev/mapper name, PARTUUID=..., a /dev/disk/by-id link, and last the
 * kernel's name as given. Into OUT (SIZE bytes). Returns the kind, or a
 * negative errno (BDEV cannot be opened: then OUT is untouched).
 */
int volume_name(const char *bdev, char *out, size_t size);
const char *name_kind_str(enum name_kind k);

/*
 * Where BDEV is mounted now, for the manifest's stage= and mount=: *STAGE
 * initramfs when it is mounted at / or /usr (what the initramfs mounts),
 * root when it is mounted elsewhere only; MOUNT (SIZE bytes) its first
 * mount point. Both left as they are when it is not mounted (a reloaded
 * minor not active yet) or its mounts cannot be read.
 */
void volume_place(const char *bdev, enum dbd_stage *stage, char *mount, size_t size);

#endif
