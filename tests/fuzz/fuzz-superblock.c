// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: superblock probing and the XFS log check on any bytes. */
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "superblock.h"

static unsigned char scratch[65536];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dbd_fs_info fs;
	static int fd = -1;

	if (dbd_fs_probe(data, size, &fs) || fs.type != DBD_FS_XFS || size < 128)
		return 0;
	/* The input is the device: the log check reads it with pread. */
	if (fd < 0)
		fd = memfd_create("fuzz-dev", 0);
	if (fd < 0 || ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	(void)dbd_fs_check_xfs_log(fd, data, &fs, scratch, sizeof(scratch));
	return 0;
}
