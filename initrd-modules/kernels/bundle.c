// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot bundle export -k KVER FILE | import [--force] FILE: a built
 * dattobd for one kernel release, to install on hosts that have the same
 * kernel and no compiler. FILE is a gzip'ed tar of two members:
 *   dbdboot-bundle.txt   "dbdboot-bundle 1", then "KEY VALUE" lines:
 *                        kernel, module, dkms-version, vermagic, sha256, size
 *   dattobd.ko           the module
 * Import refuses a bundle for a kernel not installed here, one whose
 * checksum or vermagic does not match, and one the kernel would not take
 * (the checks of dbdboot status); then installs the module where dkms
 * would, runs depmod, and records it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundlefmt.h"
#include "cli.h"
#include "dbdboot.h"
#include "elfmod.h"
#include "facts.h"
#include "files.h"
#include "rootpath.h"
#include "run.h"
#include "sha256.h"
#include "unpack.h"

#define KO DBD_BUNDLE_KO
#define MAX_BUNDLE (256u << 20)

/* ---- export ---- */

static int bundle_export(const char *kver, const char *file)
{
	unsigned char *ko = NULL, *gz = NULL;
	char meta[1024], sum[65], fsum[65];
	struct facts f;
	size_t len, mlen, glen;
	int ret;

	ret = facts_module_bytes(kver, FACT_DKMS, "export", &f, &ko, &len);
	if (ret)
		return ret;
	sha256_hex(ko, len, sum);
	mlen = (size_t)snprintf(meta, sizeof(meta),
				"dbdboot-bundle 1\nkernel %s\nmodule " DKMS_MODULE
				"\ndkms-version %s\nvermagic %s\nsha256 %s\nsize %zu\nsigner %s\n"
				"sig-key %s\n",
				kver, f.dkms.version[0] ? f.dkms.version : f.mod.version[0] ? f.mod.version : "unknown",
				f.mod.vermagic, sum, len, f.mod.signer[0] ? f.mod.signer : "-",
				f.mod.sig_key[0] ? f.mod.sig_key : "-");
	ret = dbd_bundle_make(meta, mlen, ko, len, &gz, &glen);
	if (ret) {
		ERR("could not compress the bundle");
		goto out;
	}
	ret = write_atomic(file, gz, glen, 0644);
	if (ret) {
		ERR("could not write '%s': %s", file, strerror(-ret));
		goto out;
	}
	sha256_hex(gz, glen, fsum);
	info("%s: exported dattobd %s (%zu bytes) to '%s'; import it with: dbdboot bundle import "
	     "--sha256 %s %s", kver, f.dkms.version[0] ? f.dkms.version : f.mod.version, len, file, fsum, file);
	if (opt.json) {
		json_open(NULL);
		json_str("kernel", kver);
		json_str("file", file);
		json_str("sha256", fsum);
		json_str("module_sha256", sum);
		json_str("vermagic", f.mod.vermagic);
		json_str("signer", f.mod.signer[0] ? f.mod.signer : NULL);
		json_str("sig_key", f.mod.sig_key[0] ? f.mod.sig_key : NULL);
		json_close();
		json_end();
	}
out:
	free(ko);
	free(gz);
	return ret;
}

/* ---- import ---- */

/*
 * The bundle at FILE, read and checked before anything is installed: its
 * own sha256 against WANT (given out of band), the module's against the
 * bundle's record, the kernel installed here, and the kernel's checks on
 * the module. 0, or <0 after saying why.
 */
