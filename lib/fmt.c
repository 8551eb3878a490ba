// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbd_vsnprintf: the few printf conversions the project's shared and
 * early-boot code uses, so that the static agent links no libc printf (its
 * floating-point formatting alone is 5 KiB). No allocation, no locale.
 *
 * Conversions: %s %c %d %i %u %x %X %%; flags '-' and '0'; a width and a
 * precision, each a number or '*'; lengths hh h l ll z j t. What is not
 * one of these is copied as it is, and tests/unit/test-fmt.c holds every
 * supported form to glibc's output. Returns what vsnprintf returns: the
 * length the whole output would have; at most SIZE - 1 bytes are written,
 * then a NUL (nothing when SIZE is 0).
 */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "fmt.h"

struct out {
	char *buf;
	size_t size;
	size_t len;	/* what the whole output would take */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_n(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	int left;	/* '-' */
	int zero;	/* '0' */
	int width;
	int prec;	/* -1: none */
};

/* S, LEN bytes of it, padded to the width. */
static void put_str(struct out *o, const struct spec *sp, const char *s, size_t len)
{
	int pad = sp->width > (int)len ? sp->width - (int)len : 0;

	if (!sp->left)
		put_n(o, ' ', pad);
	for (size_t i = 0; i < len; i++)
		put(o, s[i]);
	if (sp->left)
		put_n(o, ' ', pad);
}

/* An integer: its digits in BASE, a sign, the precision's zeros, the width. */
static void put_int(struct out *o, const struct spec *sp, uintmax_t v, int neg, int base,
		    int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[sizeof(uintmax_t) * 3 + 2];
	int n = 0, zeros, pad;

	while (v) {
		tmp[n++] = digits[v % (unsigned int)base];
		v /= (unsigned int)base;
	}
	if (sp->prec < 0 && !n)
		tmp[n++] = '0';
	zeros = sp->prec > n ? sp->prec - n : 0;
	pad = sp->width - n - zeros - neg;
	if (sp->zero && !sp->left && sp->prec < 0) {
		zeros += pad > 0 ? pad : 0;
		pad = 0;
	}
	if (!sp->left)
		put_n(o, ' ', pad);
	if (neg)
		put(o, '-');
	put_n(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		put_n(o, ' ', pad);
}

/* A number or '*' at *F (moved past it); -1 when there is neither. */
static int number(const char **f, va_list *ap)
{
	int n = 0;

	if (**f == '*') {
		(*f)++;
		return va_arg(*ap, int);
	}
	if (**f < '0' || **f > '9')
		return -1;
	while (**f >= '0' && **f <= '9') {
		if (n < INT_MAX / 10)
			n = n * 10 + (*(*f)++ - '0');
		else
			(*f)++;
	}
	return n;
}

/* The length modifier at *F: how many 'l's, or 'z', 'j', 't', 'h'. */
static char length(const char **f)
{
	char c = **f;

	if (c == 'l' && (*f)[1] == 'l') {
		*f += 2;
		return 'L';
	}
	if (c == 'h' && (*f)[1] == 'h') {
		*f += 2;
		return 'H';
	}
	if (c == 'l' || c == 'z' || c == 'j' || c == 't' || c == 'h') {
		(*f)++;
		return c;
	}
	return 0;
}

static intmax_t signed_arg(char len, va_list *ap)
{
	switch (len) {
	case 'L': return va_arg(*ap, long long);
	case 'l': return va_arg(*ap, long);
	case 'z': return (intmax_t)va_arg(*ap, size_t);
	case 'j': return va_arg(*ap, intmax_t);
	case 't': return va_arg(*ap, ptrdiff_t);
	case 'h': return (short)va_arg(*ap, int);
	case 'H': return (signed char)va_arg(*ap, int);
	default: return va_arg(*ap, int);
	}
}

static uintmax_t unsigned_arg(char len, va_list *ap)
{
	switch (len) {
	case 'L': return va_arg(*ap, unsigned long long);
	case 'l': return va_arg(*ap, unsigned long);
	case 'z': return va_arg(*ap, size_t);
	case 'j': return va_arg(*ap, uintmax_t);
	case 't': return (uintmax_t)va_arg(*ap, ptrdiff_t);
	case 'h': return (unsigned short)va_arg(*ap, unsigned int);
	case 'H': return (unsigned char)va_arg(*ap, unsigned int);
	default: return va_arg(*ap, unsigned int);
	}
}

/* One conversion at F (past its '%'); returns where the format goes on. */
static const char *convert(struct out *o, const char *f, va_list *ap)
{
	const char *start = f - 1, *s;
	struct spec sp = { .prec = -1 };
	char len;

	for (;; f++) {
		if (*f == '-')
			sp.left = 1;
		else if (*f == '0')
			sp.zero = 1;
		else
			break;
	}
	sp.width = number(&f, ap);
	if (sp.width < 0 && f[-1] == '*') {	/* a negative '*' width: left-justified */
		sp.left = 1;
		sp.width = sp.width == INT_MIN ? INT_MAX : -sp.width;
	}
	if (*f == '.') {
		f++;
		sp.prec = number(&f, ap);
		if (sp.prec < 0 && f[-1] != '*')
			sp.prec = 0;	/* "%.s": precision 0 */
	}
	len = length(&f);
	switch (*f) {
	case 's':
		s = va_arg(*ap, const char *);
		if (!s)
			s = "(null)";
		put_str(o, &sp, s, sp.prec < 0 ? strlen(s) : strnlen(s, (size_t)sp.prec));
		break;
	case 'c': {
		char c = (char)va_arg(*ap, int);

		put_str(o, &sp, &c, 1);
		break;
	}
	case 'd':
	case 'i': {
		intmax_t v = signed_arg(len, ap);

		put_int(o, &sp, v < 0 ? -(uintmax_t)v : (uintmax_t)v, v < 0, 10, 0);
		break;
	}
	case 'u':
		put_int(o, &sp, unsigned_arg(len, ap), 0, 10, 0);
		break;
	case 'x':
	case 'X':
		put_int(o, &sp, unsigned_arg(len, ap), 0, 16, *f == 'X');
		break;
	case '%':
		put(o, '%');
		break;
	default:	/* not ours: as it is */
		for (s = start; s <= f && *s; s++)
			put(o, *s);
		if (!*f)
			return f;
	}
	return f + 1;
}

int dbd_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size };
	va_list cp;

	va_copy(cp, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = convert(&o, fmt + 1, &cp);
	}
	va_end(cp);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > INT_MAX ? INT_MAX : (int)o.len;
}

int dbd_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = dbd_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
