// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot: the installed dattobd module checked through libkmod: depmod
 * lists it; its vermagic is the kernel's (compared with an in-tree
 * module's, since a release match alone passes modules of a sibling ABI);
 * every modversions CRC it carries agrees with the kernel's Module.symvers.
 */
#include <errno.h>
#include <libkmod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbdboot.h"
#include "elfmod.h"
#include "modcheck.h"
#include "rootpath.h"
#include "sha256.h"
#include "symvers.h"
#include "unpack.h"

static const char *const no_config[] = { NULL };

static struct kmod_ctx *ctx_for(const char *kver)
{
	char dir[PATH_MAX];
	struct kmod_ctx *ctx;

	ctx = kmod_new(rpath(dir, "/lib/modules/%s", kver), no_config);
	if (ctx)
		kmod_set_log_priority(ctx, 0);
	return ctx;
}

static void info_of(struct kmod_module *mod, const char *key, char *out, size_t n)
{
	struct kmod_list *l = NULL, *i;

	out[0] = '\0';
	if (kmod_module_get_info(mod, &l) < 0)
		return;
	kmod_list_foreach(i, l) {
		if (!strcmp(kmod_module_info_get_key(i), key)) {
			snprintf(out, n, "%s", kmod_module_info_get_value(i));
			break;
		}
	}
	kmod_module_info_free_list(l);
}

/* The vermagic and signing key of the first in-tree module modules.dep
 * names. */
static void kernel_module(struct kmod_ctx *ctx, const char *kver, struct module_facts *m)
{
	char *out = m->kernel_vermagic;
	size_t n = sizeof(m->kernel_vermagic);
	char p[PATH_MAX], line[PATH_MAX], *colon;
	struct kmod_module *mod;
	FILE *f;

	out[0] = '\0';
	f = fopen(rpath(p, "/lib/modules/%s/modules.dep", kver), "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		colon = strchr(line, ':');
		if (!colon || strncmp(line, "kernel/", 7))
			continue;
		*colon = '\0';
		if (kmod_module_new_from_path(ctx, rpath(p, "/lib/modules/%s/%s", kver, line),
					      &mod) == 0) {
			info_of(mod, "vermagic", out, n);
			info_of(mod, "sig_key", m->kernel_sig_key, sizeof(m->kernel_sig_key));
			kmod_module_unref(mod);
		}
		if (*out)
			break;
	}
	fclose(f);
}

static void check_crcs(struct kmod_module *mod, const char *kver, struct module_facts *m)
{
	char p[PATH_MAX], q[PATH_MAX];
	struct kmod_list *l = NULL, *i;
	unsigned char *symvers;
	size_t len;

	if (read_file(rpath_resolved(p, rpath(q, "/lib/modules/%s/build/Module.symvers", kver)),
		      64u << 20, &symvers, &len))
		return;
	m->symvers = 1;
	if (kmod_module_get_versions(mod, &l) < 0) {
		free(symvers);
		return;
	}
	kmod_list_foreach(i, l) {
		const char *sym = kmod_module_version_get_symbol(i);
		uint32_t want;

		m->crcs++;
		if (dbd_symvers_crc((char *)symvers, len, sym, &want))
			continue;	/* module_layout and friends: not exported */
		if (want != (uint32_t)kmod_module_version_get_crc(i) && !m->crcs_bad++)
			snprintf(m->crc_bad_symbol, sizeof(m->crc_bad_symbol), "%s", sym);
	}
	kmod_module_versions_free_list(l);
	free(symvers);
}

/* M->build_crcs: the CRCs the package's build host checked, by its
 * module.txt ("sha256 HEX", "crcs N") when that names the module's bytes. */
static void build_crcs(const char *kver, struct module_facts *m)
{
	unsigned char *txt = NULL, *ko = NULL;
	char p[PATH_MAX], hex[65];
	const char *sum, *crcs;
	size_t len, klen;
	int n;

	if (read_file(rpath(p, "/usr/share/dattobd-modules-%s/module.txt", kver), 1 << 16, &txt,
		      &len))
		return;
	sum = line_after((char *)txt, "sha256 ");
	crcs = line_after((char *)txt, "crcs ");
	n = crcs ? atoi(crcs) : 0;	/* "crcs -": none checked there */
	if (sum && n > 0 && !read_file(rpath(p, "%s", m->path), 64u << 20, &ko, &klen)) {
		sha256_hex(ko, klen, hex);
		if (!strncmp(sum, hex, 64) && (sum[64] == '\n' || !sum[64]))
			m->build_crcs = n;
	}
	free(ko);
	free(txt);
}

