/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dbdboot: a dattobd module checked against one kernel through libkmod
 * (vermagic, modversions CRCs against Module.symvers, depmod, who signed it).
 */
#ifndef DBDBOOT_MODCHECK_H
#define DBDBOOT_MODCHECK_H

#include <limits.h>
#include <stddef.h>

/* Where dbdboot package puts the module, under /lib/modules/KVER: a
 * folder of its own, which no dkms build writes to. */
#define PACKAGE_DIR "updates/dbdboot"

struct module_facts {
	int found;		/* a dattobd.ko for this kernel on disk */
	char path[PATH_MAX];	/* root-relative */
	int depmod_listed;
	int packaged;		/* in PACKAGE_DIR: from a package dbdboot package made */
	char vermagic[256];
	char kernel_vermagic[256];	/* of an in-tree module; "" if none */
	int vermagic_ok;
	int crcs, crcs_bad;	/* modversions entries checked, disagreeing */
	char crc_bad_symbol[128];
	int symvers;		/* the kernel's Module.symvers was read */
	/* Packaged, and no Module.symvers here (a fleet host: no headers): the
	 * CRCs its build host checked, by the package's module.txt when it
	 * names these very bytes (its sha256); else 0. */
	int build_crcs;
	char version[64];
	char srcversion[40];	/* modinfo srcversion: which build this is */
	char fix[32];		/* modinfo dbdboot_fix: "" unless built with dbdboot's fix */
	/* Its signature, as libkmod reads it: the signer's name and key id
	 * (the signing certificate's serial, "AB:CD:..."); and the key id of
	 * an in-tree module, the kernel's own build key. "" when unsigned. */
	char sig_id[32];	/* "PKCS#7" when signed */
	char signer[128];
	char sig_key[192];
	char kernel_sig_key[192];
	char problem[256];	/* "" when good */
};

/* The installed module of KVER (FILE NULL), or the module file FILE
 * (absolute, with the root) checked as if it were installed for KVER. */
int module_facts(const char *kver, const char *file, struct module_facts *m);
/* What a module without a problem was checked for, in words: never that
 * CRCs agree when Module.symvers could not be read. */
const char *module_checked(const struct module_facts *m, char *buf, size_t n);

/*
 * The module's bytes *KO (*LEN, read from PATH) as a plain ELF file,
 * whatever dkms installed (Debian 13's dkms 3.2 installs dattobd.ko.xz):
 * what bundles and packages carry as dattobd.ko, which the kernel and
 * dbdboot-early load without decompressing. *KO is replaced by the
 * unpacked bytes. 0, or <0 after saying why.
 */
int module_plain(const char *path, unsigned char **ko, size_t *len);

#endif
