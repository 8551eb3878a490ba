// SPDX-License-Identifier: GPL-2.0-or-later
/* /etc/fstab entries (fstab.h). */
#include <string.h>

#include "fstab.h"

void dbd_fstab_open(struct dbd_fstab *f, char *text, unsigned long len)
{
	f->pos = text;
	f->end = text + len;
	f->line = 0;
	text[len] = '\0';
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Undo \NNN in the NUL-terminated S, in place. */
static void unescape(char *s)
{
	char *o = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7' && (s[1] != '0' || s[2] != '0' || s[3] != '0')) {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
}

/* The next blank-separated field of the line at *P (ending at END). */
static char *field(char **p, char *end)
{
	char *s = *p, *start;

	while (s < end && blank(*s))
		s++;
	if (s == end || *s == '#')
		return NULL;
	start = s;
	while (s < end && !blank(*s))
		s++;
	*p = s < end ? s + 1 : s;
	*s = '\0';
	unescape(start);
	return start;
}

int dbd_fstab_next(struct dbd_fstab *f, struct dbd_fstab_entry *e)
{
	while (f->pos < f->end) {
		char *line = f->pos, *nl = memchr(line, '\n', (size_t)(f->end - line));
		char *end = nl ? nl : f->end, *p = line;

		f->pos = nl ? nl + 1 : f->end;
		f->line++;
		/* a NUL inside the line ends it */
		if (memchr(line, '\0', (size_t)(end - line)))
			end = memchr(line, '\0', (size_t)(end - line));
		e->spec = field(&p, end);
		e->file = e->spec && p < end ? field(&p, end) : NULL;
		if (!e->file)
			continue;
		e->type = p < end ? field(&p, end) : NULL;
		e->opts = e->type && p < end ? field(&p, end) : NULL;
		e->type = e->type ? e->type : "";
		e->opts = e->opts ? e->opts : "";
		e->line = f->line;
		return 1;
	}
	return 0;
}

int dbd_fstab_has_opt(const char *opts, const char *name)
{
	size_t n = strlen(name);

	for (const char *s = opts; *s;) {
		const char *e = strchr(s, ',');
		size_t len = e ? (size_t)(e - s) : strlen(s);

		if (len >= n && !strncmp(s, name, n) && (len == n || s[n] == '='))
			return 1;
		if (!e)
			break;
		s = e + 1;
	}
	return 0;
}
