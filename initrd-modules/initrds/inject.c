// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot inject [-k KVER | --all] [--manifest-only]: make a kernel's
 * initrd hold the module, the agent and the manifest, through the system's
 * own generator, and check the result by reading the initrd. With
 * --manifest-only, append (or replace) one small raw cpio segment holding
 * the current manifest instead.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "dbdboot.h"
#include "facts.h"
#include "files.h"
#include "generator.h"
#include "initrd.h"
#include "inject.h"
#include "keep.h"
#include "manifest.h"
#include "run.h"

/* The initrd as AFTER read it, and the installed module as MOD (its facts
 * before the generator ran): 0 when verified. */
static int check(const char *kver, const struct facts *mod, const struct facts *f)
{
	const struct initrd_facts *i = &f->initrd;
	char miss[256] = "";

	if (i->problem[0]) {
		ERR("%s", i->problem);
		return -EBADMSG;
	}
	/* The initrd's module is compared with the installed one: one built
	 * for another kernel, or unreadable, verifies nothing. */
	if (mod->mod.found && mod->mod.problem[0]) {
		ERR("could not verify '%s': the installed dattobd %s: %s", i->path,
		    mod->mod.path, mod->mod.problem);
		ERR("  run dbdboot rebuild -k %s --force, then dbdboot inject -k %s", kver, kver);
		return -EBADMSG;
	}
	if (!mod->mod.found && i->module == INITRD_OK) {
		ERR("could not verify '%s': it holds a dattobd, but none is installed for %s "
		    "to compare it with: run dbdboot rebuild -k %s", i->path, kver, kver);
		return -EBADMSG;
	}
	if (i->module != INITRD_OK)
		snprintf(miss + strlen(miss), sizeof(miss) - strlen(miss), "%s the module",
			 i->module == INITRD_STALE ? " an old copy of" : "");
	if (i->agent != INITRD_OK)
		snprintf(miss + strlen(miss), sizeof(miss) - strlen(miss), "%s the agent",
			 miss[0] ? "," : "");
	if (i->script != INITRD_OK)
		snprintf(miss + strlen(miss), sizeof(miss) - strlen(miss), "%s the boot script",
			 miss[0] ? "," : "");
	if (i->manifest != INITRD_OK && i->manifest != INITRD_NONE)
		snprintf(miss + strlen(miss), sizeof(miss) - strlen(miss), "%s the %smanifest",
			 miss[0] ? "," : "", i->manifest == INITRD_STALE ? "current " : "");
	if (!miss[0])
		return 0;
	ERR("could not verify '%s': it lacks%s", i->path, miss);
	if (!f->mod.found)
		ERR("  no dattobd is installed for %s: run dbdboot rebuild -k %s first", kver, kver);
	if (i->agent != INITRD_OK || i->script != INITRD_OK)
		ERR("  is dbdboot's %s hook installed? (make install)", i->generator);
	return -EBADMSG;
}

static int regenerate(const char *kver, const struct facts *f)
{
	const char *gen = initrd_generator();
	char log[PATH_MAX], p[PATH_MAX], why[256];
	const char *argv[6];
	enum run_step step;
	double t0;
	int ret;

	if (!gen) {
		ERR("could not find an initrd generator: install initramfs-tools "
		    "or dracut");
		return -ENOENT;
	}
	mkdir_p(state_path(p, kver, ""), 0755);
	snprintf(log, sizeof(log), "%s", state_path(p, kver, "initrd.log"));
	write_atomic(log, "", 0, 0644);
	info("%s: %s for '%s' ...", kver, gen, f->initrd.path);
	t0 = now_s();
	step = (enum run_step)generator_argv(gen, kver, f->initrd.path, f->initrd.found, argv);
	ret = run_prog(step, argv, log);
	if (ret) {
		unsigned char *text;
		size_t len;

		if (!read_file(log, 1u << 20, &text, &len)) {
			fprintf(stderr, "--- %s ---\n%s---\n", log, (char *)text);
			free(text);
		}
		ERR("could not make the initrd for '%s': %s %s; the "
		    "initrd it left is checked by: dbdboot status -k %s", kver,
		    run_step_name(step), run_failure(step, ret, why, sizeof(why)), kver);
		return ret < 0 ? ret : -EIO;
	}
	info("%s: %s done in %.1f s", kver, gen,
	     now_s() - t0);
	return 0;
}

