// SPDX-License-Identifier: GPL-2.0-or-later
/* One initramfs segment by the kernel's rules: see kernel-unpack.h. Written
 * from reading Linux 6.1's decoders; none of their code is here. Safe on
 * any bytes (fuzzed through the initrd fuzzer). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#define ZSTD_STATIC_LINKING_ONLY	/* ZSTD_getFrameHeader: the window size */
#include <zstd.h>

#include "kernel-unpack.h"
#include "le.h"
#include "say.h"

#define GZIP_FNAME 0x08
#define ZSTD_KERNEL_WINDOW_MAX (128ull << 20)

enum dbd_comp dbd_kernel_comp(const unsigned char *p, size_t n)
{
	static const struct {
		unsigned char magic[2];
		enum dbd_comp comp;
	} table[] = {
		{ { 0x1f, 0x8b }, DBD_COMP_GZIP }, { { 0x1f, 0x9e }, DBD_COMP_GZIP },
		{ { 0x42, 0x5a }, DBD_COMP_BZIP2 }, { { 0x5d, 0x00 }, DBD_COMP_LZMA },
		{ { 0xfd, 0x37 }, DBD_COMP_XZ }, { { 0x89, 0x4c }, DBD_COMP_LZO },
		{ { 0x02, 0x21 }, DBD_COMP_LZ4 }, { { 0x28, 0xb5 }, DBD_COMP_ZSTD },
	};

	if (n < 2)
		return DBD_COMP_NONE;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (p[0] == table[i].magic[0] && p[1] == table[i].magic[1])
			return table[i].comp;
	return DBD_COMP_NONE;
}

/* What the kernel's decoder refuses before it decodes: 0 or -EBADMSG. */
static int header_rules(enum dbd_comp c, const unsigned char *in, size_t len, char *why,
			size_t n)
{
	ZSTD_frameHeader zh;

	switch (c) {
	case DBD_COMP_GZIP:
		if (len < 10 || in[1] != 0x8b || in[2] != 8)
			return dbd_say(why, n, -EBADMSG, "gzip stream the kernel's gunzip does not take "
				   "(it wants 1f 8b 08 and at least 10 bytes)");
		if (in[3] & ~(GZIP_FNAME | 1))
			return dbd_say(why, n, -EBADMSG, "gzip header with flags 0x%02x: the kernel's "
				   "gunzip skips only a file name (an extra field, a comment or a "
				   "header CRC is read as data)", in[3]);
		return 0;
	case DBD_COMP_XZ:
		if (len >= 8 && in[6] == 0 && in[7] > 1)
			return dbd_say(why, n, -EBADMSG, "xz stream with check type %u: the kernel's xz "
				   "decoder takes only none and CRC32 (xz --check=crc32)", in[7]);
		return 0;
	case DBD_COMP_ZSTD:
		if (ZSTD_getFrameHeader(&zh, in, len) != 0)
			return dbd_say(why, n, -EBADMSG, "zstd frame header is truncated or corrupt");
		if (zh.windowSize > ZSTD_KERNEL_WINDOW_MAX)
			return dbd_say(why, n, -EBADMSG, "zstd frame with a %llu MiB window: the kernel's "
				   "decoder takes at most 128 MiB",
				   (unsigned long long)(zh.windowSize >> 20));
		return 0;
	default:
		return 0;
	}
}

int dbd_kernel_unpack(const unsigned char *in, size_t len, struct dbd_buf *out, size_t *used,
		      char *why, size_t whylen)
{
	enum dbd_comp c = dbd_kernel_comp(in, len);
	int ret;

	*used = 0;
	if (c == DBD_COMP_NONE)
		return dbd_say(why, whylen, -ENOTSUP, "invalid magic at the start of a compressed "
			   "archive (bytes %02x %02x): the kernel stops here", in[0],
			   len > 1 ? in[1] : 0);
	ret = header_rules(c, in, len, why, whylen);
	if (ret)
		return ret;
	if (c == DBD_COMP_LZ4) {
		ret = dbd_unpack_lz4(in, len, out, used, 1);
		if (ret == -EBADMSG && *used + 4 <= len)
			return dbd_say(why, whylen, ret, "lz4 stream: the kernel's decoder reads the 4 "
				   "bytes at +%zu of the segment (%08x) as a block size and "
				   "fails there (what follows lz4 must start with 4 zero bytes)", *used,
				   dbd_le32(in + *used));
	} else {
		ret = dbd_unpack(c, in, len, out, used);
	}
	if (ret)
		return dbd_say(why, whylen, ret, "%s stream %s", dbd_comp_str(c),
			   dbd_unpack_strerror(ret));
	return 0;
}

int dbd_kernel_unpack_prefix(const unsigned char *in, size_t len, size_t limit,
			     struct dbd_buf *out, size_t *used, char *why, size_t whylen)
{
	int ret;

	if (!limit || dbd_kernel_comp(in, len) != DBD_COMP_ZSTD)
		return dbd_kernel_unpack(in, len, out, used, why, whylen);
	*used = 0;
	ret = header_rules(DBD_COMP_ZSTD, in, len, why, whylen);
	if (ret)
		return ret;
	ret = dbd_unpack_zstd_prefix(in, len, out, limit, used);
	if (ret < 0)
		return dbd_say(why, whylen, ret, "zstd stream %s", dbd_unpack_strerror(ret));
	return ret;
}
