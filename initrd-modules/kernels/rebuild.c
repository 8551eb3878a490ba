// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot rebuild [-k KVER | --all] [--force]: preflight, dkms build and
 * install of dattobd for a kernel, then verification (modcheck.c).
 */
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dbdboot.h"
#include "facts.h"
#include "files.h"
#include "fix.h"
#include "keep.h"
#include "rebuild.h"
#include "rootpath.h"
#include "run.h"
#include "sign.h"
#include "sysmap.h"

/* The last LINES lines of FILE to stderr, indented. */
static void tail(const char *file, int lines)
{
	unsigned char *buf;
	size_t len, i;
	int n = 0;

	if (read_file(file, 64u << 20, &buf, &len))
		return;
	for (i = len; i > 0; i--)
		if (buf[i - 1] == '\n' && i != len && ++n == lines)
			break;
	fprintf(stderr, "--- last lines of %s ---\n%s", file, (char *)buf + i);
	if (len && buf[len - 1] != '\n')
		fputc('\n', stderr);
	fprintf(stderr, "---\n");
	free(buf);
}

/*
 * dattobd not registered with dkms. dkms 3.0 forgets a module version
 * entirely when the last kernel it was built for is removed, so a source
 * left in /usr/src is registered again (the newest one); else say how.
 */
static int no_source(void)
{
	char pat[PATH_MAX], dir[PATH_MAX];
	size_t best;
	glob_t g;
	int ret;

	if (glob(rpath(pat, "/usr/src/" DKMS_MODULE "-*/dkms.conf"), 0, NULL, &g)) {
		ERR("could not find dattobd registered with dkms, nor its source under /usr/src: "
		    "install the dattobd DKMS source (for example /usr/src/dattobd-VERSION with its "
		    "dkms.conf), then run: dkms add /usr/src/dattobd-VERSION");
		return -ENOENT;
	}
	/* The newest by version order (0.10 after 0.9), not by name. */
	best = 0;
	for (size_t i = 1; i < g.gl_pathc; i++)
		if (strverscmp(g.gl_pathv[i], g.gl_pathv[best]) > 0)
			best = i;
	snprintf(dir, sizeof(dir), "%s", g.gl_pathv[best] + strlen(opt.root));
	globfree(&g);
	*strrchr(dir, '/') = '\0';
	{
		const char *argv[] = { "dkms", "add", dir, NULL };

		info("dattobd is not registered with dkms (dkms forgets it when the last kernel "
		     "it was built for is removed): registering '%s'", dir);
		ret = run_prog(RUN_DKMS_ADD, argv, NULL);
	}
	if (ret) {
		char why[256];

		ERR("could not register '%s' with dkms: dkms add %s; "
		    "run: dkms add %s", dir, run_failure(RUN_DKMS_ADD, ret, why, sizeof(why)),
		    dir);
		return ret < 0 ? ret : -EIO;
	}
	return 0;
}

static int dkms_step(enum run_step step, const char *ver, const char *kver, const char *log)
{
	const char *what = step == RUN_DKMS_BUILD ? "build" : "install";
	char mv[128], why[256];
	const char *argv[] = { "dkms", what, "-m", DKMS_MODULE, "-v", ver, "-k", kver, NULL };
	double t0 = now_s();
	int ret;

	snprintf(mv, sizeof(mv), "%s/%s", DKMS_MODULE, ver);
	info("%s: dkms %s %s ...", kver, what, mv);
	ret = run_prog(step, argv, log);
	if (ret) {
		ERR("could not %s %s for '%s': dkms %s %s after %.1f s "
		    "(its output: %s)", what, mv, kver, what, run_failure(step, ret, why,
		    sizeof(why)), now_s() - t0, log);
		return ret < 0 ? ret : -EIO;
	}
	info("%s: dkms %s done in %.1f s", kver, what, now_s() - t0);
	return 0;
}

#define NOTHING_TO_DO 2	/* from preflight: verified already */

