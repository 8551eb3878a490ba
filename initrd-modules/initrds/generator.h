/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dbdboot: the system's initrd generator (initramfs-tools or dracut), where
 * a kernel's initrd is, and the command that makes it anew.
 */
#ifndef DBDBOOT_GENERATOR_H
#define DBDBOOT_GENERATOR_H

#include <stddef.h>

/* Which initrd generator the system uses: "initramfs-tools", "dracut" or NULL. */
const char *initrd_generator(void);
/* KVER's initrd, root-relative, into OUT: /boot/initrd.img-K (Debian's, for
 * both generators) or /boot/initramfs-K.img (dracut's own). 1 when it
 * exists, else 0 and the Debian name. */
int initrd_path(const char *kver, char *out, size_t n);
/* The command GEN runs to make INITRD for KVER (EXISTS: to update it),
 * into ARGV (NULL-terminated); returns its enum run_step. */
int generator_argv(const char *gen, const char *kver, const char *initrd, int exists,
		   const char *argv[6]);

#endif