/*
 * The file's bytes against its name: the kernel (finit_module) and
 * dbdboot-early take a module's compression from its name (.ko plain,
 * .ko.xz, .ko.zst, .ko.gz), while libkmod, which read it above, goes by
 * its magic. A file named .ko that holds xz data passes libkmod and is
 * refused at boot. Its problem into M, 1; or 0.
 */
static int packing_problem(const char *fs_path, struct module_facts *m)
{
	static const struct { const char *ext; enum dbd_comp c; } names[] = {
		{ ".ko", DBD_COMP_NONE }, { ".ko.xz", DBD_COMP_XZ },
		{ ".ko.zst", DBD_COMP_ZSTD }, { ".ko.gz", DBD_COMP_GZIP },
	};
	unsigned char head[8] = { 0 };
	size_t pl = strlen(m->path), el;
	enum dbd_comp c;
	FILE *f = fopen(fs_path, "rb");
	size_t n;

	if (!f)
		return 0;
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	c = dbd_comp_detect(head, n);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		el = strlen(names[i].ext);
		if (pl < el || strcmp(m->path + pl - el, names[i].ext))
			continue;
		if (c == names[i].c && (c != DBD_COMP_NONE || dbd_elf_magic(head, n)))
			return 0;
		snprintf(m->problem, sizeof(m->problem),
			 "'%s' holds %s data, which its name does not say: the kernel would "
			 "refuse it at boot", m->path, c == DBD_COMP_NONE ? "non-ELF" : dbd_comp_str(c));
		return 1;
	}
	return 0;
}

/* M->path: FILE if given, else the dattobd depmod resolves for KVER, else
 * the first on disk where dkms and others put one; M->depmod_listed. */
static void find_path(struct kmod_ctx *ctx, const char *kver, const char *file,
		      struct module_facts *m)
{
	static const char *const places[] = { "updates/dkms", "updates", "extra" };
	static const char *const exts[] = MODULE_EXTS;
	struct kmod_list *l = NULL;
	size_t rl = strlen(opt.root);
	char p[PATH_MAX];
	const char *mp;

	if (kmod_module_new_from_lookup(ctx, DKMS_MODULE, &l) == 0 && l) {
		struct kmod_module *lm = kmod_module_get_module(l);

		mp = kmod_module_get_path(lm);
		if (mp) {
			m->depmod_listed = 1;
			snprintf(m->path, sizeof(m->path), "%s", strncmp(mp, opt.root, rl) ? mp : mp + rl);
		}
		kmod_module_unref(lm);
		kmod_module_unref_list(l);
	}
	if (file) {
		snprintf(m->path, sizeof(m->path), "%s", file);
		return;
	}
	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]) && !m->path[0]; i++)
		for (size_t x = 0; x < sizeof(exts) / sizeof(exts[0]); x++)
			if (path_exists(rpath(p, "/lib/modules/%s/%s/" DKMS_MODULE "%s", kver,
					      places[i], exts[x]))) {
				snprintf(m->path, sizeof(m->path), "/lib/modules/%s/%s/" DKMS_MODULE "%s",
					 kver, places[i], exts[x]);
				break;
			}
}