/* What must be there before a build. 0 to build, NOTHING_TO_DO, or as
 * rebuild_one. */
static int preflight(const char *kver, int force, struct facts *f, struct rebuild_result *r)
{
	struct sysmap_result sm;
	const char *ver;
	int ret;

	/* Not the initrd: that is inject's business, and reading it costs. */
	ret = facts_get(kver, FACT_DKMS | FACT_MODULE | FACT_SIG | FACT_FIX, f);
	if (ret) {
		ERR("could not use kernel release '%s': not a release name", kver);
		return ret;
	}
	if (f->mod.found && f->mod.packaged) {
		if (f->mod.problem[0]) {
			ERR("%s: the dattobd of package dattobd-modules-%s: %s: install the package "
			    "made for this kernel", kver, kver, f->mod.problem);
			r->outcome = "packaged-bad";
			return -EINVAL;
		}
		info("%s: dattobd %s comes from package dattobd-modules-%s: not built with dkms "
		     "(remove that package to build it here)", kver, f->mod.version, kver);
		snprintf(r->version, sizeof(r->version), "%s", f->mod.version);
		r->outcome = "packaged";
		return NOTHING_TO_DO;
	}
	/* A host of a fleet: the module comes as a package, not built here. */
	if (!f->mod.found && !f->k.headers && !have_program("dkms")) {
		info("%s: neither dkms nor the headers are installed: nothing built; install "
		     "dattobd-modules-%s (your fleet's package), or dkms and linux-headers-%s to "
		     "build it here", kver, kver, kver);
		r->outcome = "deferred-package";
		return REBUILD_DEFERRED;
	}
	if (!f->k.headers || !f->k.image) {
		info(!f->k.headers ? "%s: the headers (linux-headers-%s) are not installed: nothing "
		     "built; the build will run when they arrive" : "%s: the image "
		     "(/boot/vmlinuz-%s) is not installed yet: nothing built; the build will run "
		     "when it arrives", kver, kver);
		r->outcome = !f->k.headers ? "deferred-headers" : "deferred-image";
		return REBUILD_DEFERRED;
	}
	if (!f->dkms.nversions) {
		ret = no_source();
		if (!ret)
			ret = facts_get(kver, FACT_DKMS | FACT_MODULE | FACT_SIG | FACT_FIX, f);
		if (ret || !f->dkms.nversions) {
			r->outcome = "no-source";
			return ret ? ret : -ENOENT;
		}
	}
	ver = f->dkms.versions[f->dkms.nversions - 1];
	snprintf(r->version, sizeof(r->version), "%s", ver);
	/* A build with the fix when it is wanted, without it when not (switched off). */
	if (f->fix_missing && f->mod.found)
		info("%s: dattobd %s lacks dbdboot's fix of its reload bug: building it again "
		     "with the fix", kver, f->dkms.version);
	else if (!strcmp(f->mod.fix, FIX_TAG) && f->fix.source == FIX_AFFECTED && f->fix.off)
		info("%s: dattobd %s carries dbdboot's fix, which is switched off: building it "
		     "again without", kver, f->dkms.version);
	else if (!force && f->dkms.state == DKMS_INSTALLED && !strcmp(f->dkms.version, ver) &&
	    f->mod.found && !f->mod.problem[0]) {
		info("%s: dattobd %s is built, installed and verified: nothing to do", kver, ver);
		r->outcome = "verified";
		return NOTHING_TO_DO;
	}
	if (!have_program("dkms")) {
		ERR("could not find 'dkms': install the dkms package");
		return -ENOENT;
	}
	if (f->k.sysmap != SYSMAP_REAL && f->k.sysmap != SYSMAP_RECOVERED) {
		info("%s: System.map is %s: recovering it from the image", kver,
		     sysmap_state_str(f->k.sysmap));
		ret = sysmap_ensure(kver, 0, NULL, &sm);
		if (ret) {
			r->outcome = "no-sysmap";
			ERR("could not build dattobd for '%s' without a real System.map "
			    "(dattobd's build needs symbol addresses)", kver);
			return ret;
		}
	}
	return 0;
}