int inject_one(const char *kver, int manifest_only)
{
	struct facts f, after;
	int ret;

	/* One writer at a time: never a stale copy renamed over a newer one. */
	ret = dbd_lock();
	if (ret)
		return ret;
	/* A module a killed rebuild took away comes back before an initrd
	 * is made without it. */
	if (!manifest_only)
		keep_recover(kver);
	/* Not what the initrd holds: that is about to change, and reading it
	 * is the costly part; it is read once, after. The module's checks
	 * only for the generator's run. */
	ret = facts_get(kver, FACT_INITRD_PATH | (manifest_only ? 0 : FACT_MODULE), &f);
	if (ret) {
		ERR("could not use kernel release '%s': not a release name", kver);
		return ret;
	}
	if (!f.k.image) {
		info("%s: no image (/boot/vmlinuz-%s) is installed: no initrd to make", kver, kver);
		return INJECT_DEFERRED;
	}
	if (manifest_only) {
		int stale;

		if (!f.initrd.found) {
			ERR("could not find '%s' to add the manifest to: run "
			    "dbdboot inject -k %s", f.initrd.path, kver);
			return -ENOENT;
		}
		/* Written and read back there; verified whole when not as before. */
		ret = inject_manifest(kver, f.initrd.path, &stale);
		if (ret || !stale)
			return ret;
		/* An older agent may not read this manifest's version. */
		info("%s: the agent in '%s' is not the installed one: making the initrd anew",
		     kver, f.initrd.path);
		return inject_one(kver, 0);
	}
	ret = regenerate(kver, &f);
	if (ret)
		return ret;
	facts_get(kver, FACT_INITRD, &after);
	ret = check(kver, &f, &after);
	if (!ret)
		info("%s: '%s' holds the module, the agent, the boot script and the manifest",
		     kver, after.initrd.path);
	return ret;
}

int inject_remake(const char *kver)
{
	struct facts f;
	int ret = dbd_lock();

	if (!ret)
		ret = facts_get(kver, FACT_INITRD_PATH, &f);
	return ret ? ret : regenerate(kver, &f);
}

static void help(void)
{
	fputs("Usage: dbdboot inject [-k KVER | --all] [--manifest-only] [-J]\n"
	      "\n"
	      "Make the kernel's initrd (default: the running kernel's) hold dattobd, the\n"
	      "agent and " MANIFEST_PATH " with the system's own generator\n"
	      "(update-initramfs -u -k, or dracut -f --kver), then check it by reading it.\n"
	      "\n"
	      "  -k, --kernel KVER    this kernel\n"
	      "  -a, --all            every installed kernel\n"
	      "  -m, --manifest-only  append one small segment with the current manifest\n"
	      "                       instead (replacing the one a previous call appended)\n"
	      "  -J, --json           say what was done as JSON on stdout\n", stdout);
}

static int one(const char *kver, int manifest_only, struct kresult *r)
{
	int ret = inject_one(kver, manifest_only);

	r->outcome = ret == INJECT_DEFERRED ? "no-image" : ret ? "failed" :
		     manifest_only ? "manifest-updated" : "verified";
	return ret;
}

int cmd_inject(int argc, char **argv)
{
	static const struct per_kernel pk = {
		.name = "inject", .help = help, .flag = 'm', .flag_long = "manifest-only", .one = one,
	};

	return per_kernel(argc, argv, &pk);
}
