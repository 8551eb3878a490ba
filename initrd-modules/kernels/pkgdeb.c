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
	    "# checked by dbdboot's kernel hook, while the kernel is still there.\n"
	    "set -e\ncase \"$1\" in\nremove | purge)\n"
	    "\tif [ -d /lib/modules/%s/kernel ]; then\n"
	    "\t\tdepmod -a %s || echo \"%s: depmod -a %s failed: run it by hand\" >&2\n"
	    "\t\tif command -v dbdboot >/dev/null 2>&1; then\n"
	    "\t\t\tdbdboot kernel-hook module-removed %s || true\n\t\tfi\n\tfi\n\t;;\nesac\nexit 0\n",
	    p->name, kver, kver, p->name, kver, kver);
}

static void docs(struct texts *t, const char *kver, const char *maint, const struct pkg *p,
		 long long when)
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
	put(t, t->changelog, "%s (%s) unstable; urgency=medium\n\n"
	    "  * dattobd %s for Linux %s, built by DKMS (dattobd %s)\n"
	    "    and packaged by dbdboot %s.\n\n -- %s  %s\n", p->name, p->version,
	    p->mod.version, kver, p->dkms_version, DBDBOOT_VERSION, maint, date);
	/* One package a kernel, made by a fleet: no bug it closes. */
	snprintf(t->overrides, sizeof(t->overrides), "# Made by dbdboot package for one "
		 "kernel: no bug to close.\n%s: initial-upload-closes-no-bugs\n", p->name);
	snprintf(t->depmod, sizeof(t->depmod), "# %s: this dattobd, not a dkms build, for %s\n"
		 "override dattobd %s " PACKAGE_DIR "\n", p->name, kver, kver);
	put(t, t->info, "dbdboot-package 1\nkernel %s\nmodule dattobd\nversion %s\n"
	    "dkms-version %s\nvermagic %s\nsha256 %s\nsize %zu\nfix %s\nsigner %s\nsig-key %s\n"
	    "built-by dbdboot %s\n", kver, p->mod.version, p->dkms_version, p->mod.vermagic,
	    p->sha256, p->len, p->mod.fix[0] ? p->mod.fix : "-",
	    p->mod.signer[0] ? p->mod.signer : "-", p->mod.sig_key[0] ? p->mod.sig_key : "-",
	    DBDBOOT_VERSION);
}

#define FILE_OF(n, m, buf) { n, m, buf, strlen(buf) }

/* The archive of T and P: the data's folders, each before what it holds. */
static int make(const char *kver, const struct texts *t, const struct pkg *p, long long when,
		unsigned char **deb, size_t *len)
{
	char d[14][320];
	/* Each: a start, then the kernel (1) or the package's name (2), then an end. */
	static const struct { const char *a; int arg; const char *b; } dirs[] = {
		{ "./", 0, "" }, { "./lib/", 0, "" }, { "./lib/depmod.d/", 0, "" },
		{ "./lib/modules/", 0, "" }, { "./lib/modules/", 1, "/" },
		{ "./lib/modules/", 1, "/updates/" }, { "./lib/modules/", 1, "/" PACKAGE_DIR "/" },
		{ "./usr/", 0, "" }, { "./usr/share/", 0, "" }, { "./usr/share/", 2, "/" },
		{ "./usr/share/doc/", 0, "" }, { "./usr/share/doc/", 2, "/" },
		{ "./usr/share/lintian/", 0, "" }, { "./usr/share/lintian/overrides/", 0, "" },
	};
	struct dbd_deb_file data[24], ctl[] = {
		{ "./", 0755, NULL, 0 }, FILE_OF("./control", 0644, t->control),
		FILE_OF("./postinst", 0755, t->postinst), FILE_OF("./postrm", 0755, t->postrm),
	};
	char conf[320], ko[320], info[320], cert[320], copyright[320], changelog[320], lo[320];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(d[i], sizeof(d[i]), "%s%s%s", dirs[i].a, !dirs[i].arg ? "" :
			 dirs[i].arg == 1 ? kver : p->name, dirs[i].b);
		data[n++] = (struct dbd_deb_file){ d[i], 0755, NULL, 0 };
	}
	snprintf(conf, sizeof(conf), "./lib/depmod.d/%s.conf", p->name);
	snprintf(ko, sizeof(ko), "./lib/modules/%s/" PACKAGE_DIR "/dattobd.ko", kver);
	snprintf(info, sizeof(info), "./usr/share/%s/module.txt", p->name);
	snprintf(cert, sizeof(cert), "./usr/share/%s/signing-cert.der", p->name);
	snprintf(copyright, sizeof(copyright), "./usr/share/doc/%s/copyright", p->name);
	snprintf(changelog, sizeof(changelog), "./usr/share/doc/%s/changelog.Debian.gz", p->name);
	data[n++] = (struct dbd_deb_file){ conf, 0644, t->depmod, strlen(t->depmod) };
	data[n++] = (struct dbd_deb_file){ ko, 0644, p->ko, p->len };
	data[n++] = (struct dbd_deb_file){ info, 0644, t->info, strlen(t->info) };
	if (p->cert)
		data[n++] = (struct dbd_deb_file){ cert, 0644, p->cert, p->cert_len };
	data[n++] = (struct dbd_deb_file){ copyright, 0644, t->copyright, strlen(t->copyright) };
	data[n++] = (struct dbd_deb_file){ changelog, 0644, t->changelog_gz, t->changelog_gz_len };
	snprintf(lo, sizeof(lo), "./usr/share/lintian/overrides/%s", p->name);
	data[n++] = (struct dbd_deb_file){ lo, 0644, t->overrides, strlen(t->overrides) };
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
