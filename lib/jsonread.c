// SPDX-License-Identifier: GPL-2.0-or-later
/* A small JSON reader: tokens over the caller's buffer (see jsonread.h). */
#include <errno.h>
#include <string.h>

#include "jsonread.h"

struct jp {
	const char *b;
	size_t len, pos;
	struct dbd_jtok *tok;
	unsigned int max, n;
	int err;
};

static void ws(struct jp *p)
{
	while (p->pos < p->len && (p->b[p->pos] == ' ' || p->b[p->pos] == '\t' ||
				   p->b[p->pos] == '\n' || p->b[p->pos] == '\r'))
		p->pos++;
}

static int peek(const struct jp *p)
{
	return p->pos < p->len ? (unsigned char)p->b[p->pos] : -1;
}

static int new_tok(struct jp *p, enum dbd_jtype t)
{
	if (p->n >= p->max) {
		p->err = -E2BIG;
		return -1;
	}
	memset(&p->tok[p->n], 0, sizeof(p->tok[0]));
	p->tok[p->n].type = t;
	p->tok[p->n].start = (uint32_t)p->pos;
	return (int)p->n++;
}

static int fail(struct jp *p)
{
	if (!p->err)
		p->err = -EBADMSG;
	return -1;
}

static int is_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int string(struct jp *p)
{
	int t, c;

	p->pos++;	/* the quote */
	t = new_tok(p, DBD_J_STRING);
	if (t < 0)
		return -1;
	while ((c = peek(p)) != '"') {
		if (c < 0x20)	/* the end, or a control character */
			return fail(p);
		p->pos++;
		if (c != '\\')
			continue;
		c = peek(p);
		if (c == 'u') {
			for (int i = 1; i <= 4; i++)
				if (p->pos + i >= p->len || !is_hex((unsigned char)p->b[p->pos + i]))
					return fail(p);
			p->pos += 5;
		} else if (c >= 0 && strchr("\"\\/bfnrt", c) && c) {
			p->pos++;
		} else {
			return fail(p);
		}
	}
	p->tok[t].end = (uint32_t)p->pos++;
	p->tok[t].next = p->n;
	return t;
}

static int digits(struct jp *p)
{
	size_t s = p->pos;

	while (peek(p) >= '0' && peek(p) <= '9')
		p->pos++;
	return p->pos > s;
}

static int number(struct jp *p)
{
	int t = new_tok(p, DBD_J_NUMBER);

	if (t < 0)
		return -1;
	if (peek(p) == '-')
		p->pos++;
	if (peek(p) == '0')
		p->pos++;
	else if (!digits(p))
		return fail(p);
	if (peek(p) == '.') {
		p->pos++;
		if (!digits(p))
			return fail(p);
	}
	if (peek(p) == 'e' || peek(p) == 'E') {
		p->pos++;
		if (peek(p) == '+' || peek(p) == '-')
			p->pos++;
		if (!digits(p))
			return fail(p);
	}
	p->tok[t].end = (uint32_t)p->pos;
	p->tok[t].next = p->n;
	return t;
}

static int literal(struct jp *p, const char *word, enum dbd_jtype type)
{
	size_t n = strlen(word);
	int t;

	if (p->len - p->pos < n || memcmp(p->b + p->pos, word, n))
		return fail(p);
	t = new_tok(p, type);
	if (t < 0)
		return -1;
	p->pos += n;
	p->tok[t].end = (uint32_t)p->pos;
	p->tok[t].next = p->n;
	return t;
}

static int value(struct jp *p, int depth);

/* An object or an array: CLOSE is its last character. */
static int container(struct jp *p, int depth, enum dbd_jtype type, int close)
{
	int t;

	if (depth >= DBD_JSON_MAX_DEPTH)
		return fail(p);
	t = new_tok(p, type);
	if (t < 0)
		return -1;
	p->pos++;
	ws(p);
	if (peek(p) == close) {
		p->pos++;
		goto done;
	}
	for (;;) {
		if (type == DBD_J_OBJECT) {
			if (peek(p) != '"' || string(p) < 0)
				return fail(p);
			ws(p);
			if (peek(p) != ':')
				return fail(p);
			p->pos++;
		}
		if (value(p, depth + 1) < 0)
			return -1;
		p->tok[t].size++;
		ws(p);
		if (peek(p) == close) {
			p->pos++;
			break;
		}
		if (peek(p) != ',')
			return fail(p);
		p->pos++;
		ws(p);
	}
done:
	p->tok[t].end = (uint32_t)p->pos;
	p->tok[t].next = p->n;
	return t;
}

static int value(struct jp *p, int depth)
{
	int c;

	ws(p);
	c = peek(p);
	if (c == '{')
		return container(p, depth, DBD_J_OBJECT, '}');
	if (c == '[')
		return container(p, depth, DBD_J_ARRAY, ']');
	if (c == '"')
		return string(p);
	if (c == '-' || (c >= '0' && c <= '9'))
		return number(p);
	if (c == 't')
		return literal(p, "true", DBD_J_TRUE);
	if (c == 'f')
		return literal(p, "false", DBD_J_FALSE);
	if (c == 'n')
		return literal(p, "null", DBD_J_NULL);
	return fail(p);
}

