// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: the agent's kernel command line parser. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "agent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[8192];
	struct agent_cmdline c;

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	agent_cmdline_parse(text, &c, NULL, NULL);
	if (strlen(c.modparams) > AGENT_MODPARAMS_MAX || c.timeout < 0 || c.timeout > AGENT_TIMEOUT_MAX)
		__builtin_trap();
	return 0;
}
