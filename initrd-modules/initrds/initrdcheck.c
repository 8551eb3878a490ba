// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot: what a kernel's initrd holds of ours, read with lib/initrd.c
 * (every segment, as the kernel unpacks them: a later copy of a file wins,
 * which is how a --manifest-only segment replaces the manifest).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dbdboot.h"
#include "elfmod.h"
#include "files.h"
#include "kernel.h"
#include "sha256.h"
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
	/* dracut strips the modules it copies (strip -g): the same module
	 * loads the same sections. */
	same = (len == s->module_len && !memcmp(b, s->module, len)) ||
	       dbd_elf_same_module(b, len, s->module, s->module_len) == 1;
	free(o.p);
	return same ? INITRD_OK : INITRD_STALE;
}

int initrd_is_agent(const char *name)
{
	return ends_with(name, "/dbdboot-early");
}

/* What runs the agent at boot: initramfs-tools' script, dracut's pre-mount
 * hook (no systemd in the initrd; (usr/)lib/dracut/hooks, or var/lib/dracut/
 * hooks as Debian 13's dracut puts them) or dracut's unit (systemd in it). */
static int is_boot_step(const char *n)
{
	if (!strncmp(n, "var/", 4))
		n += 4;
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
	} else if (!strcmp(e->name, MANIFEST_PATH + 1)) {
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

/*
 * The walk's result is kept in STATE_DIR/kernels/KVER/initrd-facts with
 * what it depends on: the initrd's identity (replaced or written: another
 * file), the sha256 of the module, agent and manifest it was compared with,
 * and dbdboot's version. While all of that holds, the next status answers
 * without reading the initrd; any difference and it is read again.
 */
#define FACTS_RECORD "initrd-facts"

unsigned int initrd_walks;

static void sha_or_dash(const unsigned char *p, size_t n, int have, char *out)
{
	if (have)
		sha256_hex(p, n, out);
	else
		snprintf(out, 65, "-");
}

static void record_key(const struct stat *st, const struct scan *s, char *out, size_t n)
{
	char id[160], mod[65], agent[65], man[65];

	file_identity(st, id, sizeof(id));
	sha_or_dash(s->module, s->module_len, !!s->module, mod);
	sha_or_dash(s->agent, s->agent_len, !!s->agent, agent);
	sha_or_dash(s->manifest, s->manifest_len, s->have_manifest, man);
	snprintf(out, n, "initrd-facts 1 %s\npath %s\nfile %s\nmodule %s\nagent %s\n"
		 "manifest %s\n", DBDBOOT_VERSION, s->f->path, id, mod, agent, man);
}

/* The recorded result into F when the record's key is KEY: 1, else 0. */
static int record_read(const char *kver, const char *key, struct initrd_facts *f)
{
	unsigned char *text = NULL;
	char p[PATH_MAX];
	size_t n, k = strlen(key);
	unsigned int v[4];
	int hit = 0;

	if (read_file(state_path(p, kver, FACTS_RECORD), 8192, &text, &n))
		return 0;
	if (n > k && !memcmp(text, key, k) &&
	    sscanf((char *)text + k, "result %u %u %u %u", &v[0], &v[1], &v[2], &v[3]) == 4 &&
	    v[0] <= INITRD_NONE && v[1] <= INITRD_NONE && v[2] <= INITRD_NONE &&
	    v[3] <= INITRD_NONE) {
		f->module = v[0];
		f->agent = v[1];
		f->script = v[2];
		f->manifest = v[3];
		hit = 1;
	}
	free(text);
	return hit;
}

static void record_write(const char *kver, const char *key, const struct initrd_facts *f)
{
	char text[2048];

	snprintf(text, sizeof(text), "%sresult %u %u %u %u\n", key, f->module, f->agent,
		 f->script, f->manifest);
	if (state_cache(kver, FACTS_RECORD, text))
		VERBOSE("%s: could not keep what '%s' holds: the next status reads it again",
			kver, f->path);
}

/* What the initrd at P holds, walked (S set up): into S->f. */
static void walk(const char *p, struct scan *s)
{
	unsigned char *buf = NULL;
	char why[256];
	size_t len;
	int ret;

	initrd_walks++;
	ret = read_file(p, 2u << 30, &buf, &len);
	if (ret) {
		snprintf(s->f->problem, sizeof(s->f->problem), "could not read '%s': %s",
			 s->f->path, strerror(-ret));
		return;
	}
	ret = dbd_initrd_walk(buf, len, visit, s, why, sizeof(why));
	if (ret < 0)
		snprintf(s->f->problem, sizeof(s->f->problem), "could not read '%s': %s",
			 s->f->path, why);
	if (!s->have_manifest && s->f->manifest == INITRD_MISSING)
		s->f->manifest = INITRD_NONE;
	free(buf);
}

int initrd_facts(const char *kver, const struct module_facts *m, struct initrd_facts *f)
{
	unsigned char *module = NULL, *manifest = NULL, *agent = NULL;
	struct dbd_buf unpacked = { 0 };
	struct scan s = { .kver = kver, .f = f };
	char p[PATH_MAX], ip[PATH_MAX], key[1024] = "";
	struct stat st;
	size_t mlen;

	initrd_locate(kver, f);
	if (!f->found)
		return 0;
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
	rpath(ip, "%s", f->path);
	if (!stat(ip, &st))
		record_key(&st, &s, key, sizeof(key));
	if (key[0] && record_read(kver, key, f)) {
		VERBOSE("%s: '%s' is the file read last time, with the same module, agent and "
			"manifest: not read again", kver, f->path);
	} else {
		walk(ip, &s);
		if (key[0] && !f->problem[0])
			record_write(kver, key, f);
	}
	free(module);
	free(unpacked.p);
	free(manifest);
	free(agent);
	return 0;
}
