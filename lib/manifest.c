// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Manifest parser: see manifest.h and dbdboot-manifest(5). No allocation;
 * every limit is in manifest.h. Safe on any bytes (fuzzed).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <string.h>

#include "manifest.h"
#include "uuid.h"
#include "fmt.h"

#define HEADER_WORD "dbdboot-manifest"

struct parse {
	struct dbd_manifest *m;
	dbd_diag_fn diag;
	void *ctx;
	unsigned int line;
};

__attribute__((format(printf, 3, 4)))
static void say(struct parse *p, enum dbd_diag_level level, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (level == DBD_DIAG_ERROR)
		p->m->errors++;
	else
		p->m->warnings++;
	if (!p->diag)
		return;
	va_start(ap, fmt);
	dbd_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->diag(p->ctx, level, p->line, msg);
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Decimal number, whole string, at most MAX. */
static int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (!is_digit(*s))
			return -EINVAL;
		if (v > (max - (unsigned long long)(*s - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (unsigned long long)(*s - '0');
	}
	*out = v;
	return 0;
}

/* Undo \\ and \NNN (octal) escapes of SRC into DST (SIZE bytes with NUL). */
static int unescape(const char *src, char *dst, size_t size)
{
	size_t n = 0;

	while (*src) {
		char c = *src++;

		if (c == '\\') {
			if (*src == '\\') {
				c = '\\';
				src++;
			} else if (src[0] >= '0' && src[0] <= '3' && src[1] >= '0' && src[1] <= '7' &&
				   src[2] >= '0' && src[2] <= '7') {
				c = (char)(((src[0] - '0') << 6) | ((src[1] - '0') << 3) | (src[2] - '0'));
				src += 3;
				if (!c)
					return -EINVAL;
			} else {
				return -EINVAL;
			}
		}
		if (n + 1 >= size)
			return -ENAMETOOLONG;
		dst[n++] = c;
	}
	dst[n] = '\0';
	return 0;
}

int dbd_manifest_device(struct dbd_volume *v)
{
	static const struct {
		const char *prefix;
		enum dbd_dev_kind kind;
	} tags[] = {
		{ "UUID=", DBD_DEV_UUID },
		{ "PARTUUID=", DBD_DEV_PARTUUID },
		{ "LABEL=", DBD_DEV_LABEL },
	};
	unsigned long long maj, min;
	char *colon;
	size_t i;

	if (v->device[0] == '/') {
		v->dev_kind = DBD_DEV_PATH;
		v->dev_value = v->device;
		return 0;
	}
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		size_t l = strlen(tags[i].prefix);

		if (!strncmp(v->device, tags[i].prefix, l)) {
			if (!v->device[l])
				return -EINVAL;
			v->dev_kind = tags[i].kind;
			v->dev_value = v->device + l;
			return 0;
		}
	}
	colon = strchr(v->device, ':');
	if (!colon)
		return -EINVAL;
	*colon = '\0';
	if (parse_uint(v->device, 0xfff, &maj) || parse_uint(colon + 1, 0xfffff, &min)) {
		*colon = ':';
		return -EINVAL;
	}
	*colon = ':';
	v->dev_kind = DBD_DEV_NUMBER;
	v->dev_value = v->device;
	v->dev_major = (unsigned int)maj;
	v->dev_minor = (unsigned int)min;
	return 0;
}

enum { K_MODE = 1, K_DEVICE = 2, K_COW = 4, K_MINOR = 8, K_CACHE = 16, K_UUID = 32, K_SEQID = 64,
       K_BY = 128, K_STAGE = 256, K_MOUNT = 512 };

/* One key=value of a volume line. Returns the key's bit, 0 if unknown, <0 if bad. */
static int volume_key(struct parse *p, struct dbd_volume *v, char *tok)
{
	char *eq = strchr(tok, '='), *val;
	char raw[DBD_MANIFEST_MAX_COW + 1];
	unsigned long long num;
	int ret;

	if (!eq || eq == tok) {
		say(p, DBD_DIAG_ERROR, "'%.64s' is not KEY=VALUE", tok);
		return -EINVAL;
	}
	*eq = '\0';
	val = eq + 1;
	if (!strcmp(tok, "mode")) {
		if (!strcmp(val, "incremental"))
			v->mode = DBD_MODE_INCREMENTAL;
		else if (!strcmp(val, "snapshot"))
			v->mode = DBD_MODE_SNAPSHOT;
		else
			goto bad;
		return K_MODE;
	}
	if (!strcmp(tok, "device")) {
		ret = unescape(val, v->device, sizeof(v->device));
		if (ret == -ENAMETOOLONG) {
			say(p, DBD_DIAG_ERROR, "device is longer than %d bytes", DBD_MANIFEST_MAX_DEVICE);
			return ret;
		}
		if (ret || dbd_manifest_device(v))
			goto bad;
		return K_DEVICE;
	}
	if (!strcmp(tok, "cow")) {
		ret = unescape(val, raw, sizeof(raw));
		if (ret == -ENAMETOOLONG) {
			say(p, DBD_DIAG_ERROR, "cow is longer than %d bytes", DBD_MANIFEST_MAX_COW);
			return ret;
		}
		if (ret || raw[0] != '/' || !raw[1])
			goto bad;
		memcpy(v->cow, raw, sizeof(v->cow));
		return K_COW;
	}
	if (!strcmp(tok, "minor")) {
		if (parse_uint(val, DBD_MANIFEST_MAX_MINOR, &num))
			goto bad;
		v->minor = (unsigned int)num;
		return K_MINOR;
	}
	if (!strcmp(tok, "cache")) {
		if (parse_uint(val, ~0ull, &num))
			goto bad;
		v->cache_bytes = num;
		return K_CACHE;
	}
	if (p->m->version >= 2 && !strcmp(tok, "uuid")) {
		if (dbd_uuid_parse(val, v->uuid))
			goto bad;
		v->has_uuid = 1;
		return K_UUID;
	}
	if (p->m->version >= 2 && !strcmp(tok, "seqid")) {
		if (parse_uint(val, ~0ull, &num))
			goto bad;
		v->seqid = num;
		v->has_seqid = 1;
		return K_SEQID;
	}
	if (p->m->version >= 2 && !strcmp(tok, "by")) {
		if (strcmp(val, "sync"))
			goto bad;
		v->by_sync = 1;
		return K_BY;
	}
	if (p->m->version >= 2 && !strcmp(tok, "stage")) {
		if (!strcmp(val, "initramfs"))
			v->stage = DBD_STAGE_INITRAMFS;
		else if (!strcmp(val, "root"))
			v->stage = DBD_STAGE_ROOT;
		else
			goto bad;
		return K_STAGE;
	}
	if (p->m->version >= 2 && !strcmp(tok, "mount")) {
		ret = unescape(val, raw, sizeof(raw));
		if (ret || raw[0] != '/' || strlen(raw) > DBD_MANIFEST_MAX_MOUNT)
			goto bad;
		memcpy(v->mount, raw, strlen(raw) + 1);
		return K_MOUNT;
	}
	say(p, DBD_DIAG_WARNING, "unknown key '%.64s' ignored", tok);
	return 0;
bad:
	say(p, DBD_DIAG_ERROR, "bad %s '%.128s'", tok, val);
	return -EINVAL;
}

static const char *const key_names[] = { "mode", "device", "cow", "minor" };

static void volume_line(struct parse *p, char *rest)
{
	struct dbd_manifest *m = p->m;
	struct dbd_volume v;
	unsigned int seen = 0, i;
	char *tok;
	int bit;

	memset(&v, 0, sizeof(v));
	v.line = p->line;
	while (*rest) {
		while (is_space(*rest))
			rest++;
		if (!*rest)
			break;
		tok = rest;
		while (*rest && !is_space(*rest))
			rest++;
		if (*rest)
			*rest++ = '\0';
		bit = volume_key(p, &v, tok);
		if (bit < 0)
			return;
		if (bit & seen) {
			say(p, DBD_DIAG_ERROR, "key '%s' given twice", tok);
			return;
		}
		seen |= (unsigned int)bit;
	}
	for (i = 0; i < 4; i++) {
		if (!(seen & (1u << i))) {
			say(p, DBD_DIAG_ERROR, "volume without %s", key_names[i]);
			return;
		}
	}
	for (i = 0; i < m->n; i++) {
		if (m->vol[i].minor == v.minor) {
			say(p, DBD_DIAG_ERROR, "minor %u is already used by line %u", v.minor,
			    m->vol[i].line);
			return;
		}
		if (!strcmp(m->vol[i].device, v.device)) {
			say(p, DBD_DIAG_ERROR, "device %.128s is already listed on line %u", v.device,
			    m->vol[i].line);
			return;
		}
	}
	if (m->n >= DBD_MANIFEST_MAX_VOLUMES) {
		say(p, DBD_DIAG_ERROR, "more than %d volumes: this one is not kept",
		    DBD_MANIFEST_MAX_VOLUMES);
		return;
	}
	m->vol[m->n] = v;
	/* dev_value points into the copy it was parsed in: repoint it. */
	m->vol[m->n].dev_value = m->vol[m->n].device + (v.dev_value - v.device);
	m->n++;
}

/* The header line. Returns 0, -EINVAL (not one) or -EPROTO (too new). */
static int header_line(struct parse *p, char *s)
{
	unsigned long long ver;
	size_t l = strlen(HEADER_WORD);

	if (strncmp(s, HEADER_WORD, l) || !is_space(s[l]))
		return -EINVAL;
	s += l;
	while (is_space(*s))
		s++;
	if (parse_uint(s, 1000000, &ver) || ver == 0)
		return -EINVAL;
	p->m->version = (unsigned int)ver;
	if (ver > DBD_MANIFEST_VERSION)
		return -EPROTO;
	return 0;
}

int dbd_manifest_parse(const char *buf, size_t len, struct dbd_manifest *m, dbd_diag_fn diag,
		       void *ctx)
{
	struct parse p = { .m = m, .diag = diag, .ctx = ctx };
	char line[DBD_MANIFEST_MAX_LINE + 1];
	size_t pos = 0;
	int have_header = 0, ret;

	/* Not vol[]: each kept volume is written whole, and the agent's
	 * manifest is in shared memory, where touching all of it costs a
	 * page fault a page (about 1 ms under TCG). */
	memset(m, 0, offsetof(struct dbd_manifest, vol));
	if (len > DBD_MANIFEST_MAX_SIZE) {
		say(&p, DBD_DIAG_ERROR, "larger than %d bytes: not read", DBD_MANIFEST_MAX_SIZE);
		return -EFBIG;
	}
	while (pos < len) {
		size_t end = pos, n;
		char *s, *e;
		int has_nul = 0;

		while (end < len && buf[end] != '\n') {
			if (!buf[end])
				has_nul = 1;
			end++;
		}
		n = end - pos;
		p.line++;
		if (!have_header && (has_nul || n > DBD_MANIFEST_MAX_LINE)) {
			/* Binary data or a runaway line before the header. */
			say(&p, DBD_DIAG_ERROR, "not a dbdboot manifest: %s before the '"
			    HEADER_WORD "' line", has_nul ? "a NUL byte" : "an overlong line");
			return -EINVAL;
		}
		if (n > DBD_MANIFEST_MAX_LINE) {
			say(&p, DBD_DIAG_ERROR, "longer than %d bytes", DBD_MANIFEST_MAX_LINE);
			pos = end + 1;
			continue;
		}
		memcpy(line, buf + pos, n);
		line[n] = '\0';
		pos = end + 1;
		s = line;
		while (is_space(*s))
			s++;
		e = s + strlen(s);
		while (e > s && is_space(e[-1]))
			*--e = '\0';
		if (!has_nul && (!*s || *s == '#'))
			continue;
		if (has_nul) {
			say(&p, DBD_DIAG_ERROR, "holds a NUL byte");
			continue;
		}
		if (!have_header) {
			ret = header_line(&p, s);
			if (ret == -EPROTO) {
				say(&p, DBD_DIAG_ERROR,
				    "manifest version %u is newer than this program reads (%d)",
				    m->version, DBD_MANIFEST_VERSION);
				m->n = 0;
				return ret;
			}
			if (ret) {
				say(&p, DBD_DIAG_ERROR, "not a dbdboot manifest: the first line must be '"
				    HEADER_WORD " %d'", DBD_MANIFEST_VERSION);
				return ret;
			}
			have_header = 1;
			continue;
		}
		if (!strncmp(s, "volume", 6) && (!s[6] || is_space(s[6]))) {
			volume_line(&p, s + 6);
			continue;
		}
		e = s;
		while (*e && !is_space(*e))
			e++;
		*e = '\0';
		say(&p, DBD_DIAG_WARNING, "unknown record '%.64s' ignored", s);
	}
	if (!have_header) {
		p.line = 0;
		say(&p, DBD_DIAG_ERROR, "empty: no '" HEADER_WORD "' line");
		return -EINVAL;
	}
	return 0;
}

const char *dbd_mode_str(enum dbd_mode mode)
{
	return mode == DBD_MODE_SNAPSHOT ? "snapshot" : "incremental";
}

const char *dbd_stage_str(enum dbd_stage stage)
{
	return stage == DBD_STAGE_ROOT ? "root" : "initramfs";
}