static int import_check(const char *file, const char *want, struct dbd_bundle *b,
			unsigned char **raw)
{
	char p[PATH_MAX], tmp[PATH_MAX], sum[65], why[256];
	struct module_facts mf;
	struct kernel k;
	size_t len;
	int ret;

	ret = read_file(file, MAX_BUNDLE, raw, &len);
	if (ret) {
		ERR("could not read '%s': %s", file, strerror(-ret));
		return ret;
	}
	sha256_hex(*raw, len, sum);
	if (strcasecmp(sum, want)) {
		ERR("could not import '%s': its sha256 is %s, not the %s given: "
		    "not the bundle that was exported, or damaged on the way", file, sum,
		    want);
		return -EPERM;
	}
	if (dbd_bundle_read(*raw, len, b, why, sizeof(why))) {
		ERR("could not import '%s': not a dbdboot bundle (a gzip'ed tar "
		    "with %s and %s), or damaged: %s", file, DBD_BUNDLE_META, KO, why);
		return -EBADMSG;
	}
	/* Installed as dattobd.ko: compressed bytes there (an export of an
	 * older dbdboot took dkms' dattobd.ko.xz as it was) pass libkmod's
	 * checks, but the kernel refuses them at boot. */
	if (!dbd_elf_magic(b->ko, b->ko_size)) {
		ERR("could not import '%s': its %s is not an ELF module (%s data): the kernel "
		    "would refuse it; export it again with this dbdboot", file, KO,
		    dbd_comp_str(dbd_comp_detect(b->ko, b->ko_size)));
		return -ENOEXEC;
	}
	sha256_hex(b->ko, b->ko_size, sum);
	if (strcmp(sum, b->sha256) || b->ko_size != b->size) {
		ERR("could not import '%s': bad checksum: the module's sha256 is "
		    "%s, the bundle says %s", file, sum, b->sha256);
		return -EBADMSG;
	}
	if (kernel_probe(b->kernel, &k) || !k.modules) {
		ERR("could not import '%s': it is for kernel %.64s, which is not "
		    "installed here", file, b->kernel);
		return -ENOENT;
	}
	/* The kernel's own checks, on a copy beside the destination. */
	snprintf(tmp, sizeof(tmp), "%s", state_path(p, b->kernel, "bundle.ko"));
	ret = write_atomic(tmp, b->ko, b->ko_size, 0644);
	if (ret) {
		ERR("could not write '%s': %s", tmp, strerror(-ret));
		return ret;
	}
	module_facts(b->kernel, tmp, &mf);
	remove_path(tmp, 0);
	if (!mf.found || mf.problem[0] || strcmp(mf.vermagic, b->vermagic)) {
		ERR("could not import '%s' for %s: %s", file, b->kernel,
		    !mf.found ? "its module cannot be read" :
		    mf.problem[0] ? mf.problem : "its vermagic is not the one the bundle says");
		return -EINVAL;
	}
	return 0;
}

/* The compressed names dkms may have installed the module under (Debian
 * 13's dkms compresses what it installs), beside the plain one. */
static const char *const packed[] = { KO ".xz", KO ".zst", KO ".gz" };

/* A compressed dattobd in updates/dkms (the kernel would go on loading it:
 * depmod prefers none of the two): with FORCE removed (after the import),
 * without it refused. 0, or -EEXIST after saying so. */
static int packed_installed(const char *file, const struct dbd_bundle *b, int force)
{
	char p[PATH_MAX];
	struct stat st;

	for (size_t i = 0; i < sizeof(packed) / sizeof(packed[0]); i++) {
		rpath(p, "/lib/modules/%s/updates/dkms/%s", b->kernel, packed[i]);
		if (lstat(p, &st))
			continue;
		if (!force) {
			ERR("could not import '%s': a dattobd is installed for %s at "
			    "'/lib/modules/%s/updates/dkms/%s' (--force replaces it)", file,
			    b->kernel, b->kernel, packed[i]);
			return -EEXIST;
		}
		if (!remove_path(p, 0))
			info("%s: removed '/lib/modules/%s/updates/dkms/%s', replaced by the "
			     "imported module", b->kernel, b->kernel, packed[i]);
	}
	return 0;
}

/* Install the checked module where dkms would, depmod, verify, record. */
static int import_install(const char *file, const struct dbd_bundle *b, int force)
{
	char p[PATH_MAX], note[512], want[PATH_MAX];
	struct facts f;
	unsigned char *old = NULL;
	size_t olen;
	int ret;

	/* Refused before anything is written; removed only after. */
	ret = force ? 0 : packed_installed(file, b, 0);
	if (ret)
		return ret;
	rpath(p, "/lib/modules/%s/updates/dkms/" KO, b->kernel);
	if (!read_file(p, 64u << 20, &old, &olen)) {
		int same = olen == b->ko_size && !memcmp(old, b->ko, olen);

		free(old);
		if (!same && !force) {
			ERR("could not import '%s': a different dattobd is installed "
			    "for %s at '/lib/modules/%s/updates/dkms/" KO "' (--force replaces "
			    "it)", file, b->kernel, b->kernel);
			return -EEXIST;
		}
	}
	ret = write_atomic(p, b->ko, b->ko_size, 0644);
	if (ret) {
		ERR("could not write '%s': %s", p, strerror(-ret));
		return ret;
	}
	if (force)
		packed_installed(file, b, 1);
	ret = run_depmod(b->kernel);
	if (ret)
		return ret;
	if (facts_get(b->kernel, FACT_MODULE, &f) || !f.mod.found || f.mod.problem[0]) {
		ERR("could not verify the imported module for %s: %s", b->kernel,
		    f.mod.found ? f.mod.problem : "not found after depmod");
		return -EINVAL;
	}
	/* The module the kernel will load is the one written, not another
	 * dattobd that depmod resolves first. */
	snprintf(want, sizeof(want), "/lib/modules/%s/updates/dkms/" KO, b->kernel);
	if (strcmp(f.mod.path, want)) {
		ERR("could not verify the imported module for %s: depmod resolves dattobd to "
		    "'%s', not to '%s': remove that one, then import again", b->kernel,
		    f.mod.path, want);
		return -EEXIST;
	}
	snprintf(note, sizeof(note), "imported from %s: dattobd %s, sha256 %s\n", file,
		 b->version, b->sha256);
	state_write(b->kernel, "bundle", note);
	if (f.mod.sig_key[0])
		snprintf(note, sizeof(note), "signed by '%s', key %s", f.mod.signer, f.mod.sig_key);
	else
		snprintf(note, sizeof(note), "not signed");
	info("%s: imported dattobd %s from '%s' and verified it (%s); now run: dbdboot inject "
	     "-k %s", b->kernel, b->version, file, note, b->kernel);
	if (opt.json) {
		json_open(NULL);
		json_str("kernel", b->kernel);
		json_str("version", b->version);
		json_str("sha256", b->sha256);
		json_str("path", f.mod.path);
		json_str("signer", f.mod.signer[0] ? f.mod.signer : NULL);
		json_str("sig_key", f.mod.sig_key[0] ? f.mod.sig_key : NULL);
		json_close();
		json_end();
	}
	return 0;
}

