// SPDX-License-Identifier: GPL-2.0-or-later
/* dbdboot status [-k KVER | --all] [-J]: what each kernel has. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "cli.h"
#include "dbdboot.h"
#include "facts.h"
#include "guard.h"
#include "keep.h"

static void help(void)
{
	fputs("Usage: dbdboot status [-k KVER | --all] [-J]\n"
	      "\n"
	      "For each kernel: image and headers, System.map (real, recovered or placeholder),\n"
	      "dattobd's DKMS state, the installed module checked against the kernel\n"
	      "(vermagic, modversions CRCs, depmod), whether its signature lets it load at\n"
	      "the next boot (signatures enforced by the kernel's config, module.sig_enforce=\n"
	      "or lockdown= on this or the next command line, lockdown, Secure Boot; who\n"
	      "signed it; dkms' key enrolled), and whether the initrd holds the module,\n"
	      "the agent, the boot script and the current manifest; whether the module\n"
	      "carries dbdboot's fix of dattobd's reload bug (dbdboot(8), DRIVER FIX).\n"
	      "Default: all kernels.\n"
	      "And, when the loaded dattobd has the reload bug, which volumes' chains the next\n"
	      "shutdown will end (dbdboot stops their tracking before their umounts).\n"
	      "Exit status 1 when a kernel that has an image is not ready to boot tracked,\n"
	      "or a chain will end at the next shutdown.\n"
	      "\n"
	      "  -k, --kernel KVER  only this kernel\n"
	      "  -a, --all          every installed kernel (the default)\n"
	      "  -J, --json         as JSON (documented in dbdboot(8))\n", stdout);
}

static const char *yesno(int v)
{
	return v ? "yes" : "no";
}

static void show_text(const struct facts *f, int running)
{
	const struct module_facts *m = &f->mod;
	const struct initrd_facts *i = &f->initrd;
	char checked[160], kept[PATH_MAX];

	printf("%s%s: %s\n", f->k.kver, running ? " (running)" : "",
	       f->ready ? "ready" : !f->k.image ? "no image installed" : "NOT READY");
	printf("  image         %s\n", yesno(f->k.image));
	printf("  headers       %s\n", yesno(f->k.headers));
	printf("  System.map    %s%s%s\n", sysmap_state_str(f->k.sysmap),
	       f->k.sysmap_path[0] ? " " : "", f->k.sysmap_path);
	printf("  dkms          %s%s%s\n", dkms_state_str(f->dkms.state),
	       f->dkms.version[0] ? " " : "", f->dkms.version);
	if (!m->found)
		printf("  module        not installed%s%s\n", m->problem[0] ? ": " : "", m->problem);
	else
		printf("  module        %s%s%s%s: %s\n", m->path,
		       m->packaged ? " (package dattobd-modules-" : "", m->packaged ? f->k.kver : "",
		       m->packaged ? ")" : "", m->problem[0] ? m->problem :
		       module_checked(m, checked, sizeof(checked)));
	if (keep_pending(f->k.kver, kept, sizeof(kept)))
		printf("  kept module   %s: a rebuild was interrupted before its successor was "
		       "verified; run: dbdboot rebuild -k %s\n", kept, f->k.kver);
	if (m->found)
		printf("  signature     %s%s%s%s\n", f->sig.why, m->signer[0] ? " [signer: " : "",
		       m->signer, m->signer[0] ? "]" : "");
	if (f->fix.version[0]) {
		int missing;

		printf("  driver fix    %s\n", fix_state_str(&f->fix, m->fix, &missing));
	}
	if (!i->found)
		printf("  initrd        %s: missing\n", i->path);
	else if (i->problem[0])
		printf("  initrd        %s\n", i->problem);
	else
		printf("  initrd        %s: module %s, agent %s, boot script %s, manifest %s\n",
		       i->path, initrd_item_str(i->module), initrd_item_str(i->agent),
		       initrd_item_str(i->script), initrd_item_str(i->manifest));
}

static void show_sig_json(const struct facts *f)
{
	const struct sig_facts *s = &f->sig;

	json_open("signature");
	json_bool("will_load", s->will_load);
	json_str("why", s->why);
	json_bool("checked", s->sig_checked);
	json_bool("enforced", s->enforced);
	json_str("enforced_by", s->enforced ? s->enforced_by : NULL);
	if (s->secure_boot < 0)
		json_str("secure_boot", NULL);
	else
		json_bool("secure_boot", s->secure_boot);
	json_str("trust", f->mod.found ? sig_trust_str(s->trust) : NULL);
	json_str("signer", f->mod.signer[0] ? f->mod.signer : NULL);
	json_str("key", f->mod.sig_key[0] ? f->mod.sig_key : NULL);
	json_str("key_certificate", s->key_cert[0] ? s->key_cert : NULL);
	json_bool("key_enrolled", s->key_enrolled);
	json_open("dkms");
	json_str("key", s->dkms_key);
	json_bool("key_found", s->dkms_key_found);
	json_str("certificate", s->dkms_cert);
	json_bool("certificate_found", s->dkms_cert_found);
	json_str("serial", s->dkms_serial[0] ? s->dkms_serial : NULL);
	json_bool("enrolled", s->dkms_enrolled);
	json_close();
	json_close();
}

static void show_fix_json(const struct facts *f)
{
	static const char *const sources[] = { "none", "affected", "unknown" };
	const struct fix_facts *x = &f->fix;

	json_open("driver_fix");
	json_str("version", x->version[0] ? x->version : NULL);
	json_str("source", sources[x->source]);
	json_str("release", x->release[0] ? x->release : NULL);
	json_bool("wanted", fix_wanted(x));
	json_bool("switched_off", x->off);
	json_bool("in_place", x->in_place);
	json_bool("carried", !strcmp(f->mod.fix, FIX_TAG));
	json_bool("missing", f->fix_missing);
	json_close();
}

static void show_json(const struct facts *f, int running)
{
	const struct module_facts *m = &f->mod;
	const struct initrd_facts *i = &f->initrd;
	char kept[PATH_MAX];

	json_open(NULL);
	json_str("kernel", f->k.kver);
	json_bool("running", running);
	json_bool("ready", f->ready);
	json_bool("image", f->k.image);
	json_bool("headers", f->k.headers);
	json_open("sysmap");
	json_str("state", sysmap_state_str(f->k.sysmap));
	json_str("path", f->k.sysmap_path[0] ? f->k.sysmap_path : NULL);
	json_close();
	json_open("dkms");
	json_str("state", dkms_state_str(f->dkms.state));
	json_str("version", f->dkms.version[0] ? f->dkms.version : NULL);
	json_close();
	json_open("module");
	json_bool("installed", m->found);
	json_str("path", m->path[0] ? m->path : NULL);
	json_str("vermagic", m->found ? m->vermagic : NULL);
	json_bool("vermagic_ok", m->vermagic_ok);
	json_int("crcs", m->crcs);
	json_int("crcs_bad", m->crcs_bad);
	json_bool("crcs_checked", m->symvers);
	json_int("crcs_checked_by_build_host", m->build_crcs);
	json_bool("depmod", m->depmod_listed);
	json_bool("packaged", m->packaged);
	json_str("problem", m->problem[0] ? m->problem : NULL);
	json_str("kept", keep_pending(f->k.kver, kept, sizeof(kept)) ? kept : NULL);
	json_close();
	show_sig_json(f);
	show_fix_json(f);
	json_open("initrd");
	json_str("path", i->path);
	json_bool("present", i->found);
	json_str("generator", i->generator[0] ? i->generator : NULL);
	json_str("module", initrd_item_str(i->module));
	json_str("agent", initrd_item_str(i->agent));
	json_str("script", initrd_item_str(i->script));
	json_str("manifest", initrd_item_str(i->manifest));
	json_str("problem", i->problem[0] ? i->problem : NULL);
	json_close();
	json_close();
}

/* The shutdown guard's view of the running system: 1 when chains are at risk. */
static int show_guard(void)
{
	static struct guard g;

	if (guard_assess(&g) || !g.loaded)
		return 0;
	if (opt.json) {
		json_open("shutdown_guard");
		json_str("loaded_version", g.version);
		json_bool("driver_at_risk", g.at_risk);
		json_str("why", g.why);
		json_array("volumes_at_risk");
		for (unsigned int i = 0; i < g.n; i++) {
			json_open(NULL);
			guard_put_volume(&g.vol[i]);
			json_close();
		}
		json_close();
		json_close();
	}
	for (unsigned int i = 0; !opt.json && i < g.n; i++)
		warn("the chain of minor %u ('%s') ends at the next shutdown: %s. dbdboot stops "
		     "its tracking before its umount, which would hang the shutdown; the backup "
		     "after the reboot must be a full one. Reloaded volumes keep their chains once "
		     "the loaded dattobd carries the fix: see 'driver fix' above, then reboot",
		     g.vol[i].minor, g.vol[i].bdev, g.why);
	return g.n > 0;
}

