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
#include <zlib.h>

#include "dbdboot.h"
#include "files.h"
#include "facts.h"
#include "run.h"
#include "sha256.h"
#include "unpack.h"

#define META "dbdboot-bundle.txt"
#define KO DKMS_MODULE ".ko"
#define MAX_BUNDLE (256u << 20)

/* ---- tar (ustar), just what a bundle needs ---- */

static size_t tar_member(unsigned char *out, const char *name, const void *data, size_t size)
{
	unsigned char *h = out;
	unsigned int sum = 0;

	memset(h, 0, 512);
	snprintf((char *)h, 100, "%s", name);
	snprintf((char *)h + 100, 8, "%07o", 0644);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011zo", size);
	snprintf((char *)h + 136, 12, "%011o", 0);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	memcpy(h + 512, data, size);
	memset(h + 512 + size, 0, (512 - size % 512) % 512);
	return 512 + (size + 511) / 512 * 512;
}

struct member {
	const unsigned char *data;
	size_t size;
};

/* Find NAME in the tar at P (LEN bytes). 0, -ENOENT, or -EBADMSG. */
static int tar_find(const unsigned char *p, size_t len, const char *name, struct member *m)
{
	size_t pos = 0;

	while (pos + 512 <= len) {
		const unsigned char *h = p + pos;
		unsigned int sum = 0, want;
		size_t size;
		char field[13];

		if (!h[0])
			return -ENOENT;	/* the end-of-archive blocks */
		for (int i = 0; i < 512; i++)
			sum += i >= 148 && i < 156 ? ' ' : h[i];
		memcpy(field, h + 148, 8);
		field[8] = '\0';
		want = (unsigned int)strtoul(field, NULL, 8);
		memcpy(field, h + 124, 12);
		field[12] = '\0';
		size = (size_t)strtoull(field, NULL, 8);
		if (sum != want || size > len - pos - 512)
			return -EBADMSG;
		if (!strncmp((const char *)h, name, 100) && h[156] == '0') {
			m->data = h + 512;
			m->size = size;
			return 0;
		}
		pos += 512 + (size + 511) / 512 * 512;
	}
	return pos == len ? -ENOENT : -EBADMSG;
}

