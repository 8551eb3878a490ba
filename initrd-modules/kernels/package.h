/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dbdboot package: a verified dattobd as a Debian package (package.c, the
 * command; pkgsign.c, its signature; pkgdeb.c, the package's files).
 */
#ifndef DBDBOOT_PACKAGE_H
#define DBDBOOT_PACKAGE_H

#include <stddef.h>

#include "kernel.h"
#include "modcheck.h"

struct pkg {
	char name[KVER_MAX + 32];	/* dattobd-modules-KVER */
	char version[96];		/* the module's version, "-", the revision */
	const char *arch;		/* Debian's name for the module's machine */
	unsigned char *ko;		/* the module as packaged (malloc'ed) */
	size_t len;
	unsigned char *cert;		/* the signer's certificate (DER), or NULL */
	size_t cert_len;
	char sha256[65];		/* of KO */
	struct module_facts mod;	/* of KO, as installed for the kernel */
	char dkms_version[64];		/* the dkms version it was built from */
	int usr_lib;			/* 1: in /usr/lib, as the kernel's image
					 * package ships its modules (Debian 13) */
};

/* The flavour's metapackage of a kernel's package (package.c). */
struct pkg_meta {
	char flavour[KVER_MAX];		/* cloud-amd64, of 6.1.0-26-cloud-amd64 */
	char name[KVER_MAX + 32];	/* dattobd-modules-FLAVOUR */
	char version[KVER_MAX + 32];	/* the kernel's ABI ('-' as '.'), "-", the revision */
};

/* P's module signed for KVER with KEY and CERT (a signature it had is
 * taken off first), checked again (P->mod: its signer and key), CERT read
 * into P->cert. 0, or <0 after saying why. */
int package_sign(const char *kver, const char *key, const char *cert, struct pkg *p);

/* The package of P for KVER, maintained by MAINTAINER, dated by
 * SOURCE_DATE_EPOCH when set (else now), into *DEB (malloc'ed, *LEN bytes).
 * 0, or <0 after saying why. */
int package_deb(const char *kver, const char *maintainer, const struct pkg *p,
		unsigned char **deb, size_t *len);

/* M, the metapackage that depends on P (for KVER), as *DEB, as package_deb()
 * does. */
int package_meta_deb(const char *kver, const char *maintainer, const struct pkg *p,
		     const struct pkg_meta *m, unsigned char **deb, size_t *len);

#endif
