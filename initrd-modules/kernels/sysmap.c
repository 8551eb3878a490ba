// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot sysmap -k KVER: recover /lib/modules/KVER/System.map from
 * /boot/vmlinuz-KVER when the packaged map is a placeholder or missing.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dbdboot.h"
#include "files.h"
#include "kallsyms.h"
#include "kernel.h"
#include "rootpath.h"
#include "sysmap.h"

struct out {
	char *p;
	size_t len, cap;
	int failed;
};

static int put(void *ctx, uint64_t addr, char type, const char *name)
{
	struct out *o = ctx;
	size_t need = 16 + 3 + strlen(name) + 2;

	if (o->cap - o->len < need) {
		size_t cap = o->cap ? o->cap * 2 : 4u << 20;
		char *n;

		while (cap - o->len < need)
			cap *= 2;
		n = realloc(o->p, cap);
		if (!n) {
			o->failed = 1;
			return -ENOMEM;
		}
		o->p = n;
		o->cap = cap;
	}
	o->len += (size_t)snprintf(o->p + o->len, o->cap - o->len, "%016llx %c %s\n",
				   (unsigned long long)addr, type, name);
	return 0;
}

int sysmap_recover(const char *kver, const char *dest, struct sysmap_result *r)
{
	char img[PATH_MAX], why[256];
	const unsigned char *payload;
	struct dbd_buf kernel = { 0 };
	struct dbd_kallsyms ks;
	struct out o = { 0 };
	double t0 = now_s();
	unsigned char *buf;
	enum dbd_comp comp;
	size_t len, plen, used;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = read_file(rpath(img, "/boot/vmlinuz-%s", kver), 256u << 20, &buf, &len);
	if (ret) {
		ERR("could not read '%s': %s%s", img, strerror(-ret),
		    ret == -ENOENT ? " (is the kernel's image package installed?)" : "");
		return ret;
	}
	ret = dbd_bzimage_payload(buf, len, &payload, &plen, &comp, why, sizeof(why));
	if (ret) {
		ERR("could not find the kernel inside '%s': %s", img, why);
		goto out;
	}
	r->comp = comp;
	ret = dbd_unpack(comp, payload, plen, &kernel, &used);
	if (ret) {
		ERR("could not unpack the kernel in '%s': its %s stream %s", img,
		    dbd_comp_str(comp), dbd_unpack_strerror(ret));
		goto out;
	}
	r->unpacked = kernel.len;
	ret = dbd_kallsyms_find(kernel.p, kernel.len, &ks, why, sizeof(why));
	if (ret) {
		ERR("could not find the symbol table in '%s': %s", img, why);
		goto out;
	}
	r->symbols = ks.num_syms;
	ret = dbd_kallsyms_each(&ks, put, &o);
	if (ret) {
		ERR("could not decode the symbol table in '%s'", img);
		goto out;
	}
	ret = write_atomic(dest, o.p, o.len, 0644);
	if (ret) {
		ERR("could not write '%s': %s", dest, strerror(-ret));
		goto out;
	}
	r->seconds = now_s() - t0;
	ret = 0;
out:
	free(o.p);
	free(kernel.p);
	free(buf);
	return ret;
}

static void help(void)
{
	fputs("Usage: dbdboot sysmap -k KVER [--force] [-o FILE] [-J]\n"
	      "\n"
	      "Recover KVER's System.map from /boot/vmlinuz-KVER (its kallsyms tables) when\n"
	      "the packaged one is a placeholder or missing, and write it atomically to\n"
	      "/lib/modules/KVER/System.map, the first place dattobd's build looks.\n"
	      "\n"
	      "  -k, --kernel KVER  the kernel release\n"
	      "  -f, --force        recover even when a real System.map is there\n"
	      "  -o, --output FILE  write there instead (not under --root; nothing recorded)\n"
	      "  -J, --json         say what was done as JSON on stdout\n", stdout);
}

int cmd_sysmap(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "kernel", required_argument, NULL, 'k' }, { "force", no_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' }, { "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },	    { NULL, 0, NULL, 0 },
	};
	const char *kver = NULL, *output = NULL;
	struct sysmap_result r;
	int c, force = 0, ret;

	while ((c = getopt_long(argc, argv, "k:fo:Jh", lo, NULL)) != -1) {
		switch (c) {
		case 'k': kver = optarg; break;
		case 'f': force = 1; break;
		case 'o': output = optarg; break;
		case 'J': opt.json = 1; break;
		case 'h': help(); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (!kver || optind < argc) {
		ERR("usage: dbdboot sysmap -k KVER [--force] [-o FILE]");
		return EXIT_USAGE;
	}
	if (!kver_valid(kver)) {
		ERR("could not use kernel release '%s': not a release name", kver);
		return EXIT_USAGE;
	}
	ret = sysmap_ensure(kver, force, output, &r);
	if (opt.json) {
		json_open(NULL);
		json_str("kernel", kver);
		json_str("outcome", ret < 0 ? "failed" : r.symbols ? "recovered" : "present");
		json_str("path", ret < 0 ? NULL : r.path);
		json_int("symbols", r.symbols);
		json_str("compression", r.symbols ? dbd_comp_str(r.comp) : NULL);
		json_int("unpacked_bytes", (long long)r.unpacked);
		json_int("ms", (long long)(r.seconds * 1000));
		json_close();
		json_end();
	}
	return ret < 0 ? EXIT_FAIL : EXIT_OK;
}

int sysmap_ensure(const char *kver, int force, const char *output, struct sysmap_result *r)
{
	char dest[PATH_MAX];
	struct kernel k;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = kernel_probe(kver, &k);
	if (ret)
		return ret;
	if (!force && !output && (k.sysmap == SYSMAP_REAL || k.sysmap == SYSMAP_RECOVERED)) {
		snprintf(r->path, sizeof(r->path), "%s", k.sysmap_path);
		info("%s: a %s System.map is at '%s': nothing to do", kver,
		     sysmap_state_str(k.sysmap), k.sysmap_path);
		return 0;
	}
	if (output)
		snprintf(dest, sizeof(dest), "%s", output);
	else
		rpath(dest, "/lib/modules/%s/System.map", kver);
	ret = sysmap_recover(kver, dest, r);
	if (ret)
		return ret;
	if (!output) {
		char note[256];

		snprintf(note, sizeof(note), "recovered from /boot/vmlinuz-%s: %u symbols\n", kver,
			 r->symbols);
		ret = state_write(kver, "System.map", note);
		if (ret)
			warn("could not record '%s' as recovered: %s", dest, strerror(-ret));
		snprintf(r->path, sizeof(r->path), "/lib/modules/%s/System.map", kver);
	} else {
		snprintf(r->path, sizeof(r->path), "%s", output);
	}
	info("%s: recovered System.map: %u symbols from the %s kernel in /boot/vmlinuz-%s "
	     "(%.1f MB unpacked) in %.2f s, written to '%s'", kver, r->symbols,
	     dbd_comp_str(r->comp), kver, (double)r->unpacked / 1e6, r->seconds, r->path);
	return 0;
}
