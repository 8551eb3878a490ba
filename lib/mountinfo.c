// SPDX-License-Identifier: GPL-2.0-or-later
/* How a device is mounted, from the text of /proc/self/mountinfo (mountinfo.h). */
#include <stdio.h>
#include <string.h>

#include "mountinfo.h"

int dbd_mountinfo_state(char *text, unsigned int maj, unsigned int min)
{
	char want[32], *line, *next;
	int state = 0;

	snprintf(want, sizeof(want), "%u:%u", maj, min);
	/* id parent MAJ:MIN root mountpoint mount-options ... - fstype source super-options */
	for (line = text; line && *line; line = next) {
		char *f[6] = { 0 }, *sep, *super, *save = NULL;
		int i;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		sep = strstr(line, " - ");
		if (!sep)
			continue;
		*sep = '\0';
		f[0] = strtok_r(line, " ", &save);
		for (i = 1; i < 6 && f[i - 1]; i++)
			f[i] = strtok_r(NULL, " ", &save);
		if (!f[5] || strcmp(f[2], want))
			continue;
		/* super options: the last word after the separator */
		super = strrchr(sep + 3, ' ');
		super = super ? super + 1 : sep + 3;
		if (!strncmp(f[5], "rw", 2) && (f[5][2] == ',' || !f[5][2]) &&
		    !strncmp(super, "rw", 2) && (super[2] == ',' || !super[2]))
			return 2;
		state = 1;
	}
	return state;
}
