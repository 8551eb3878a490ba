// SPDX-License-Identifier: GPL-2.0-or-later
/* The record of dattobd's early load: see preload.h. */
#include <errno.h>
#include <string.h>

#include "fmt.h"
#include "preload.h"

size_t dbd_preload_format(const struct dbd_preload *p, char *buf, size_t size)
{
	size_t len;
	int n;

	n = dbd_snprintf(buf, size, "dbdboot-preload %d\nstarted %ld %d\n", DBD_PRELOAD_VERSION,
			 p->started_ms, p->pid);
	if (n < 0 || (size_t)n >= size)
		return 0;
	len = (size_t)n;
	if (p->ended) {
		n = dbd_snprintf(buf + len, size - len, "ended %ld %d %d\n", p->ended_ms, p->error,
				 p->how);
		if (n < 0 || (size_t)n >= size - len)
			return 0;
		len += (size_t)n;
	}
	if (p->path[0]) {
		n = dbd_snprintf(buf + len, size - len, "path %s\n", p->path);
		if (n < 0 || (size_t)n >= size - len)
			return 0;
		len += (size_t)n;
	}
	if (p->dep[0]) {
		n = dbd_snprintf(buf + len, size - len, "dep %s\n", p->dep);
		if (n < 0 || (size_t)n >= size - len)
			return 0;
		len += (size_t)n;
	}
	return len;
}

/* A decimal number (a leading - when NEG_OK) at *S up to END, then a space
 * or the end of the line: 0 and *S past it, else -EBADMSG. */
static int number(const char **s, const char *end, int neg_ok, long *out)
{
	const char *c = *s;
	int neg = 0;
	long v = 0;

	if (c < end && *c == '-' && neg_ok) {
		neg = 1;
		c++;
	}
	if (c >= end || *c < '0' || *c > '9')
		return -EBADMSG;
	for (; c < end && *c >= '0' && *c <= '9'; c++) {
		if (v > (0x7fffffffL - 9) / 10)
			return -EBADMSG;
		v = v * 10 + (*c - '0');
	}
	if (c < end && *c != ' ')
		return -EBADMSG;
	*s = c < end ? c + 1 : c;
	*out = neg ? -v : v;
	return 0;
}

/* The rest of the line, S to END, into OUT of SIZE bytes: 0, or -EBADMSG
 * when empty, too long or holding a NUL. */
static int rest(const char *s, const char *end, char *out, size_t size)
{
	size_t n = (size_t)(end - s);

	if (!n || n >= size || memchr(s, '\0', n))
		return -EBADMSG;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

/* One line, S to END (no newline), into P; each kind once (SEEN's bits). */
static int line(const char *s, const char *end, struct dbd_preload *p, int *seen)
{
	long a, b, c;

	if (end - s > 8 && !memcmp(s, "started ", 8)) {
		s += 8;
		if (number(&s, end, 0, &a) || number(&s, end, 0, &b) || s != end || b < 1)
			return -EBADMSG;
		if (*seen & 1)
			return -EBADMSG;
		p->started_ms = a;
		p->pid = (int)b;
		*seen |= 1;
		return 0;
	}
	if (end - s > 6 && !memcmp(s, "ended ", 6)) {
		s += 6;
		if (number(&s, end, 0, &a) || number(&s, end, 1, &b) || number(&s, end, 0, &c) ||
		    s != end || b > 0 || b < -4095 || c > DBD_MODLOAD_MODPROBE || (*seen & 2))
			return -EBADMSG;
		*seen |= 2;
		p->ended = 1;
		p->ended_ms = a;
		p->error = (int)b;
		p->how = (int)c;
		return 0;
	}
	if (end - s > 5 && !memcmp(s, "path ", 5) && !(*seen & 4)) {
		*seen |= 4;
		return rest(s + 5, end, p->path, sizeof(p->path));
	}
	if (end - s > 4 && !memcmp(s, "dep ", 4) && !(*seen & 8)) {
		*seen |= 8;
		return rest(s + 4, end, p->dep, sizeof(p->dep));
	}
	return -EBADMSG;
}

int dbd_preload_parse(const char *text, size_t len, struct dbd_preload *p)
{
	static const char head[] = "dbdboot-preload 1\n";
	const char *s = text, *end = text + len, *nl;
	int seen = 0;

	memset(p, 0, sizeof(*p));
	if (len < sizeof(head) - 1 || memcmp(text, head, sizeof(head) - 1))
		return -EBADMSG;
	for (s += sizeof(head) - 1; s < end; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl || line(s, nl, p, &seen)) {
			memset(p, 0, sizeof(*p));
			return -EBADMSG;
		}
	}
	if (!(seen & 1) || (p->ended && p->ended_ms < p->started_ms)) {
		memset(p, 0, sizeof(*p));
		return -EBADMSG;
	}
	return 0;
}
