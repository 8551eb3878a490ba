// SPDX-License-Identifier: GPL-2.0-or-later
/* Parser of /proc/datto-info (see dattoinfo.h). Line by line, no allocation. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dattoinfo.h"
#include "uuid.h"

struct pstate {
	struct dbd_datto_info *out;
	dbd_dattoinfo_diag_fn diag;
	void *ctx;
	unsigned int line;
	int depth, in_list, seen_list, in_dev, dev_depth, overflow;
	int has_minor, has_bdev;
	struct dbd_datto_dev cur;
};

static void bad(struct pstate *s, const char *msg)
{
	s->out->bad_lines++;
	if (s->in_dev)
		s->cur.bad = 1;
	if (s->diag)
		s->diag(s->ctx, s->line, msg);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* A decimal (optionally negative) number filling [P, E): 0 or -EINVAL. */
static int number(const char *p, const char *e, long long *v)
{
	unsigned long long u = 0;
	int neg = 0;

	if (p < e && *p == '-') {
		neg = 1;
		p++;
	}
	if (p == e)
		return -EINVAL;
	for (; p < e; p++) {
		if (*p < '0' || *p > '9' || u > (~0ull >> 1) / 10)
			return -EINVAL;
		u = u * 10 + (unsigned)(*p - '0');
	}
	if (u > (unsigned long long)(~0ull >> 1))
		return -EINVAL;
	*v = neg ? -(long long)u : (long long)u;
	return 0;
}

static int copy_str(const char *p, const char *e, char *out, size_t size)
{
	if ((size_t)(e - p) >= size)
		return -ENAMETOOLONG;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
	return 0;
}

static void dev_string(struct pstate *s, const char *key, size_t klen, const char *v, const char *e)
{
	struct dbd_datto_dev *d = &s->cur;
	char hex[33];

	if (klen == 8 && !memcmp(key, "cow_file", 8)) {
		if (copy_str(v, e, d->cow, sizeof(d->cow)))
			bad(s, "cow_file too long");
	} else if (klen == 12 && !memcmp(key, "block_device", 12)) {
		if (copy_str(v, e, d->bdev, sizeof(d->bdev)))
			bad(s, "block_device too long");
		else
			s->has_bdev = 1;
	} else if (klen == 4 && !memcmp(key, "uuid", 4)) {
		if (copy_str(v, e, hex, sizeof(hex)) || dbd_uuid_parse(hex, d->uuid))
			bad(s, "uuid is not 32 hex digits");
		else
			d->has_uuid = 1;
	}
}

static void dev_number(struct pstate *s, const char *key, size_t klen, long long v)
{
	struct dbd_datto_dev *d = &s->cur;

	if (klen == 5 && !memcmp(key, "minor", 5)) {
		if (v < 0 || v >= DBD_DATTOINFO_MAX_DEVICES) {
			bad(s, "minor out of range");
			return;
		}
		d->minor = (unsigned int)v;
		s->has_minor = 1;
	} else if (klen == 9 && !memcmp(key, "max_cache", 9)) {
		d->max_cache = v > 0 ? (unsigned long long)v : 0;
	} else if (klen == 6 && !memcmp(key, "seq_id", 6)) {
		d->seqid = (unsigned long long)v;
		d->has_seqid = v >= 0;
	} else if (klen == 5 && !memcmp(key, "error", 5)) {
		if (v < -4095 || v > 0)
			bad(s, "error is not a negative errno");
		d->error = v < -4095 || v > 0 ? -EINVAL : (int)v;
		d->has_error = 1;
	} else if (klen == 5 && !memcmp(key, "state", 5)) {
		if (v < 0 || v > 7)
			bad(s, "state out of range");
		else
			d->state = (unsigned long)v, d->has_state = 1;
	}
}

static void dev_end(struct pstate *s)
{
	struct dbd_datto_info *o = s->out;

	s->in_dev = 0;
	if (!s->has_minor || !s->has_bdev) {
		bad(s, "a device without minor or block_device: dropped");
		return;
	}
	if (o->n >= DBD_DATTOINFO_MAX_DEVICES) {
		s->overflow = 1;
		return;
	}
	o->dev[o->n++] = s->cur;
}

