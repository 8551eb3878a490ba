/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dbdboot: what is known about dattobd for one kernel, each fact read by
 * its own probe (kernel.h, dkms.h, modcheck.h, initrdcheck.h) and only the
 * ones asked for: status wants all, rebuild no initrd, inject no module
 * check for --manifest-only. Nothing below this layer includes it.
 */
#ifndef DBDBOOT_FACTS_H
#define DBDBOOT_FACTS_H

#include "dkms.h"
#include "fix.h"
#include "initrdcheck.h"
#include "kernel.h"
#include "modcheck.h"
#include "sigcheck.h"

/* What facts_get reads; the kernel's own files (struct kernel) always. */
enum fact {
	FACT_DKMS = 1 << 0,		/* dkms' tree */
	FACT_MODULE = 1 << 1,		/* the installed module, checked */
	FACT_INITRD_PATH = 1 << 2,	/* which initrd and generator, not read */
	FACT_INITRD = 1 << 3,		/* what it holds (read and unpacked) */
	FACT_SIG = 1 << 4,		/* will its signature let it load (reads FACT_MODULE) */
	FACT_FIX = 1 << 5,		/* the driver fix for its source (reads FACT_DKMS, FACT_MODULE) */
	FACT_ALL = FACT_DKMS | FACT_MODULE | FACT_INITRD_PATH | FACT_INITRD | FACT_SIG | FACT_FIX,
};

struct facts {
	unsigned int have;	/* the FACT_ bits read */
	struct kernel k;
	struct dkms_facts dkms;
	struct module_facts mod;
	struct initrd_facts initrd;
	struct sig_facts sig;
	struct fix_facts fix;	/* of the version installed for it, else the newest */
	int fix_missing;	/* FACT_FIX: the fix is wanted and the module lacks it */
	int ready;		/* FACT_ALL: image, verified module that will load, initrd holding all */
};

/* The facts WHAT of KVER into F (FACT_INITRD compares with the installed
 * module, so it reads FACT_MODULE too). 0, or <0 for a release name that
 * is not one. */
int facts_get(const char *kver, unsigned int what, struct facts *f);
/*
 * KVER's installed module, its facts (WHAT and FACT_MODULE) into F,
 * checked as status checks it, read as a plain ELF file into *KO (*LEN
 * bytes, malloc'ed) for a bundle or a package: VERB ("export", "package")
 * says which in the messages. 0, or <0 after saying why (*KO NULL).
 */
int facts_module_bytes(const char *kver, unsigned int what, const char *verb, struct facts *f,
		       unsigned char **ko, size_t *len);
/* Does the initrd (FACT_INITRD) hold the module, the agent, the boot script
 * and the current manifest (or none)? */
int facts_initrd_complete(const struct facts *f);

#endif
