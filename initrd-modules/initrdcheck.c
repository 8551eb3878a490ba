// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot: what a kernel's initrd holds of ours, read with lib/initrd.c
 * (every segment, as the kernel unpacks them: a later copy of a file wins,
 * which is how a --manifest-only segment replaces the manifest).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dbdboot.h"
#include "generator.h"
#include "initrd.h"
#include "initrdcheck.h"
#include "rootpath.h"
#include "unpack.h"

struct scan {
	const char *kver;
	const unsigned char *module;	/* the installed module, to compare */
	size_t module_len;
	const unsigned char *agent;	/* the installed agent, to compare */
	size_t agent_len;
	const unsigned char *manifest;	/* the host's manifest */
	size_t manifest_len;
	int have_manifest;
	struct initrd_facts *f;
};

static int ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && !strcmp(s + a - b, tail);
}

/* A module file's name, compressed or not, as kmod and mkinitramfs use. */
static int is_module_name(const char *n)
{
	static const char *const exts[] = MODULE_EXTS;
	const char *base = strrchr(n, '/');
	size_t k = strlen(DKMS_MODULE);

	if (!base || strncmp(base + 1, DKMS_MODULE, k))
		return 0;
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		if (!strcmp(base + 1 + k, exts[i]))
			return 1;
	return 0;
}

/*
 * The module's own bytes: a .ko.xz, .ko.zst or .ko.gz unpacked (into OUT),
 * anything else as it is; mkinitramfs unpacks compressed modules, so the
 * installed file and the initrd's copy are compared unpacked. 0 or <0.
 */
static int module_bytes(const unsigned char *p, size_t n, struct dbd_buf *out,
			const unsigned char **bytes, size_t *len)
{
	enum dbd_comp c = dbd_comp_detect(p, n);
	size_t used;
	int ret;

	*bytes = p;
	*len = n;
	if (c != DBD_COMP_GZIP && c != DBD_COMP_XZ && c != DBD_COMP_ZSTD)
		return 0;
	ret = dbd_unpack(c, p, n, out, &used);
	if (ret)
		return ret;
	*bytes = out->p;
	*len = out->len;
	return 0;
}

/* The initrd's copy of the module against the installed one. */
static enum initrd_item module_item(const struct scan *s, const struct dbd_initrd_entry *e)
{
	struct dbd_buf o = { 0 };
	const unsigned char *b;
	size_t len;
	int same;

	if (!s->module)
		return INITRD_OK;	/* nothing installed to compare with */
	if (module_bytes(e->data, e->size, &o, &b, &len)) {
		free(o.p);
		return INITRD_STALE;
	}
	same = len == s->module_len && !memcmp(b, s->module, len);
	free(o.p);
	return same ? INITRD_OK : INITRD_STALE;
}

int initrd_is_agent(const char *name)
{
	return ends_with(name, "/dbdboot-early");
}

/* What runs the agent at boot: initramfs-tools' script, dracut's pre-mount
 * hook (no systemd in the initrd) or dracut's unit (systemd in it). */
static int is_boot_step(const char *n)
{
	return !strcmp(n, "scripts/local-premount/dbdboot") ||
	       (!strncmp(n, "lib/dracut/hooks/pre-mount/", 27) && strstr(n, "dbdboot")) ||
	       !strcmp(n, "lib/systemd/system/dbdboot-early.service");
}

static int visit(void *ctx, const struct dbd_initrd_entry *e)
{
	struct scan *s = ctx;
	const char *n = e->name;

	if (!strncmp(n, "usr/", 4))
		n += 4;
	if (!strncmp(n, "lib/modules/", 12) && is_module_name(n)) {
		if (strncmp(n + 12, s->kver, strlen(s->kver)) || n[12 + strlen(s->kver)] != '/')
			return 0;
		s->f->module = module_item(s, e);
	} else if (initrd_is_agent(n)) {
		s->f->agent = !s->agent || (e->size == s->agent_len &&
					    !memcmp(e->data, s->agent, e->size)) ?
				      INITRD_OK : INITRD_STALE;
	} else if (is_boot_step(n)) {
		s->f->script = INITRD_OK;
	} else if (!strcmp(n, "etc/dbdboot/manifest")) {
		s->f->manifest = !s->have_manifest ? INITRD_STALE :
				 e->size == s->manifest_len &&
						 !memcmp(e->data, s->manifest, e->size) ?
								  INITRD_OK : INITRD_STALE;
	}
	return 0;
}

const char *initrd_item_str(enum initrd_item i)
{
	static const char *const names[] = { "missing", "ok", "stale", "none" };

	return names[i];
}

void initrd_locate(const char *kver, struct initrd_facts *f)
{
	const char *gen = initrd_generator();

	memset(f, 0, sizeof(*f));
	snprintf(f->generator, sizeof(f->generator), "%s", gen ? gen : "");
	f->found = initrd_path(kver, f->path, sizeof(f->path));
}

int initrd_facts(const char *kver, const struct module_facts *m, struct initrd_facts *f)
{
	unsigned char *buf = NULL, *module = NULL, *manifest = NULL, *agent = NULL;
	struct dbd_buf unpacked = { 0 };
	struct scan s = { .kver = kver, .f = f };
	char p[PATH_MAX], why[256];
	size_t len, mlen;
	int ret;

	initrd_locate(kver, f);
	if (!f->found)
		return 0;
	ret = read_file(rpath(p, "%s", f->path), 2u << 30, &buf, &len);
	if (ret) {
		snprintf(f->problem, sizeof(f->problem), "could not read '%s': %s", f->path,
			 strerror(-ret));
		return 0;
	}
	if (m && m->found && !read_file(rpath(p, "%s", m->path), 64u << 20, &module, &mlen) &&
	    module_bytes(module, mlen, &unpacked, &s.module, &s.module_len))
		s.module = NULL;	/* a compressed module that does not unpack */
	if (!read_file(rpath(p, MANIFEST_PATH), 1u << 20, &manifest, &mlen)) {
		s.manifest = manifest;
		s.manifest_len = mlen;
		s.have_manifest = 1;
	}
	if (!read_file(rpath(p, AGENT_PATH), 16u << 20, &agent, &s.agent_len))
		s.agent = agent;
	ret = dbd_initrd_walk(buf, len, visit, &s, why, sizeof(why));
	if (ret < 0)
		snprintf(f->problem, sizeof(f->problem), "could not read '%s': %s", f->path, why);
	if (!s.have_manifest && f->manifest == INITRD_MISSING)
		f->manifest = INITRD_NONE;
	free(buf);
	free(module);
	free(unpacked.p);
	free(manifest);
	free(agent);
	return 0;
}