/* "key": value — KEY..KE is the key; V..E the rest after the colon. */
static void key_value(struct pstate *s, const char *k, const char *ke, const char *v, const char *e)
{
	const char *q;
	long long num;

	while (v < e && is_blank(*v))
		v++;
	if (e > v && e[-1] == ',')
		e--;
	if (v < e && *v == '{') {	/* "auto_expand": { */
		s->depth++;
		return;
	}
	if (v < e && *v == '[') {
		if (s->depth == 1 && ke - k == 7 && !memcmp(k, "devices", 7))
			s->in_list = s->seen_list = 1;
		else
			bad(s, "unexpected list");
		return;
	}
	if (v < e && *v == '"') {
		for (q = e; q > v + 1 && q[-1] != '"'; q--)
			;
		if (q <= v + 1) {
			bad(s, "unterminated string");
			return;
		}
		if (s->in_dev && s->depth == s->dev_depth)
			dev_string(s, k, (size_t)(ke - k), v + 1, q - 1);
		else if (s->depth == 1 && ke - k == 7 && !memcmp(k, "version", 7) &&
			 copy_str(v + 1, q - 1, s->out->version, sizeof(s->out->version)))
			bad(s, "version too long");
		return;
	}
	if (number(v, e, &num)) {
		bad(s, "value is neither a string nor a number");
		return;
	}
	if (s->in_dev && s->depth == s->dev_depth)
		dev_number(s, k, (size_t)(ke - k), num);
}

static void one_line(struct pstate *s, const char *p, const char *e)
{
	const char *k, *ke;

	while (p < e && is_blank(*p))
		p++;
	while (e > p && is_blank(e[-1]))
		e--;
	if (p == e)
		return;
	if (*p == '{' && e - p == 1) {
		s->depth++;
		if (s->in_list && s->depth == 2 && !s->in_dev) {
			memset(&s->cur, 0, sizeof(s->cur));
			s->in_dev = 1;
			s->dev_depth = 2;
			s->has_minor = s->has_bdev = 0;
		}
		return;
	}
	if (*p == '}' && (e - p == 1 || (e - p == 2 && p[1] == ','))) {
		if (s->in_dev && s->depth == s->dev_depth)
			dev_end(s);
		if (s->depth > 0)
			s->depth--;
		return;
	}
	if (*p == ']' && (e - p == 1 || (e - p == 2 && p[1] == ','))) {
		s->in_list = 0;
		return;
	}
	if (*p != '"' || !(ke = memchr(p + 1, '"', (size_t)(e - p - 1))) || ke + 1 >= e ||
	    ke[1] != ':') {
		bad(s, "not a \"key\": value line");
		return;
	}
	k = p + 1;
	key_value(s, k, ke, ke + 2, e);
}

int dbd_dattoinfo_parse(const char *buf, size_t len, struct dbd_datto_info *out,
			dbd_dattoinfo_diag_fn diag, void *ctx)
{
	struct pstate s = { .out = out, .diag = diag, .ctx = ctx };
	const char *p = buf, *end = buf + len, *nl;

	memset(out, 0, sizeof(*out));
	if (len > DBD_DATTOINFO_MAX_SIZE)
		return -EFBIG;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		s.line++;
		one_line(&s, p, nl);
		p = nl + 1;
	}
	if (s.in_dev)
		dev_end(&s);
	if (!s.seen_list)
		return -EINVAL;
	return s.overflow ? -E2BIG : 0;
}

int dbd_dattoinfo_lists_minor(const char *buf, size_t len, unsigned int minor)
{
	static const char key[] = "\"minor\":";
	const char *p = buf, *end = buf + len;

	if (!memmem(buf, len, "\"devices\"", 9))
		return -EINVAL;
	while ((p = memmem(p, (size_t)(end - p), key, sizeof(key) - 1))) {
		unsigned long long v = 0;
		int digits = 0;

		p += sizeof(key) - 1;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		for (; p < end && *p >= '0' && *p <= '9'; p++)
			if (++digits <= 12)
				v = v * 10 + (unsigned int)(*p - '0');
		if (digits && digits <= 12 && v == minor)
			return 1;
	}
	return 0;
}
