// SPDX-License-Identifier: GPL-2.0-or-later
/* How a device is mounted, from the text of /proc/self/mountinfo (mountinfo.h). */
#include <stdio.h>
#include <string.h>

#include "mountinfo.h"
#include "fmt.h"

/* The next line of *TEXT split into F[0..5] (its part before " - ", in
 * place) and *SEP the part after; 0 at the end. */
static int next_entry(char **text, char *f[6], char **rest)
{
	while (*text && **text) {
		char *line = *text, *next = strchr(line, '\n'), *sep, *save = NULL;
		int i;

		if (next)
			*next++ = '\0';
		*text = next;
		memset(f, 0, 6 * sizeof(f[0]));
		sep = strstr(line, " - ");
		if (!sep)
			continue;
		*sep = '\0';
		*rest = sep + 3;
		f[0] = strtok_r(line, " ", &save);
		for (i = 1; i < 6 && f[i - 1]; i++)
			f[i] = strtok_r(NULL, " ", &save);
		if (f[5])
			return 1;
	}
	return 0;
}

int dbd_mountinfo_state(char *text, unsigned int maj, unsigned int min)
{
	char want[32], *f[6] = { 0 }, *rest, *super;
	int state = 0;

	dbd_snprintf(want, sizeof(want), "%u:%u", maj, min);
	/* id parent MAJ:MIN root mountpoint mount-options ... - fstype source super-options */
	while (next_entry(&text, f, &rest)) {
		if (strcmp(f[2], want))
			continue;
		/* super options: the last word after the separator */
		super = strrchr(rest, ' ');
		super = super ? super + 1 : rest;
		if (!strncmp(f[5], "rw", 2) && (f[5][2] == ',' || !f[5][2]) &&
		    !strncmp(super, "rw", 2) && (super[2] == ',' || !super[2]))
			return 2;
		state = 1;
	}
	return state;
}

int dbd_mountinfo_boot(char *text, unsigned int maj, unsigned int min)
{
	char want[32], *f[6] = { 0 }, *rest;
	int mounted = 0;

	dbd_snprintf(want, sizeof(want), "%u:%u", maj, min);
	while (next_entry(&text, f, &rest)) {
		if (strcmp(f[2], want))
			continue;
		if (!strcmp(f[4], "/") || !strcmp(f[4], "/usr"))
			return 1;
		mounted = 1;
	}
	return mounted ? 0 : -1;
}

/* Undo the \NNN escapes of mountinfo's fields (space, tab, newline, backslash). */
static void unescape_into(const char *s, char *out, size_t size)
{
	size_t n = 0;

	while (*s && n + 1 < size) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			out[n++] = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			out[n++] = *s++;
		}
	}
	out[n] = '\0';
}

int dbd_mountinfo_mountpoint(char *text, unsigned int maj, unsigned int min, char *out,
			     size_t size)
{
	char want[32], *f[6] = { 0 }, *rest;

	dbd_snprintf(want, sizeof(want), "%u:%u", maj, min);
	while (next_entry(&text, f, &rest)) {
		if (strcmp(f[2], want) || strcmp(f[3], "/"))
			continue;
		unescape_into(f[4], out, size);
		return 0;
	}
	return -1;
}
