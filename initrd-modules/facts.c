// SPDX-License-Identifier: GPL-2.0-or-later
/* dbdboot: the facts asked for about one kernel, each from its probe (see facts.h). */
#include <string.h>

#include "facts.h"

int facts_get(const char *kver, unsigned int what, struct facts *f)
{
	int ret;

	memset(f, 0, sizeof(*f));
	ret = kernel_probe(kver, &f->k);
	if (ret)
		return ret;
	if (what & FACT_INITRD)
		what |= FACT_MODULE | FACT_INITRD_PATH;
	if (what & FACT_DKMS)
		dkms_facts(kver, &f->dkms);
	if (what & FACT_MODULE)
		module_facts(kver, NULL, &f->mod);
	if (what & FACT_INITRD)
		initrd_facts(kver, &f->mod, &f->initrd);
	else if (what & FACT_INITRD_PATH)
		initrd_locate(kver, &f->initrd);
	f->have = what;
	f->ready = (what & FACT_ALL) == FACT_ALL && f->k.image && f->mod.found &&
		   !f->mod.problem[0] && f->initrd.found && !f->initrd.problem[0] &&
		   f->initrd.module == INITRD_OK && f->initrd.agent == INITRD_OK &&
		   f->initrd.script == INITRD_OK &&
		   (f->initrd.manifest == INITRD_OK || f->initrd.manifest == INITRD_NONE);
	return 0;
}
