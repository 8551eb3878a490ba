// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot package -k KVER [-o DIR] [options]: the verified dattobd of one
 * kernel as a Debian package, dattobd-modules-KVER, for a fleet's apt
 * repository (see dbdboot(8), FLEETS):
 *   /lib/modules/KVER/updates/dbdboot/dattobd.ko   the module (plain ELF,
 *                                                  signed when asked)
 *   /lib/depmod.d/dattobd-modules-KVER.conf        "override dattobd KVER
 *                                                  updates/dbdboot": this
 *                                                  module wins over a dkms
 *                                                  build for KVER
 *   /usr/share/dattobd-modules-KVER/module.txt     what was checked, who signed
 *   /usr/share/dattobd-modules-KVER/signing-cert.der   the signer's certificate
 *   /usr/share/doc/dattobd-modules-KVER/{copyright,changelog.Debian.gz}
 * Depends on linux-image-KVER and dbdboot; its postinst and postrm run
 * depmod and dbdboot's kernel hook, which puts the module into the initrd.
 * The archive is made here (debfmt.h), not by dpkg-deb, so that a build
 * host needs nothing more than dbdboot.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "dbdboot.h"
#include "facts.h"
#include "files.h"
#include "package.h"
#include "rootpath.h"
#include "run.h"
#include "sha256.h"

struct pkg_opts {
	const char *kver, *outdir, *maintainer, *revision, *key, *cert;
	int meta;		/* --meta: the flavour's metapackage too */
};

/* The Debian architecture of a module, from its ELF header's machine. */
static const char *elf_arch(const unsigned char *ko, size_t len)
{
	unsigned int m = len > 19 ? (unsigned int)(ko[18] | ko[19] << 8) : 0;

	switch (m) {
	case 62: return "amd64";
	case 183: return "arm64";
	case 3: return "i386";
	case 21: return "ppc64el";
	case 22: return "s390x";
	case 243: return "riscv64";
	default: return NULL;
	}
}

/* A Debian version's upstream part and revision: [A-Za-z0-9.+~]. */
static int version_ok(const char *v, int upstream)
{
	if (!*v || (upstream && (*v < '0' || *v > '9')))
		return 0;
	return strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+~") ==
	       strlen(v);
}

/*
 * The installed module of KVER, checked as status checks it, read as a
 * plain ELF file into P. 0, or <0 after saying why.
 */
static int take_module(const char *kver, struct pkg *p)
{
	struct facts f;
	int ret;

	ret = facts_module_bytes(kver, FACT_DKMS | FACT_FIX, "package", &f, &p->ko, &p->len);
	if (ret)
		return ret;
	if (f.fix_missing) {
		ERR("could not package '%s': it lacks dbdboot's fix of dattobd's reload bug (a "
		    "volume reloaded at boot would hang the next shutdown); run: dbdboot rebuild "
		    "-k %s", f.mod.path, kver);
		return -ENOEXEC;
	}
	p->mod = f.mod;
	snprintf(p->dkms_version, sizeof(p->dkms_version), "%s",
		 f.dkms.version[0] ? f.dkms.version : f.mod.version);
	return 0;
}

/*
 * Does a package (the kernel's image) ship /usr/lib/modules/KVER, by
 * dpkg-query -S (Debian 13: files in /lib are aliased locations there)?
 * Else the package uses /lib, as Debian 12's kernels do.
 */
static int in_usr_lib(const char *kver)
{
	char path[KVER_MAX + 32];
	const char *argv[] = { "dpkg-query", "-S", path, NULL };

	snprintf(path, sizeof(path), "/usr/lib/modules/%s", kver);
	return have_program("dpkg-query") && run_prog(RUN_DPKG_QUERY, argv, "/dev/null") == 0;
}

/* P's name, version and architecture from O and its module. */
static int name_it(const struct pkg_opts *o, struct pkg *p)
{
	const char *rev = o->revision ? o->revision : "1";

	p->arch = elf_arch(p->ko, p->len);
	if (!p->arch) {
		ERR("could not package dattobd for %s: its ELF machine is not one dbdboot knows "
		    "a Debian architecture for", o->kver);
		return -ENOEXEC;
	}
	if (!version_ok(p->mod.version, 1)) {
		ERR("could not package dattobd for %s: its version '%s' is not one a Debian "
		    "version can start with", o->kver, p->mod.version);
		return -EINVAL;
	}
	if (!version_ok(rev, 0)) {
		ERR("could not use revision '%s': letters, digits, '.', '+' and '~' only", rev);
		return -EINVAL;
	}
	snprintf(p->name, sizeof(p->name), "dattobd-modules-%s", o->kver);
	p->usr_lib = in_usr_lib(o->kver);
	snprintf(p->version, sizeof(p->version), "%s-%s", p->mod.version, rev);
	return 0;
}

