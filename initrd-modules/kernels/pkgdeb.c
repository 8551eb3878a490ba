// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot package: the files of dattobd-modules-KVER and its control
 * files, made into a .deb (see package.h and package.c's comment).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dbdboot.h"
#include "debfmt.h"
#include "package.h"
#include "tarw.h"

#define TEXT_MAX 4096

/* The texts of a package, each in its own buffer. */
struct texts {
	char control[TEXT_MAX], postinst[TEXT_MAX], postrm[TEXT_MAX], copyright[TEXT_MAX];
	char changelog[TEXT_MAX], depmod[512], info[TEXT_MAX], overrides[512];
	unsigned char *changelog_gz;
	size_t changelog_gz_len;
	int truncated;
};

__attribute__((format(printf, 3, 4))) static void put(struct texts *t, char *buf,
						       const char *fmt, ...)
{
	size_t have = strlen(buf);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + have, TEXT_MAX - have, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= TEXT_MAX - have)
		t->truncated = 1;
}

/* The package's date: SOURCE_DATE_EPOCH (reproducible builds), else now. */
static long long package_time(void)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	if (e && *e) {
		v = strtoll(e, &end, 10);
		if (!*end && v > 0)
			return v;
		warn("SOURCE_DATE_EPOCH '%s' is not a number of seconds: the package is dated now", e);
	}
	return (long long)time(NULL);
}

static void control(struct texts *t, const char *kver, const char *maint, const struct pkg *p)
{
	char *c = t->control;

	put(t, c, "Package: %s\nVersion: %s\nArchitecture: %s\nMaintainer: %s\n", p->name,
	    p->version, p->arch, maint);
	put(t, c, "Installed-Size: %zu\nDepends: linux-image-%s, dbdboot\n",
	    (p->len + p->cert_len + 1023) / 1024 + 12, kver);
	put(t, c, "Section: kernel\nPriority: optional\nHomepage: https://github.com/datto/dattobd\n");
	put(t, c, "Description: dattobd kernel module for Linux %s\n", kver);
	put(t, c, " The Datto block driver (dattobd) %s, built by DKMS and verified by\n"
	    " dbdboot (vermagic, modversions CRCs, dbdboot's fix of the driver's\n"
	    " reload bug), for this kernel only:\n %s\n", p->mod.version, kver);
	if (p->mod.sig_key[0])
		put(t, c, " Signed by '%.60s',\n key %.72s.\n", p->mod.signer, p->mod.sig_key);
	else
		put(t, c, " Not signed.\n");
	put(t, c, " .\n Its module takes precedence over a dkms build of dattobd for the\n"
	    " same kernel; dbdboot puts it into that kernel's initrd.\n");
}

static void scripts(struct texts *t, const char *kver, const struct pkg *p)
{
	put(t, t->postinst, "#!/bin/sh\n# %s: made by dbdboot package. depmod makes this module the one\n"
	    "# %s loads (/lib/depmod.d/%s.conf); dbdboot's kernel hook puts it into\n"
	    "# the initrd. Neither failure fails the installation: both are said.\n"
	    "set -e\nif [ \"$1\" = configure ]; then\n"
	    "\tdepmod -a %s || echo \"%s: depmod -a %s failed: run it, then: dbdboot inject -k %s\" >&2\n"
	    "\tdbdboot kernel-hook module-installed %s || true\nfi\nexit 0\n",
	    p->name, kver, p->name, kver, p->name, kver, kver, kver);
	put(t, t->postrm, "#!/bin/sh\n# %s: made by dbdboot package. The module is gone: depmod\n"
	    "# again (a dkms build of dattobd, if any, is now the one), and the initrd\n"
	    "# checked by dbdboot's kernel hook, while the kernel is still there\n"
	    "# (once: a purge runs this with remove first, then with purge).\n"
	    "set -e\ncase \"$1\" in\nremove)\n"
	    "\tif [ -d /lib/modules/%s/kernel ]; then\n"
	    "\t\tdepmod -a %s || echo \"%s: depmod -a %s failed: run it by hand\" >&2\n"
	    "\t\tif command -v dbdboot >/dev/null 2>&1; then\n"
	    "\t\t\tdbdboot kernel-hook module-removed %s || true\n\t\tfi\n\tfi\n\t;;\nesac\nexit 0\n",
	    p->name, kver, kver, p->name, kver, kver);
}