/* dkms build and install of VER, then the checks. 0 or <0 after saying why. */
static int build(const char *kver, const char *ver, struct facts *f, const char *log,
		 struct rebuild_result *r)
{
	char p[PATH_MAX], why[256];
	struct fix_facts x;
	int ret;

	/* dbdboot's fix of the reload bug, for dkms to apply (or take away). */
	fix_facts(ver, &x);
	fix_prepare(ver, &x);
	/* dkms refuses to build what it has built: undo that build first
	 * ("unbuild", not "remove": remove forgets the version entirely when
	 * this was its last kernel). Another version built or installed stays
	 * until the new one is installed over it. */
	if (f->dkms.state >= DKMS_BUILT && !strcmp(f->dkms.version, ver)) {
		const char *argv[] = { "dkms", "unbuild", "-m", DKMS_MODULE, "-v", ver, "-k", kver,
				       NULL };

		ret = run_prog(RUN_DKMS_UNBUILD, argv, log);
		if (ret)
			warn("%s: dkms unbuild %s (its output: %s); building anyway", kver,
			     run_failure(RUN_DKMS_UNBUILD, ret, why, sizeof(why)), log);
		/* It removed the module: the kernel has it back during the build. */
		ret = keep_restore(kver, KEEP_BUILDING);
		if (ret) {
			r->outcome = "build-failed";
			return ret;
		}
	}
	ret = dkms_step(RUN_DKMS_BUILD, ver, kver, log);
	if (ret) {
		tail(rpath(p, "/var/lib/dkms/" DKMS_MODULE "/%s/build/make.log", ver), 25);
		ERR("what to do: read the log above; check that linux-headers-%s is complete "
		    "and that '%s' is real (dbdboot status -k %s); then run: dbdboot rebuild -k %s",
		    kver, f->k.sysmap_path[0] ? f->k.sysmap_path : "System.map", kver, kver);
		r->outcome = "build-failed";
		return ret;
	}
	/* dkms 3.0 does not install over a module of the same version (it says
	 * so and exits 0): the kept one makes way, and comes back if need be. */
	ret = keep_take_away(kver);
	if (!ret)
		ret = dkms_step(RUN_DKMS_INSTALL, ver, kver, log);
	if (ret) {
		r->outcome = "install-failed";
		return ret;
	}
	ret = facts_get(kver, FACT_DKMS | FACT_MODULE | FACT_SIG | FACT_FIX, f);
	if (ret || !f->mod.found || f->mod.problem[0]) {
		r->outcome = "verify-failed";
		ERR("could not verify the dattobd dkms installed for '%s': %s", kver,
		    f->mod.found ? f->mod.problem : "no dattobd.ko is installed for it");
		return -EBADMSG;
	}
	return 0;
}

/* When the kernel will refuse the module's signature at the next boot (F
 * as preflight or build left it): an unsigned module is signed with dkms'
 * key if that is there, and what is still in the way is said (the key to
 * enroll). 0 when it will load. */
static int signature(const char *kver, struct facts *f, struct rebuild_result *r)
{
	char log[PATH_MAX];
	int ret;

	if (!f->mod.found || f->sig.will_load)
		return 0;
	/* A package's module is dpkg's file: never signed here. */
	if (f->sig.trust == SIG_UNSIGNED && f->sig.dkms_key_found && f->sig.dkms_cert_found &&
	    !f->mod.packaged) {
		state_log(log, kver, "sign.log");
		info("%s: signatures are enforced (%s) and dattobd is unsigned: signing it with "
		     "dkms' key '%s'", kver, f->sig.enforced_by, f->sig.dkms_key);
		ret = sign_module(kver, f->mod.path, f->sig.sig_hash, f->sig.dkms_key,
				  f->sig.dkms_cert, log);
		if (!ret)
			ret = facts_get(kver, FACT_MODULE | FACT_SIG, f);
		if (ret) {
			r->outcome = "sign-failed";
			return ret;
		}
		if (f->sig.will_load) {
			info("%s: dattobd signed: %s", kver, f->sig.why);
			return 0;
		}
	}
	ERR("%s: dattobd %s", kver, f->sig.why);
	r->outcome = "will-not-load";
	return -EKEYREJECTED;
}