/*
 * M for KVER, as Debian names its kernels: the ABI (digits and dots, then
 * "-N" on Debian 12, "+debN" or "+bpo" on 13 and backports), '-', the
 * flavour (a letter first). The version is the ABI with '.' for '-', so
 * that a newer ABI is a newer version, then "-REV". 0, or -EINVAL said.
 */
static int name_meta(const char *kver, const char *rev, struct pkg_meta *m)
{
	size_t i = strspn(kver, "0123456789.");
	char abi[KVER_MAX];

	if (i && kver[i] == '-' && kver[i + 1] >= '0' && kver[i + 1] <= '9')
		i += 1 + strspn(kver + i + 1, "0123456789");
	if (i && kver[i] == '+')
		i += 1 + strspn(kver + i + 1, "abcdefghijklmnopqrstuvwxyz0123456789.");
	if (!i || kver[i] != '-' || kver[i + 1] < 'a' || kver[i + 1] > 'z' ||
	    strspn(kver + i + 1, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(kver + i + 1)) {
		ERR("could not make the metapackage of %s: the name is not ABI-FLAVOUR as Debian "
		    "names its kernels (6.1.0-26-cloud-amd64, 6.12.38+deb13-amd64), so its "
		    "flavour is unknown", kver);
		return -EINVAL;
	}
	snprintf(abi, sizeof(abi), "%.*s", (int)i, kver);
	for (char *c = abi; *c; c++)
		*c = *c == '-' ? '.' : *c;
	snprintf(m->flavour, sizeof(m->flavour), "%s", kver + i + 1);
	snprintf(m->name, sizeof(m->name), "dattobd-modules-%s", m->flavour);
	snprintf(m->version, sizeof(m->version), "%s-%s", abi, rev ? rev : "1");
	return 0;
}

/* DEB (LEN bytes) written as DIR/NAME_VERSION_ARCH.deb, its path into FILE. */
static int write_deb(const char *dir, const char *name, const char *version, const char *arch,
		     unsigned char *deb, size_t len, char *file)
{
	int ret;

	snprintf(file, PATH_MAX, "%s/%s_%s_%s.deb", dir, name, version, arch);
	ret = write_atomic(file, deb, len, 0644);
	free(deb);
	if (ret)
		ERR("could not write '%s': %s", file, strerror(-ret));
	return ret;
}

static void say_made(const struct pkg_opts *o, const struct pkg *p, const char *file,
		     const struct pkg_meta *m, const char *mfile)
{
	info("%s: packaged dattobd %s as '%s' (%s; module sha256 %s)", o->kver, p->mod.version,
	     file, p->mod.sig_key[0] ? "signed" : "not signed", p->sha256);
	if (o->meta)
		info("%s: its flavour's metapackage %s %s, depending on %s, as '%s'", o->kver,
		     m->name, m->version, p->name, mfile);
	if (!opt.json)
		return;
	json_open(NULL);
	json_str("kernel", o->kver);
	json_str("package", p->name);
	json_str("version", p->version);
	json_str("file", file);
	json_str("module_sha256", p->sha256);
	json_str("signer", p->mod.signer);
	json_str("sig_key", p->mod.sig_key);
	if (o->meta) {
		json_str("meta_package", m->name);
		json_str("meta_version", m->version);
		json_str("meta_file", mfile);
	}
	json_close();
	json_end();
}

static int build_it(const struct pkg_opts *o, struct pkg *p, const struct pkg_meta *m)
{
	char file[PATH_MAX], mfile[PATH_MAX] = "";
	unsigned char *deb = NULL;
	size_t dlen = 0;
	int ret;

	ret = package_deb(o->kver, o->maintainer, p, &deb, &dlen);
	if (!ret)
		ret = write_deb(o->outdir, p->name, p->version, p->arch, deb, dlen, file);
	if (!ret && o->meta) {
		ret = package_meta_deb(o->kver, o->maintainer, p, m, &deb, &dlen);
		if (!ret)
			ret = write_deb(o->outdir, m->name, m->version, p->arch, deb, dlen, mfile);
	}
	if (!ret)
		say_made(o, p, file, m, mfile);
	return ret;
}

static int package(const struct pkg_opts *o)
{
	struct pkg_meta m;
	struct pkg p;
	int ret = 0;

	memset(&p, 0, sizeof(p));
	memset(&m, 0, sizeof(m));
	if (o->meta)
		ret = name_meta(o->kver, o->revision, &m);
	if (!ret)
		ret = take_module(o->kver, &p);
	if (!ret)
		ret = name_it(o, &p);
	if (!ret && o->key)
		ret = package_sign(o->kver, o->key, o->cert, &p);
	if (!ret) {
		sha256_hex(p.ko, p.len, p.sha256);
		ret = build_it(o, &p, &m);
	}
	free(p.ko);
	free(p.cert);
	return ret;
}

static void help(void)
{
	fputs("Usage: dbdboot package -k KVER [-o DIR] [-m MAINTAINER] [-r REVISION]\n"
	      "                       [--sign-key KEY --sign-cert CERT] [--meta]\n"
	      "\n"
	      "Make dattobd-modules-KVER_VERSION-REVISION_ARCH.deb in DIR from the verified\n"
	      "dattobd installed for KVER: for a fleet's apt repository, so that hosts with the\n"
	      "same kernel install the module without a compiler. It depends on that kernel's\n"
	      "image package and on dbdboot; its module wins over a dkms build for KVER.\n"
	      "\n"
	      "  -k, --kernel KVER        the kernel\n"
	      "  -o, --output DIR         where to write the package (default: .)\n"
	      "  -m, --maintainer M       the package's Maintainer, 'NAME <EMAIL>' (default:\n"
	      "                           $DEBFULLNAME <$DEBEMAIL>)\n"
	      "  -r, --revision N         the Debian revision after the module's version\n"
	      "                           (default 1): raise it to replace a published package\n"
	      "      --sign-key KEY       sign the packaged module with KEY (a PEM private key,\n"
	      "      --sign-cert CERT     or pkcs11: URI) and CERT (its DER certificate, which\n"
	      "                           the hosts enroll with mokutil), with the kernel's\n"
	      "                           sign-file; the certificate goes into the package\n"
	      "      --meta               also make dattobd-modules-FLAVOUR (cloud-amd64 of\n"
	      "                           6.1.0-26-cloud-amd64), the metapackage that depends on\n"
	      "                           this package: hosts that have it installed get the\n"
	      "                           module of each new kernel by apt upgrade\n"
	      "  -J, --json               say what was made as JSON on stdout\n", stdout);
}

/* The maintainer: -m, else $DEBFULLNAME <$DEBEMAIL>, else $DEBEMAIL. */
static const char *maintainer(const char *given, char *buf, size_t n)
{
	const char *name = getenv("DEBFULLNAME"), *mail = getenv("DEBEMAIL");

	if (given)
		return given;
	if (mail && *mail && strchr(mail, '<'))
		return mail;
	if (mail && *mail && name && *name) {
		snprintf(buf, n, "%s <%s>", name, mail);
		return buf;
	}
	return NULL;
}

int cmd_package(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "kernel", required_argument, NULL, 'k' }, { "output", required_argument, NULL, 'o' },
		{ "maintainer", required_argument, NULL, 'm' },
		{ "revision", required_argument, NULL, 'r' },
		{ "sign-key", required_argument, NULL, 'K' },
		{ "sign-cert", required_argument, NULL, 'C' }, { "json", no_argument, NULL, 'J' },
		{ "meta", no_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	struct pkg_opts o = { .outdir = "." };
	char mbuf[512];
	int c;

	while ((c = getopt_long(argc, argv, "k:o:m:r:Jh", lo, NULL)) != -1) {
		switch (c) {
		case 'k': o.kver = optarg; break;
		case 'o': o.outdir = optarg; break;
		case 'm': o.maintainer = optarg; break;
		case 'r': o.revision = optarg; break;
		case 'K': o.key = optarg; break;
		case 'C': o.cert = optarg; break;
		case 'M': o.meta = 1; break;
		case 'J': opt.json = 1; break;
		case 'h': help(); return EXIT_OK;
		default: return try_help("package");
		}
	}
	if (optind < argc)
		return unexpected_arg(argv[optind]);
	if (!o.kver || !kver_valid(o.kver)) {
		ERR("package: say which kernel with -k KVER");
		return try_help("package");
	}
	if (!o.key != !o.cert) {
		ERR("package: --sign-key and --sign-cert go together");
		return try_help("package");
	}
	o.maintainer = maintainer(o.maintainer, mbuf, sizeof(mbuf));
	if (!o.maintainer || !strchr(o.maintainer, '<') || !strchr(o.maintainer, '@') ||
	    strchr(o.maintainer, '\n')) {
		ERR("package: say who maintains the package with -m 'NAME <EMAIL>' (or set "
		    "DEBFULLNAME and DEBEMAIL)");
		return try_help("package");
	}
	return package(&o) ? EXIT_FAIL : EXIT_OK;
}