static int gzip_buf(const unsigned char *in, size_t len, unsigned char **out, size_t *olen)
{
	z_stream s = { 0 };
	size_t cap = len + len / 100 + 1024;

	*out = malloc(cap);
	if (!*out || deflateInit2(&s, 9, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(*out);
		return -ENOMEM;
	}
	s.next_in = (unsigned char *)in;
	s.avail_in = (uInt)len;
	s.next_out = *out;
	s.avail_out = (uInt)cap;
	if (deflate(&s, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&s);
		free(*out);
		return -EIO;
	}
	*olen = s.total_out;
	deflateEnd(&s);
	return 0;
}

/* ---- export ---- */

static int bundle_export(const char *kver, const char *file)
{
	unsigned char *ko = NULL, *tar = NULL, *gz = NULL;
	char p[PATH_MAX], meta[1024], sum[65];
	struct module_facts m;
	struct dkms_facts d;
	size_t len, mlen, tlen, glen;
	int ret;

	module_facts(kver, NULL, &m);
	if (!m.found)
		return err(-ENOENT, "could not export dattobd for '%s': none is installed for it "
			   "(run: dbdboot rebuild -k %s)", kver, kver);
	if (m.problem[0])
		return err(-EINVAL, "could not export '%s': %s", m.path, m.problem);
	ret = read_file(rpath(p, "%s", m.path), 64u << 20, &ko, &len);
	if (ret)
		return err(ret, "could not read '%s': %s", m.path, strerror(-ret));
	dkms_facts(kver, &d);
	sha256_hex(ko, len, sum);
	mlen = (size_t)snprintf(meta, sizeof(meta),
				"dbdboot-bundle 1\nkernel %s\nmodule " DKMS_MODULE
				"\ndkms-version %s\nvermagic %s\nsha256 %s\nsize %zu\n",
				kver, d.version[0] ? d.version : m.version[0] ? m.version : "unknown",
				m.vermagic, sum, len);
	tar = calloc(1, 2048 + mlen + len + 1024);
	if (!tar) {
		ret = -ENOMEM;
		goto out;
	}
	tlen = tar_member(tar, META, meta, mlen);
	tlen += tar_member(tar + tlen, KO, ko, len);
	tlen += 1024;	/* two zero blocks end the archive */
	ret = gzip_buf(tar, tlen, &gz, &glen);
	if (ret) {
		err(ret, "could not compress the bundle");
		goto out;
	}
	ret = write_atomic(file, gz, glen, 0644);
	if (ret) {
		err(ret, "could not write '%s': %s", file, strerror(-ret));
		goto out;
	}
	info("%s: exported dattobd %s (%zu bytes, sha256 %.16s...) to '%s'", kver,
	     d.version[0] ? d.version : m.version, len, sum, file);
	if (opt.json) {
		json_open(NULL);
		json_str("kernel", kver);
		json_str("file", file);
		json_str("sha256", sum);
		json_str("vermagic", m.vermagic);
		json_close();
		json_end();
	}
out:
	free(ko);
	free(tar);
	free(gz);
	return ret;
}

/* ---- import ---- */

struct meta {
	char kernel[KVER_MAX], version[64], vermagic[256], sha256[65];
	size_t size;
	int format;
};

static void copy_value(char *dst, size_t n, const char *line, size_t klen, const char *end)
{
	size_t v = (size_t)(end - line) - klen;

	if (v >= n)
		v = n - 1;
	memcpy(dst, line + klen, v);
	dst[v] = '\0';
}

static int parse_meta(const struct member *mm, struct meta *m)
{
	const char *s = (const char *)mm->data, *end = s + mm->size;

	memset(m, 0, sizeof(*m));
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));

		if (!nl)
			nl = end;
		if (!strncmp(s, "dbdboot-bundle ", 15))
			m->format = atoi(s + 15);
		else if (!strncmp(s, "kernel ", 7))
			copy_value(m->kernel, sizeof(m->kernel), s, 7, nl);
		else if (!strncmp(s, "dkms-version ", 13))
			copy_value(m->version, sizeof(m->version), s, 13, nl);
		else if (!strncmp(s, "vermagic ", 9))
			copy_value(m->vermagic, sizeof(m->vermagic), s, 9, nl);
		else if (!strncmp(s, "sha256 ", 7))
			copy_value(m->sha256, sizeof(m->sha256), s, 7, nl);
		else if (!strncmp(s, "size ", 5))
			m->size = (size_t)strtoull(s + 5, NULL, 10);
		s = nl + 1;
	}
	if (m->format != 1 || !kver_valid(m->kernel) || strlen(m->sha256) != 64)
		return -EBADMSG;
	return 0;
}