/* The copyright, the changelog (one entry: ENTRY) and the lintian override
 * every package dbdboot makes carries, for the package NAME at VERSION. */
static void doc_texts(struct texts *t, const char *name, const char *version, const char *entry,
		      const char *maint, long long when)
{
	time_t w = (time_t)when;
	struct tm tm;
	char date[64];

	put(t, t->copyright, "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
	    "Upstream-Name: dattobd\nSource: https://github.com/datto/dattobd\n"
	    "Comment: dattobd's module, built by DKMS and packaged by dbdboot %s.\n\n"
	    "Files: *\nCopyright: 2015 and later, Datto Inc. and dattobd's contributors\n"
	    "License: GPL-2\n"
	    " On Debian systems, the complete text of the GNU General Public License\n"
	    " version 2 can be found in '/usr/share/common-licenses/GPL-2'.\n", DBDBOOT_VERSION);
	gmtime_r(&w, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	put(t, t->changelog, "%s (%s) unstable; urgency=medium\n\n%s\n -- %s  %s\n", name, version,
	    entry, maint, date);
	/* One package a kernel, made by a fleet: no bug it closes. */
	snprintf(t->overrides, sizeof(t->overrides), "# Made by dbdboot package for one "
		 "kernel: no bug to close.\n%s: initial-upload-closes-no-bugs\n", name);
}

static void docs(struct texts *t, const char *kver, const char *maint, const struct pkg *p,
		 long long when)
{
	char entry[512];

	snprintf(entry, sizeof(entry), "  * dattobd %s for Linux %s,\n    built by DKMS (dattobd %s)"
		 " and packaged by dbdboot %s.\n", p->mod.version, kver, p->dkms_version,
		 DBDBOOT_VERSION);
	doc_texts(t, p->name, p->version, entry, maint, when);
	snprintf(t->depmod, sizeof(t->depmod), "# %s: this dattobd, not a dkms build, for %s\n"
		 "override dattobd %s " PACKAGE_DIR "\n", p->name, kver, kver);
	put(t, t->info, "dbdboot-package 1\nkernel %s\nmodule dattobd\nversion %s\n"
	    "dkms-version %s\nvermagic %s\nsha256 %s\nsize %zu\nfix %s\nsigner %s\nsig-key %s\n"
	    "built-by dbdboot %s\n", kver, p->mod.version, p->dkms_version, p->mod.vermagic,
	    p->sha256, p->len, p->mod.fix[0] ? p->mod.fix : "-",
	    p->mod.signer[0] ? p->mod.signer : "-", p->mod.sig_key[0] ? p->mod.sig_key : "-",
	    DBDBOOT_VERSION);
	/* The modversions CRCs checked against the kernel's Module.symvers
	 * here; a fleet host without headers says so (modcheck.c). */
	if (p->mod.symvers)
		put(t, t->info, "crcs %d\n", p->mod.crcs);
	else
		put(t, t->info, "crcs -\n");
}

#define FILE_OF(n, m, buf) { n, m, buf, strlen(buf) }

/* The three files of doc_texts() for the package NAME into DATA, their
 * names into PATHS: how many (3). Their folders are the caller's. */
static size_t doc_files(const struct texts *t, const char *name, char (*paths)[320],
			struct dbd_deb_file *data)
{
	snprintf(paths[0], 320, "./usr/share/doc/%s/copyright", name);
	snprintf(paths[1], 320, "./usr/share/doc/%s/changelog.Debian.gz", name);
	snprintf(paths[2], 320, "./usr/share/lintian/overrides/%s", name);
	data[0] = (struct dbd_deb_file){ paths[0], 0644, t->copyright, strlen(t->copyright) };
	data[1] = (struct dbd_deb_file){ paths[1], 0644, t->changelog_gz, t->changelog_gz_len };
	data[2] = (struct dbd_deb_file){ paths[2], 0644, t->overrides, strlen(t->overrides) };
	return 3;
}

/* A folder of the archive: START, the kernel (1) or the package's name (2)
 * or nothing (0), END. */
struct folder { const char *start; int arg; const char *end; };

/* FOLDERS under ROOT ("." or "./usr") into DATA, their names into D; arg 2
 * is NAME, the package's. */
static size_t add_folders(const struct folder *folders, size_t nf, const char *root,
			  const char *kver, const char *name, char (*d)[320],
			  struct dbd_deb_file *data)
{
	for (size_t i = 0; i < nf; i++) {
		const struct folder *f = &folders[i];

		snprintf(d[i], 320, "%s%s%s%s", root, f->start,
			 !f->arg ? "" : f->arg == 1 ? kver : name, f->end);
		data[i] = (struct dbd_deb_file){ d[i], 0755, NULL, 0 };
	}
	return nf;
}

/* The archive of T and P: the data's folders, each before what it holds;
 * /lib's in /usr/lib when the kernel's modules are there. */
static int make(const char *kver, const struct texts *t, const struct pkg *p, long long when,
		unsigned char **deb, size_t *len)
{
	static const struct folder top[] = { { "/", 0, "" } }, usr[] = { { "/usr/", 0, "" } };
	static const struct folder lib[] = {
		{ "/lib/", 0, "" }, { "/lib/depmod.d/", 0, "" }, { "/lib/modules/", 0, "" },
		{ "/lib/modules/", 1, "/" }, { "/lib/modules/", 1, "/updates/" },
		{ "/lib/modules/", 1, "/" PACKAGE_DIR "/" },
	};
	static const struct folder share[] = {
		{ "/usr/share/", 0, "" }, { "/usr/share/", 2, "/" }, { "/usr/share/doc/", 0, "" },
		{ "/usr/share/doc/", 2, "/" }, { "/usr/share/lintian/", 0, "" },
		{ "/usr/share/lintian/overrides/", 0, "" },
	};
	struct dbd_deb_file data[24], ctl[] = {
		{ "./", 0755, NULL, 0 }, FILE_OF("./control", 0644, t->control),
		FILE_OF("./postinst", 0755, t->postinst), FILE_OF("./postrm", 0755, t->postrm),
	};
	const char *root = p->usr_lib ? "./usr" : ".";
	char d[14][320], conf[320], ko[320], info[320], cert[320], doc[3][320];
	size_t n = 0;

	n += add_folders(top, 1, ".", kver, p->name, d, data);
	if (p->usr_lib)
		n += add_folders(usr, 1, ".", kver, p->name, d + n, data + n);
	n += add_folders(lib, 6, root, kver, p->name, d + n, data + n);
	if (!p->usr_lib)
		n += add_folders(usr, 1, ".", kver, p->name, d + n, data + n);
	n += add_folders(share, 6, ".", kver, p->name, d + n, data + n);
	snprintf(conf, sizeof(conf), "%s/lib/depmod.d/%s.conf", root, p->name);
	snprintf(ko, sizeof(ko), "%s/lib/modules/%s/" PACKAGE_DIR "/dattobd.ko", root, kver);
	snprintf(info, sizeof(info), "./usr/share/%s/module.txt", p->name);
	snprintf(cert, sizeof(cert), "./usr/share/%s/signing-cert.der", p->name);
	data[n++] = (struct dbd_deb_file){ conf, 0644, t->depmod, strlen(t->depmod) };
	data[n++] = (struct dbd_deb_file){ ko, 0644, p->ko, p->len };
	data[n++] = (struct dbd_deb_file){ info, 0644, t->info, strlen(t->info) };
	if (p->cert)
		data[n++] = (struct dbd_deb_file){ cert, 0644, p->cert, p->cert_len };
	n += doc_files(t, p->name, doc, data + n);
	return dbd_deb_make(ctl, sizeof(ctl) / sizeof(ctl[0]), data, n, when, deb, len);
}

int package_deb(const char *kver, const char *maintainer, const struct pkg *p,
		unsigned char **deb, size_t *len)
{
	struct texts *t = calloc(1, sizeof(*t));
	long long when = package_time();
	int ret;

	if (!t)
		return -ENOMEM;
	control(t, kver, maintainer, p);
	scripts(t, kver, p);
	docs(t, kver, maintainer, p, when);
	ret = t->truncated ? -E2BIG : dbd_gzip((unsigned char *)t->changelog, strlen(t->changelog),
					       &t->changelog_gz, &t->changelog_gz_len);
	if (!ret)
		ret = make(kver, t, p, when, deb, len);
	if (ret)
		ERR("could not make the package %s: %s", p->name, strerror(-ret));
	free(t->changelog_gz);
	free(t);
	return ret;
}

static void meta_control(struct texts *t, const char *maint,
			 const struct pkg *p, const struct pkg_meta *m)
{
	char *c = t->control;

	put(t, c, "Package: %s\nVersion: %s\nArchitecture: %s\nMaintainer: %s\n", m->name,
	    m->version, p->arch, maint);
	put(t, c, "Installed-Size: 12\nDepends: %s\nSection: kernel\nPriority: optional\n", p->name);
	put(t, c, "Homepage: https://github.com/datto/dattobd\n");
	put(t, c, "Description: dattobd kernel module for the latest Linux %s kernel\n", m->flavour);
	put(t, c, " This metapackage depends on the dattobd package of the newest\n"
	    " kernel the fleet publishes for the %s flavour, now:\n %s\n"
	    " Installed, the upgrade that brings a new linux-image-%s\n"
	    " brings that kernel's dattobd too.\n", m->flavour, p->name, m->flavour);
}

int package_meta_deb(const char *kver, const char *maintainer, const struct pkg *p,
		     const struct pkg_meta *m, unsigned char **deb, size_t *len)
{
	/* Only the documents' folders: it holds nothing else. */
	static const struct folder dirs[] = {
		{ "/", 0, "" }, { "/usr/", 0, "" }, { "/usr/share/", 0, "" },
		{ "/usr/share/doc/", 0, "" }, { "/usr/share/doc/", 2, "/" },
		{ "/usr/share/lintian/", 0, "" }, { "/usr/share/lintian/overrides/", 0, "" },
	};
	struct texts *t = calloc(1, sizeof(*t));
	long long when = package_time();
	char entry[512], d[7][320], doc[3][320];
	struct dbd_deb_file data[10], ctl[2];
	size_t n;
	int ret;

	if (!t)
		return -ENOMEM;
	meta_control(t, maintainer, p, m);
	snprintf(entry, sizeof(entry), "  * Depends on %s\n    (%s), for Linux %s.\n"
		 "  * Made by dbdboot %s.\n", p->name, p->version, kver, DBDBOOT_VERSION);
	doc_texts(t, m->name, m->version, entry, maintainer, when);
	n = add_folders(dirs, 7, ".", kver, m->name, d, data);
	ctl[0] = (struct dbd_deb_file){ "./", 0755, NULL, 0 };
	ctl[1] = (struct dbd_deb_file)FILE_OF("./control", 0644, t->control);
	ret = t->truncated ? -E2BIG : dbd_gzip((unsigned char *)t->changelog, strlen(t->changelog),
					       &t->changelog_gz, &t->changelog_gz_len);
	if (!ret) {
		n += doc_files(t, m->name, doc, data + n);
		ret = dbd_deb_make(ctl, 2, data, n, when, deb, len);
	}
	if (ret)
		ERR("could not make the package %s: %s", m->name, strerror(-ret));
	free(t->changelog_gz);
	free(t);
	return ret;
}
