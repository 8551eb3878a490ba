// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: the mountinfo readers (the agent's mount state, sync's stage). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mountinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[65536];
	char point[64];
	int s;

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	s = dbd_mountinfo_state(text, 254, 16);
	if (s < 0 || s > 2)
		__builtin_trap();
	memcpy(text, data, size);
	text[size] = '\0';
	s = dbd_mountinfo_boot(text, 254, 16);
	if (s < -1 || s > 1)
		__builtin_trap();
	memcpy(text, data, size);
	text[size] = '\0';
	if (!dbd_mountinfo_mountpoint(text, 254, 16, point, sizeof(point)) &&
	    strlen(point) >= sizeof(point))
		__builtin_trap();
	return 0;
}
