// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: COW header decoding and judging, on any bytes. */
#include <stddef.h>
#include <stdint.h>

#include "cowhdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dbd_cow_header h;
	char uuid[2 * DBD_UUID_SIZE + 1];

	if (dbd_cow_decode(data, size, &h))
		return 0;
	(void)dbd_cow_verdict_str(dbd_cow_check(&h, DBD_COW_MODE_ANY));
	(void)dbd_cow_check(&h, DBD_COW_MODE_SNAPSHOT);
	(void)dbd_cow_check(&h, DBD_COW_MODE_INCREMENTAL);
	(void)dbd_state_str(h.flags);
	dbd_uuid_hex(h.uuid, uuid);
	return 0;
}
