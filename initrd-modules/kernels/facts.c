// SPDX-License-Identifier: GPL-2.0-or-later
/* dbdboot: the facts asked for about one kernel, each from its probe (see facts.h). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "dbdboot.h"
#include "facts.h"
#include "rootpath.h"

/* Milliseconds since *T, which becomes now. */
static double since_ms(double *t)
{
	double n = now_s(), d = (n - *t) * 1000;

	*t = n;
	return d;
}

int facts_get(const char *kver, unsigned int what, struct facts *f)
{
	double t;
	int ret;

	memset(f, 0, sizeof(*f));
	ret = kernel_probe(kver, &f->k);
	if (ret)
		return ret;
	if (what & FACT_INITRD)
		what |= FACT_MODULE | FACT_INITRD_PATH;
	if (what & FACT_SIG)
		what |= FACT_MODULE;
	if (what & FACT_FIX)
		what |= FACT_DKMS | FACT_MODULE;
	t = now_s();
	if (what & FACT_DKMS) {
		dkms_facts(kver, &f->dkms);
		VERBOSE("%s: dkms: %s (%.1f ms)", kver, dkms_state_str(f->dkms.state),
			since_ms(&t));
	}
	if (what & FACT_MODULE) {
		module_facts(kver, NULL, &f->mod);
		VERBOSE("%s: module: %s (%.1f ms)", kver,
			f->mod.path[0] ? f->mod.path : "none installed", since_ms(&t));
	}
	if (what & FACT_SIG) {
		sig_facts(kver, &f->mod, &f->sig);
		VERBOSE("%s: signature: %s (%.1f ms)", kver, f->sig.why, since_ms(&t));
	}
	if (what & FACT_FIX) {
		const char *v = f->dkms.version[0] ? f->dkms.version :
				f->dkms.nversions ? f->dkms.versions[f->dkms.nversions - 1] : NULL;
		const char *s = "no dattobd source";

		if (v) {
			fix_facts(v, &f->fix);
			s = fix_state_str(&f->fix, f->mod.fix, &f->fix_missing);
		}
		VERBOSE("%s: driver fix: %s (%.1f ms)", kver, s, since_ms(&t));
	}
	if (what & FACT_INITRD)
		initrd_facts(kver, &f->mod, &f->initrd);
	else if (what & FACT_INITRD_PATH)
		initrd_locate(kver, &f->initrd);
	if (what & FACT_INITRD_PATH)
		VERBOSE("%s: initrd: %s %s (%.1f ms)", kver, f->initrd.path,
			what & FACT_INITRD ? "read" : "located", since_ms(&t));
	f->have = what;
	f->ready = (what & FACT_ALL) == FACT_ALL && f->k.image && f->mod.found &&
		   !f->mod.problem[0] && f->sig.will_load && !f->fix_missing &&
		   facts_initrd_complete(f);
	return 0;
}

int facts_initrd_complete(const struct facts *f)
{
	const struct initrd_facts *i = &f->initrd;

	return i->found && !i->problem[0] && i->module == INITRD_OK && i->agent == INITRD_OK &&
	       i->script == INITRD_OK && (i->manifest == INITRD_OK || i->manifest == INITRD_NONE);
}

int facts_module_bytes(const char *kver, unsigned int what, const char *verb, struct facts *f,
		       unsigned char **ko, size_t *len)
{
	char p[PATH_MAX];
	int ret;

	*ko = NULL;
	ret = facts_get(kver, what | FACT_MODULE, f);
	if (ret) {
		ERR("could not use kernel release '%s': not a release name", kver);
		return ret;
	}
	if (!f->mod.found) {
		ERR("could not %s dattobd for '%s': none is installed for it (run: dbdboot "
		    "rebuild -k %s)", verb, kver, kver);
		return -ENOENT;
	}
	if (f->mod.problem[0]) {
		ERR("could not %s '%s': %s", verb, f->mod.path, f->mod.problem);
		return -EINVAL;
	}
	ret = read_file(rpath(p, "%s", f->mod.path), 64u << 20, ko, len);
	if (ret) {
		ERR("could not read '%s': %s", f->mod.path, strerror(-ret));
		return ret;
	}
	ret = module_plain(f->mod.path, ko, len);
	if (ret) {
		free(*ko);
		*ko = NULL;
	}
	return ret;
}