static int bundle_import(const char *file, const char *want, int force)
{
	unsigned char *raw = NULL;
	struct dbd_bundle b;
	int ret;

	memset(&b, 0, sizeof(b));
	ret = import_check(file, want, &b, &raw);
	if (!ret)
		ret = import_install(file, &b, force);
	free(raw);
	free(b.tar.p);
	return ret;
}

static void help(void)
{
	fputs("Usage: dbdboot bundle export -k KVER FILE\n"
	      "       dbdboot bundle import --sha256 HASH [--force] FILE\n"
	      "\n"
	      "export: the verified dattobd built for KVER, with its vermagic, checksum and\n"
	      "DKMS version, into FILE (a gzip'ed tar); prints FILE's sha256. import: install\n"
	      "such a bundle on a host with the same kernel and no compiler, after checking\n"
	      "FILE's sha256 against HASH, the module's checksum and the module against the\n"
	      "kernel; then run dbdboot inject. HASH must come by a channel you trust, not\n"
	      "with the file: the module runs in the kernel at every boot.\n"
	      "\n"
	      "  -k, --kernel KVER    the kernel (export)\n"
	      "  -s, --sha256 HASH    the bundle file's sha256, as export printed it (import)\n"
	      "  -f, --force          replace a different installed module (import)\n"
	      "  -J, --json           say what was done as JSON on stdout\n", stdout);
}

int cmd_bundle(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "kernel", required_argument, NULL, 'k' }, { "force", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'J' },	    { "help", no_argument, NULL, 'h' },
		{ "sha256", required_argument, NULL, 's' }, { NULL, 0, NULL, 0 },
	};
	const char *kver = NULL, *what, *want = NULL;
	int c, force = 0;

	while ((c = getopt_long(argc, argv, "k:s:fJh", lo, NULL)) != -1) {
		switch (c) {
		case 'k': kver = optarg; break;
		case 's': want = optarg; break;
		case 'f': force = 1; break;
		case 'J': opt.json = 1; break;
		case 'h': help(); return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 2) {
		ERR("usage: dbdboot bundle export -k KVER FILE | import --sha256 HASH [--force] "
		    "FILE");
		return EXIT_USAGE;
	}
	what = argv[optind++];
	if (!strcmp(what, "export")) {
		opt.changes_nothing = 1;
		if (!kver || !kver_valid(kver)) {
			ERR("bundle export: say which kernel with -k KVER");
			return EXIT_USAGE;
		}
		return bundle_export(kver, argv[optind]) ? EXIT_FAIL : EXIT_OK;
	}
	if (!strcmp(what, "import")) {
		if (!want || strlen(want) != 64 || strspn(want, "0123456789abcdefABCDEF") != 64) {
			ERR("bundle import: give the bundle's sha256 with --sha256 HASH (64 hex "
			    "digits, as bundle export printed it), by a channel you trust: importing "
			    "a bundle means running its code in the kernel at every boot");
			return EXIT_USAGE;
		}
		return bundle_import(argv[optind], want, force) ? EXIT_FAIL : EXIT_OK;
	}
	ERR("unknown bundle command '%s': export or import", what);
	return EXIT_USAGE;
}