int rebuild_one(const char *kver, int force, struct rebuild_result *r)
{
	char log[PATH_MAX], p[PATH_MAX];
	double t0 = now_s();
	struct facts f;
	int ret;

	memset(r, 0, sizeof(*r));
	/* Before dkms' state is read: a second run sees what the first left. */
	ret = dbd_lock();
	if (ret)
		return ret;
	/* What a killed run left: the module back, or its copy dropped. */
	keep_recover(kver);
	ret = preflight(kver, force, &f, r);
	if (ret == NOTHING_TO_DO) {
		ret = signature(kver, &f, r);
		r->seconds = now_s() - t0;
		return ret;
	}
	if (ret)
		return ret;
	ret = mkdir_p(state_path(p, kver, ""), 0755);
	if (ret) {
		ERR("could not create '%s': %s", p, strerror(-ret));
		return ret;
	}
	state_log(log, kver, "dkms.log");
	/* Nothing that was installed goes before its successor is verified,
	 * on disk: a kill at any point leaves it in place or its copy. */
	ret = keep_save(kver, &f.mod);
	if (ret) {
		r->outcome = "build-failed";
		return ret;
	}
	ret = build(kver, r->version, &f, log, r);
	if (ret) {
		if (!keep_restore(kver, KEEP_FAILED))
			keep_drop(kver);
		return ret;
	}
	keep_drop(kver);
	r->seconds = now_s() - t0;
	r->built = 1;
	if (f.fix_missing) {
		/* Installed and working, so kept; but its chains will not last. */
		r->outcome = "built-without-fix";
		ERR("%s: dattobd %s was built without dbdboot's fix of its reload bug (see %s and "
		    "the messages above): a volume reloaded at boot will hang the shutdown after "
		    "it and lose its chain", kver, r->version, log);
		return -ENOEXEC;
	}
	r->outcome = "built";
	info("%s: dattobd %s built, installed and verified (vermagic, %d CRCs, depmod) in %.1f s",
	     kver, r->version, f.mod.crcs, r->seconds);
	return signature(kver, &f, r);
}

static void help(void)
{
	fputs("Usage: dbdboot rebuild [-k KVER | --all] [--force] [-J]\n"
	      "\n"
	      "Build and install dattobd with DKMS for a kernel (default: the running one),\n"
	      "after making sure its headers, image and a real System.map are there (the\n"
	      "System.map is recovered from the image when needed); then verify the module:\n"
	      "vermagic, modversions CRCs against Module.symvers, listed by depmod. Does\n"
	      "nothing when that is already so. When the kernel will enforce module\n"
	      "signatures at the next boot (see status), an unsigned module is signed with\n"
	      "dkms' key, and a key the kernel does not trust is named with how to enroll\n"
	      "it (exit status 1 while the module would be refused). Exit status 3 when\n"
	      "the kernel's image or headers are not installed yet (nothing built).\n"
	      "\n"
	      "  -k, --kernel KVER  this kernel\n"
	      "  -a, --all          every installed kernel\n"
	      "  -f, --force        build again even when verified\n"
	      "  -J, --json         say what was done as JSON on stdout\n", stdout);
}

static int one(const char *kver, int force, struct kresult *kr)
{
	struct rebuild_result r;
	int ret = rebuild_one(kver, force, &r);

	kr->outcome = r.outcome;
	snprintf(kr->version, sizeof(kr->version), "%s", r.version);
	kr->seconds = r.seconds;
	return ret;
}

int cmd_rebuild(int argc, char **argv)
{
	static const struct per_kernel pk = {
		.name = "rebuild", .help = help, .flag = 'f', .flag_long = "force", .one = one,
	};

	return per_kernel(argc, argv, &pk);
}