int cmd_status(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "kernel", required_argument, NULL, 'k' }, { "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'J' },	    { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char list[MAX_KERNELS][KVER_MAX];
	const char *kver = NULL;
	struct utsname u;
	int c, n, bad = 0;

	while ((c = getopt_long(argc, argv, "k:aJh", lo, NULL)) != -1) {
		switch (c) {
		case 'k': kver = optarg; break;
		case 'a': break;
		case 'J': opt.json = 1; break;
		case 'h': help(); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return unexpected_arg(argv[optind]);
	n = kernels_select(kver, !kver, list, MAX_KERNELS);
	if (n < 0)
		return select_exit(n);
	if (*opt.root || uname(&u))
		u.release[0] = '\0';
	if (opt.json) {
		json_open(NULL);
		json_str("root", *opt.root ? opt.root : "/");
		json_array("kernels");
	}
	for (int i = 0; i < n; i++) {
		struct facts f;

		if (facts_get(list[i], FACT_ALL, &f)) {
			ERR("could not use kernel release '%s'", list[i]);
			bad = 1;
			continue;
		}
		if (!f.k.image && !f.k.modules && !f.k.headers) {
			ERR("could not find kernel '%s': no image, modules or headers of it are "
			    "installed", list[i]);
			bad = 1;
			continue;
		}
		if (f.k.image && !f.ready)
			bad = 1;
		if (opt.json)
			show_json(&f, !strcmp(list[i], u.release));
		else
			show_text(&f, !strcmp(list[i], u.release));
	}
	if (opt.json)
		json_close();
	bad |= show_guard();
	if (opt.json) {
		json_close();
		json_end();
	}
	return bad ? EXIT_FAIL : EXIT_OK;
}
