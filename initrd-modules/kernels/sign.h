/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dbdboot: signing a module with the kernel's sign-file, as dkms does. */
#ifndef DBDBOOT_SIGN_H
#define DBDBOOT_SIGN_H

/* Sign MODULE (root-relative, uncompressed) for KVER with HASH (the one
 * the kernel's config names: sig_facts) and KEY and CERT (dkms' MOK pair);
 * sign-file is looked for where dkms looks. Its output to LOG. 0, or <0
 * after saying why. */
int sign_module(const char *kver, const char *module, const char *hash, const char *key,
		const char *cert, const char *log);

#endif