int dbd_json_parse(const char *buf, size_t len, struct dbd_jtok *tok, unsigned int max,
		   struct dbd_json *j)
{
	struct jp p = { .b = buf, .len = len, .tok = tok, .max = max };

	j->buf = buf;
	j->tok = tok;
	j->n = 0;
	if (len >= 0xffffffffu)
		return -EFBIG;
	if (value(&p, 0) < 0)
		return p.err ? p.err : -EBADMSG;
	ws(&p);
	if (p.pos != len)
		return -EBADMSG;
	j->n = p.n;
	return 0;
}

static int valid(const struct dbd_json *j, int t, enum dbd_jtype type)
{
	return t >= 0 && (unsigned int)t < j->n && j->tok[t].type == type;
}

int dbd_json_at(const struct dbd_json *j, int arr, unsigned int i)
{
	unsigned int t;

	if (!valid(j, arr, DBD_J_ARRAY) || i >= j->tok[arr].size)
		return -1;
	for (t = (unsigned int)arr + 1; i; i--)
		t = j->tok[t].next;
	return (int)t;
}

int dbd_json_get(const struct dbd_json *j, int obj, const char *key)
{
	size_t kl = strlen(key);
	unsigned int t, i;

	if (!valid(j, obj, DBD_J_OBJECT))
		return -1;
	for (i = 0, t = (unsigned int)obj + 1; i < j->tok[obj].size; i++) {
		const struct dbd_jtok *k = &j->tok[t];

		/* Keys with escapes never match: ours have none. */
		if (k->end - k->start == kl && !memcmp(j->buf + k->start, key, kl))
			return (int)t + 1;
		t = j->tok[t + 1].next;
	}
	return -1;
}

static unsigned int hex4(const char *s)
{
	unsigned int v = 0;

	for (int i = 0; i < 4; i++) {
		int c = (unsigned char)s[i];

		v = v << 4 | (unsigned int)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

/* Code point CP as UTF-8 into OUT: its length. */
static size_t utf8(unsigned int cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* The escape at S (past the backslash, within E): its code point; *ADV gets its length. */
static unsigned int unescape(const char *s, const char *e, size_t *adv)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	unsigned int cp, lo;

	if (*s != 'u') {
		*adv = 1;
		return (unsigned char)to[strchr(from, *s) - from];
	}
	cp = hex4(s + 1);
	*adv = 5;
	if (cp >= 0xd800 && cp < 0xdc00 && e - s >= 11 && s[5] == '\\' && s[6] == 'u') {
		lo = hex4(s + 7);
		if (lo >= 0xdc00 && lo < 0xe000) {
			*adv = 11;
			return 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		}
	}
	return cp >= 0xd800 && cp < 0xe000 ? 0xfffd : cp;	/* a lone surrogate */
}

int dbd_json_str(const struct dbd_json *j, int t, char *out, size_t size)
{
	const char *s, *e;
	size_t o = 0, adv, n;
	char u[4];

	if (!valid(j, t, DBD_J_STRING) || !size)
		return -EINVAL;
	s = j->buf + j->tok[t].start;
	e = j->buf + j->tok[t].end;
	while (s < e) {
		if (*s != '\\') {
			u[0] = *s++;
			n = 1;
		} else {
			unsigned int cp = unescape(s + 1, e, &adv);

			if (!cp)
				return -EINVAL;
			n = utf8(cp, u);
			s += 1 + adv;
		}
		if (o + n >= size)
			return -ENAMETOOLONG;
		memcpy(out + o, u, n);
		o += n;
	}
	out[o] = '\0';
	return 0;
}

int dbd_json_int(const struct dbd_json *j, int t, long long *v)
{
	const char *s, *e;
	unsigned long long u = 0;
	int neg;

	if (!valid(j, t, DBD_J_NUMBER))
		return -EINVAL;
	s = j->buf + j->tok[t].start;
	e = j->buf + j->tok[t].end;
	neg = *s == '-';
	for (s += neg; s < e; s++) {
		if (*s < '0' || *s > '9' || u > ((1ull << 63) - 1) / 10)
			return -EINVAL;	/* a fraction, an exponent, or too big */
		u = u * 10 + (unsigned)(*s - '0');
	}
	if (u > (1ull << 63) - 1)
		return -EINVAL;
	*v = neg ? -(long long)u : (long long)u;
	return 0;
}

int dbd_json_bool(const struct dbd_json *j, int t)
{
	if (valid(j, t, DBD_J_TRUE))
		return 1;
	return valid(j, t, DBD_J_FALSE) ? 0 : -EINVAL;
}

int dbd_json_get_str(const struct dbd_json *j, int obj, const char *key, char *out, size_t size)
{
	int t = dbd_json_get(j, obj, key);

	return t < 0 ? -ENOENT : dbd_json_str(j, t, out, size);
}

int dbd_json_get_int(const struct dbd_json *j, int obj, const char *key, long long *v)
{
	int t = dbd_json_get(j, obj, key);

	return t < 0 ? -ENOENT : dbd_json_int(j, t, v);
}