/* M->vermagic_ok and M->problem from what was read of it. */
static void judge(const char *kver, const char *file, struct module_facts *m)
{
	/* vermagic: "RELEASE FLAGS...": the release must be this kernel's and
	 * the flags those of its own modules. */
	m->vermagic_ok = !strncmp(m->vermagic, kver, strlen(kver)) &&
			 m->vermagic[strlen(kver)] == ' ' &&
			 (!m->kernel_vermagic[0] || !strcmp(m->vermagic, m->kernel_vermagic));
	if (!m->vermagic[0])
		snprintf(m->problem, sizeof(m->problem), "not a kernel module (it has no vermagic)");
	else if (strncmp(m->vermagic, kver, strlen(kver)) || m->vermagic[strlen(kver)] != ' ')
		snprintf(m->problem, sizeof(m->problem), "built for another kernel (vermagic '%s')",
			 m->vermagic);
	else if (m->kernel_vermagic[0] && strcmp(m->vermagic, m->kernel_vermagic))
		snprintf(m->problem, sizeof(m->problem),
			 "vermagic '%s' differs from the kernel's '%s'", m->vermagic,
			 m->kernel_vermagic);
	else if (m->crcs_bad)
		snprintf(m->problem, sizeof(m->problem),
			 "%d symbol CRCs disagree with the kernel's Module.symvers (first: %s): "
			 "built against other headers", m->crcs_bad, m->crc_bad_symbol);
	else if (!m->depmod_listed && !file)
		snprintf(m->problem, sizeof(m->problem),
			 "depmod does not list it (run: depmod %s)", kver);
}

int module_facts(const char *kver, const char *file, struct module_facts *m)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx;
	char p[PATH_MAX];

	memset(m, 0, sizeof(*m));
	ctx = ctx_for(kver);
	if (!ctx)
		return -ENOMEM;
	find_path(ctx, kver, file, m);
	if (!m->path[0]) {
		kmod_unref(ctx);
		return 0;
	}
	if (kmod_module_new_from_path(ctx, file ? file : rpath(p, "%s", m->path), &mod) < 0 ||
	    !path_exists(file ? file : rpath(p, "%s", m->path))) {
		snprintf(m->problem, sizeof(m->problem), "'%s' cannot be read", m->path);
		kmod_unref(ctx);
		return 0;
	}
	m->found = 1;
	snprintf(p, sizeof(p), "/lib/modules/%s/" PACKAGE_DIR "/", kver);
	m->packaged = !file && !strncmp(m->path, p, strlen(p));
	info_of(mod, "vermagic", m->vermagic, sizeof(m->vermagic));
	info_of(mod, "version", m->version, sizeof(m->version));
	info_of(mod, "dbdboot_fix", m->fix, sizeof(m->fix));
	info_of(mod, "srcversion", m->srcversion, sizeof(m->srcversion));
	info_of(mod, "sig_id", m->sig_id, sizeof(m->sig_id));
	info_of(mod, "signer", m->signer, sizeof(m->signer));
	info_of(mod, "sig_key", m->sig_key, sizeof(m->sig_key));
	kernel_module(ctx, kver, m);
	check_crcs(mod, kver, m);
	if (m->packaged && !m->symvers)
		build_crcs(kver, m);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	if (!packing_problem(file ? file : rpath(p, "%s", m->path), m))
		judge(kver, file, m);
	return 0;
}

const char *module_checked(const struct module_facts *m, char *buf, size_t n)
{
	if (m->symvers)
		snprintf(buf, n, "vermagic, %d modversions CRCs and depmod agree", m->crcs);
	else if (m->build_crcs)
		snprintf(buf, n, "vermagic and depmod agree; %d modversions CRCs checked by the "
			 "package's build host (its module.txt names these bytes), not here: no "
			 "Module.symvers without the headers", m->build_crcs);
	else
		snprintf(buf, n, "vermagic and depmod agree; CRCs not checked: the kernel's "
			 "Module.symvers could not be read (are its headers installed?)");
	return buf;
}

int module_plain(const char *path, unsigned char **ko, size_t *len)
{
	enum dbd_comp c = dbd_comp_detect(*ko, *len);
	struct dbd_buf out = { 0 };
	size_t used;
	int ret;

	if (c == DBD_COMP_NONE) {
		if (dbd_elf_magic(*ko, *len))
			return 0;
		ERR("could not use '%s': neither an ELF module nor compressed", path);
		return -ENOEXEC;
	}
	ret = dbd_unpack(c, *ko, *len, &out, &used);
	if (!ret && !dbd_elf_magic(out.p, out.len))
		ret = -ENOEXEC;
	if (ret) {
		ERR("could not use '%s': could not unpack its %s data into an ELF module: %s",
		    path, dbd_comp_str(c), strerror(-ret));
		free(out.p);
		return ret;
	}
	free(*ko);
	*ko = out.p;
	*len = out.len;
	return 0;
}