static int bundle_import(const char *file, int force)
{
	unsigned char *raw = NULL, *old = NULL;
	struct dbd_buf tar = { 0 };
	char p[PATH_MAX], tmp[PATH_MAX], sum[65], note[512];
	struct member mm, mk;
	struct module_facts mf;
	struct kernel k;
	struct meta m;
	size_t len, used, olen;
	int ret;

	ret = read_file(file, MAX_BUNDLE, &raw, &len);
	if (ret)
		return err(ret, "could not read '%s': %s", file, strerror(-ret));
	ret = dbd_comp_detect(raw, len) == DBD_COMP_GZIP ?
		      dbd_unpack(DBD_COMP_GZIP, raw, len, &tar, &used) : -EBADMSG;
	if (!ret && (tar_find(tar.p, tar.len, META, &mm) || tar_find(tar.p, tar.len, KO, &mk) ||
		     parse_meta(&mm, &m)))
		ret = -EBADMSG;
	if (ret) {
		err(ret, "could not import '%s': not a dbdboot bundle (a gzip'ed tar with "
		    "%s and %s), or damaged", file, META, KO);
		goto out;
	}
	sha256_hex(mk.data, mk.size, sum);
	if (strcmp(sum, m.sha256) || mk.size != m.size) {
		ret = err(-EBADMSG, "could not import '%s': bad checksum: the module's sha256 is "
			  "%s, the bundle says %s", file, sum, m.sha256);
		goto out;
	}
	kernel_probe(m.kernel, &k);
	if (!k.modules) {
		ret = err(-ENOENT, "could not import '%s': it is for kernel %s, which is not "
			  "installed here", file, m.kernel);
		goto out;
	}
	/* The kernel's own checks, on a copy beside the destination. */
	snprintf(tmp, sizeof(tmp), "%s", state_path(p, m.kernel, "bundle.ko"));
	ret = write_atomic(tmp, mk.data, mk.size, 0644);
	if (ret) {
		err(ret, "could not write '%s': %s", tmp, strerror(-ret));
		goto out;
	}
	module_facts(m.kernel, tmp, &mf);
	remove_path(tmp, 0);
	if (!mf.found || mf.problem[0] || strcmp(mf.vermagic, m.vermagic)) {
		ret = err(-EINVAL, "could not import '%s' for %s: %s", file, m.kernel,
			  !mf.found ? "its module cannot be read" :
			  mf.problem[0] ? mf.problem : "its vermagic is not the one the bundle says");
		goto out;
	}
	rpath(p, "/lib/modules/%s/updates/dkms/" KO, m.kernel);
	if (!read_file(p, 64u << 20, &old, &olen)) {
		int same = olen == mk.size && !memcmp(old, mk.data, olen);

		if (!same && !force) {
			ret = err(-EEXIST, "could not import '%s': a different dattobd is installed "
				  "for %s at '/lib/modules/%s/updates/dkms/" KO "' (--force replaces it)",
				  file, m.kernel, m.kernel);
			goto out;
		}
	}
	ret = write_atomic(p, mk.data, mk.size, 0644);
	if (ret) {
		err(ret, "could not write '%s': %s", p, strerror(-ret));
		goto out;
	}
	{
		const char *argv[] = { "depmod", "-a", m.kernel, NULL };

		char why[256];

		ret = run_prog(RUN_DEPMOD, argv, NULL);
		if (ret) {
			ret = err(-EIO, "could not run depmod for %s: depmod %s; run: depmod -a %s",
				  m.kernel, run_failure(RUN_DEPMOD, ret, why, sizeof(why)), m.kernel);
			goto out;
		}
	}
	module_facts(m.kernel, NULL, &mf);
	if (!mf.found || mf.problem[0]) {
		ret = err(-EINVAL, "could not verify the imported module for %s: %s", m.kernel,
			  mf.found ? mf.problem : "not found after depmod");
		goto out;
	}
	snprintf(note, sizeof(note), "imported from %s: dattobd %s, sha256 %s\n", file, m.version,
		 sum);
	state_write(m.kernel, "bundle", note);
	info("%s: imported dattobd %s from '%s' and verified it; now run: dbdboot inject -k %s",
	     m.kernel, m.version, file, m.kernel);
	if (opt.json) {
		json_open(NULL);
		json_str("kernel", m.kernel);
		json_str("version", m.version);
		json_str("sha256", sum);
		json_str("path", mf.path);
		json_close();
		json_end();
	}
out:
	free(raw);
	free(tar.p);
	free(old);
	return ret;
}

static void help(void)
{
	fputs("Usage: dbdboot bundle export -k KVER FILE\n"
	      "       dbdboot bundle import [--force] FILE\n"
	      "\n"
	      "export: the verified dattobd built for KVER, with its vermagic, checksum and\n"
	      "DKMS version, into FILE (a gzip'ed tar). import: install such a bundle on a\n"
	      "host with the same kernel and no compiler, after checking the checksum and\n"
	      "the module against the kernel; then run dbdboot inject.\n"
	      "\n"
	      "  -k, --kernel KVER  the kernel (export)\n"
	      "  -f, --force        replace a different installed module (import)\n"
	      "  -J, --json         say what was done as JSON on stdout\n", stdout);
}

int cmd_bundle(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "kernel", required_argument, NULL, 'k' }, { "force", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'J' },	    { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *kver = NULL, *what;
	int c, force = 0;

	while ((c = getopt_long(argc, argv, "k:fJh", lo, NULL)) != -1) {
		switch (c) {
		case 'k': kver = optarg; break;
		case 'f': force = 1; break;
		case 'J': opt.json = 1; break;
		case 'h': help(); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind != argc - 2) {
		err(0, "usage: dbdboot bundle export -k KVER FILE | import [--force] FILE");
		return EXIT_USAGE;
	}
	what = argv[optind++];
	if (!strcmp(what, "export")) {
		if (!kver || !kver_valid(kver)) {
			err(0, "bundle export: say which kernel with -k KVER");
			return EXIT_USAGE;
		}
		return bundle_export(kver, argv[optind]) ? EXIT_FAIL : EXIT_OK;
	}
	if (!strcmp(what, "import"))
		return bundle_import(argv[optind], force) ? EXIT_FAIL : EXIT_OK;
	err(0, "unknown bundle command '%s': export or import", what);
	return EXIT_USAGE;
}
