/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dbdboot: will the kernel load the installed dattobd at the next boot, as
 * far as its signature goes? Whether the kernel enforces module signatures
 * (its config, module.sig_enforce= and lockdown= on the command line of
 * this boot and of the next one, the running kernel's lockdown, Secure
 * Boot from efivars), who signed the module, and whether the kernel trusts
 * that key (its own build key, or a machine owner key enrolled through
 * shim: MokListRT). Also dkms' signing key and certificate, as dkms finds
 * them (/etc/dkms/framework.conf), and whether that certificate is enrolled;
 * for a module that dbdboot package signed with a fleet's key, the
 * certificate the package carries, and whether a certificate with that
 * key's serial is enrolled.
 */
#ifndef DBDBOOT_SIGCHECK_H
#define DBDBOOT_SIGCHECK_H

#include <limits.h>

#include "modcheck.h"

enum sig_trust {
	SIG_UNSIGNED,		/* no signature */
	SIG_KERNEL_KEY,		/* the kernel's own build key */
	SIG_MOK_ENROLLED,	/* a machine owner key: a certificate in MokListRT
				 * is dkms' or has the module's key's serial */
	SIG_MOK_NOT_ENROLLED,	/* dkms' key, or a module package's (its
				 * signing-cert.der), not enrolled */
	SIG_UNKNOWN_KEY,	/* another key: dbdboot cannot see that it is trusted */
};

struct sig_facts {
	int sig_checked;	/* the kernel checks signatures at all (CONFIG_MODULE_SIG) */
	int enforced;		/* ... and refuses what fails the check */
	char enforced_by[256];	/* why, in words; "" when not enforced */
	int secure_boot;	/* 1 on, 0 off, -1 not booted with EFI */
	char sig_hash[32];	/* CONFIG_MODULE_SIG_HASH; sha512 (dkms' default) if none */
	char dkms_key[PATH_MAX];	/* dkms' mok_signing_key */
	char dkms_cert[PATH_MAX];	/* dkms' mok_certificate (DER) */
	int dkms_key_found, dkms_cert_found;
	char dkms_serial[192];		/* the certificate's serial, "AB:CD:..." */
	int dkms_enrolled;		/* found in MokListRT */
	int key_enrolled;		/* a certificate in MokListRT has the module's key's serial */
	char key_cert[PATH_MAX];	/* the certificate of the module's key, when known here:
					 * dkms' or its package's; "" otherwise */
	enum sig_trust trust;
	int will_load;
	char why[512];		/* the prediction in words */
};

/* The signature facts of KVER's module M into S (M as module_facts left it;
 * a module not found gives will_load 0). */
int sig_facts(const char *kver, const struct module_facts *m, struct sig_facts *s);
const char *sig_trust_str(enum sig_trust t);

#endif
