// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: the agent's sysfs uevent reader (DEVNAME=). A name it
 * gives must be relative and never climb out with "..". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[512];
	const char *name;

	if (size >= sizeof(text))
		size = sizeof(text) - 1;
	memcpy(text, data, size);
	text[size] = '\0';
	name = agent_uevent_devname(text);
	if (name && (name[0] == '/' || !strncmp(name, "../", 3) || strstr(name, "/../") ||
		     !strcmp(name, "..") || (strlen(name) >= 3 && !strcmp(name + strlen(name) - 3, "/..")) ||
		     strchr(name, '\n')))
		abort();
	return 0;
}
