// SPDX-License-Identifier: GPL-2.0-or-later
/* Decompressors: see unpack.h. Safe on any bytes (fuzzed through the
 * initrd and kallsyms fuzzers). */
#include <bzlib.h>
#include <errno.h>
#include <lz4.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "le.h"
#include "unpack.h"

#define LZ4_LEGACY_MAGIC 0x184c2102u
#define LZ4_LEGACY_BLOCK (8u << 20)
#define LZOP_BLOCK (256u << 10)	/* the largest block lzop writes, and the kernel takes */

static const unsigned char lzop_magic[9] = { 0x89, 'L', 'Z', 'O', 0, '\r', '\n', 0x1a, '\n' };

size_t dbd_unpack_max_out = DBD_UNPACK_MAX_OUT;
uint64_t dbd_unpack_max_decoder_mem = 512ull << 20;

const char *dbd_comp_str(enum dbd_comp c)
{
	static const char *const s[] = { "none", "gzip", "xz", "lzma", "zstd", "lz4", "bzip2",
					 "lzo" };

	return c <= DBD_COMP_LZO ? s[c] : "unknown";
}

enum dbd_comp dbd_comp_detect(const unsigned char *p, size_t n)
{
	if (n >= 2 && p[0] == 0x1f && (p[1] == 0x8b || p[1] == 0x9e))
		return DBD_COMP_GZIP;
	if (n >= 6 && !memcmp(p, "\xfd" "7zXZ\0", 6))
		return DBD_COMP_XZ;
	if (n >= 4 && !memcmp(p, "\x28\xb5\x2f\xfd", 4))
		return DBD_COMP_ZSTD;
	if (n >= 4 && !memcmp(p, "\x02\x21\x4c\x18", 4))
		return DBD_COMP_LZ4;
	if (n >= 3 && !memcmp(p, "BZh", 3))
		return DBD_COMP_BZIP2;
	if (n >= 3 && p[0] == 0x5d && p[1] == 0 && p[2] == 0)
		return DBD_COMP_LZMA;
	if (n >= sizeof(lzop_magic) && !memcmp(p, lzop_magic, sizeof(lzop_magic)))
		return DBD_COMP_LZO;
	return DBD_COMP_NONE;
}

static int out_room(struct dbd_buf *o, size_t want)
{
	unsigned char *n;
	size_t cap;

	if (o->cap - o->len >= want)
		return 0;
	if (o->len > dbd_unpack_max_out || want > dbd_unpack_max_out - o->len)
		return -EFBIG;
	cap = o->cap ? o->cap : 64 * 1024;
	while (cap - o->len < want)
		cap *= 2;
	if (cap > dbd_unpack_max_out)
		cap = dbd_unpack_max_out;
	n = realloc(o->p, cap);
	if (!n)
		return -ENOMEM;
	o->p = n;
	o->cap = cap;
	return 0;
}

static int unpack_gzip(const unsigned char *in, size_t len, struct dbd_buf *o, size_t *used)
{
	z_stream s = { 0 };
	int zr, ret = 0;

	if (inflateInit2(&s, 16 + MAX_WBITS) != Z_OK)
		return -ENOMEM;
	s.next_in = (unsigned char *)in;
	s.avail_in = len > 0xffffffffu ? 0xffffffffu : (unsigned int)len;
	do {
		ret = out_room(o, 1 << 20);
		if (ret)
			break;
		s.next_out = o->p + o->len;
		s.avail_out = (unsigned int)(o->cap - o->len);
		zr = inflate(&s, Z_NO_FLUSH);
		o->len = o->cap - s.avail_out;
		if (zr != Z_OK && zr != Z_STREAM_END) {
			ret = -EBADMSG;
			break;
		}
		if (zr == Z_OK && s.avail_in == 0 && s.avail_out != 0) {
			ret = -EBADMSG;	/* input ended inside the stream */
			break;
		}
		if (zr == Z_STREAM_END)
			break;
	} while (1);
	*used = s.total_in;
	inflateEnd(&s);
	return ret;
}

static int unpack_lzma(const unsigned char *in, size_t len, struct dbd_buf *o, size_t *used,
		       int alone)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret lr;
	int ret = 0;

	lr = alone ? lzma_alone_decoder(&s, dbd_unpack_max_decoder_mem) :
		     lzma_stream_decoder(&s, dbd_unpack_max_decoder_mem, 0);
	if (lr != LZMA_OK)
		return -ENOMEM;
	s.next_in = in;
	s.avail_in = len;
	for (;;) {
		ret = out_room(o, 1 << 20);
		if (ret)
			break;
		s.next_out = o->p + o->len;
		s.avail_out = o->cap - o->len;
		lr = lzma_code(&s, LZMA_FINISH);
		o->len = o->cap - s.avail_out;
		if (lr == LZMA_STREAM_END)
			break;
		if (lr != LZMA_OK) {
			ret = lr == LZMA_MEM_ERROR || lr == LZMA_MEMLIMIT_ERROR ? -ENOMEM : -EBADMSG;
			break;
		}
	}
	*used = (size_t)s.total_in;
	lzma_end(&s);
	return ret;
}

/* One zstd frame; with LIMIT, only its first LIMIT unpacked bytes (1: cut). */
static int zstd_frame(const unsigned char *in, size_t len, struct dbd_buf *o, size_t *used,
		      size_t limit)
{
	size_t frame = ZSTD_findFrameCompressedSize(in, len), start = o->len, r;
	ZSTD_DStream *d;
	ZSTD_inBuffer ib;
	int ret = 0;

	if (ZSTD_isError(frame))
		return -EBADMSG;
	d = ZSTD_createDStream();
	if (!d)
		return -ENOMEM;
	ib = (ZSTD_inBuffer){ .src = in, .size = frame, .pos = 0 };
	for (;;) {
		ZSTD_outBuffer ob;

		ret = out_room(o, 1 << 20);
		if (ret)
			break;
		ob = (ZSTD_outBuffer){ .dst = o->p + o->len, .size = o->cap - o->len, .pos = 0 };
		if (limit && ob.size > start + limit - o->len)
			ob.size = start + limit - o->len;
		r = ZSTD_decompressStream(d, &ob, &ib);
		o->len += ob.pos;
		if (ZSTD_isError(r)) {
			ret = -EBADMSG;
			break;
		}
		if (r == 0)
			break;
		if (limit && o->len - start >= limit) {
			ret = 1;
			break;
		}
		if (ib.pos == ib.size && ob.pos < ob.size) {
			ret = -EBADMSG;
			break;
		}
	}
	ZSTD_freeDStream(d);
	*used = frame;
	return ret;
}

static int unpack_zstd(const unsigned char *in, size_t len, struct dbd_buf *o, size_t *used)
{
	return zstd_frame(in, len, o, used, 0);
}

int dbd_unpack_zstd_prefix(const unsigned char *in, size_t len, struct dbd_buf *out,
			   size_t limit, size_t *used)
{
	return zstd_frame(in, len, out, used, limit ? limit : 1);
}

int dbd_unpack_lz4(const unsigned char *in, size_t len, struct dbd_buf *o, size_t *used,
		   int as_initramfs)
{
	size_t pos = 4;
	int ret, n;

	*used = 0;
	if (len < 4 || dbd_le32(in) != LZ4_LEGACY_MAGIC)
		return -EBADMSG;
	for (;;) {
		uint32_t size;

		if (len - pos < 4)
			break;
		size = dbd_le32(in + pos);
		if (size == LZ4_LEGACY_MAGIC) {
			pos += 4;
			continue;
		}
		if (size == 0)
			break;	/* the end mark, left for what follows */
		if (size > (uint32_t)LZ4_compressBound(LZ4_LEGACY_BLOCK) || size > len - pos - 4) {
			if (!as_initramfs)
				break;	/* not a block: the stream ended */
			*used = pos;
			return -EBADMSG;
		}
		ret = out_room(o, LZ4_LEGACY_BLOCK);
		if (ret)
			return ret;
		/* The capacity given is what was reserved: never more than there is. */
		n = LZ4_decompress_safe((const char *)in + pos + 4, (char *)o->p + o->len, (int)size,
					(int)(o->cap - o->len < LZ4_LEGACY_BLOCK ?
					      o->cap - o->len : LZ4_LEGACY_BLOCK));
		if (n < 0) {
			*used = pos;
			return -EBADMSG;
		}
		o->len += (size_t)n;
		pos += 4 + size;
	}
	*used = pos;
	return 0;
}

/* lzop's header, as the kernel's unlzo skips it: its length, or 0. */
static size_t lzop_header(const unsigned char *in, size_t len)
{
	size_t pos = 9 + 7;
	unsigned int version;

	if (len < 9 + 7 + 4 + 8 + 1 + 4 || memcmp(in, lzop_magic, sizeof(lzop_magic)))
		return 0;
	version = (unsigned int)in[9] << 8 | in[10];
	if (version >= 0x0940)
		pos++;
	pos += dbd_be32(in + pos) & 0x800 ? 8 : 4;	/* flags, and a filter */
	if (len - pos < 8 + 1 + 4)
		return 0;
	pos += 8 + (version >= 0x0940 ? 4 : 0);		/* mode, mtime */
	if (len - pos < 1 + (size_t)in[pos] + 4)
		return 0;
	return pos + 1 + in[pos] + 4;			/* name, header checksum */
}

/* lzop's blocks as the kernel reads them: unpacked size (0 ends), packed
 * size, one checksum, data; a block whose sizes agree is stored as is. */
static int unpack_lzo(const unsigned char *in, size_t len, struct dbd_buf *o, size_t *used)
{
	size_t pos = lzop_header(in, len);
	int ret;

	if (!pos || lzo_init() != LZO_E_OK)
		return -EBADMSG;
	for (;;) {
		uint32_t dst, src;
		lzo_uint n;

		if (len - pos < 4)
			return -EBADMSG;
		dst = dbd_be32(in + pos);
		if (dst == 0) {
			*used = pos + 4;
			return 0;
		}
		if (dst > LZOP_BLOCK || len - pos < 12)
			return -EBADMSG;
		src = dbd_be32(in + pos + 4);
		if (src == 0 || src > dst || src > len - pos - 12)
			return -EBADMSG;
		ret = out_room(o, dst);
		if (ret)
			return ret;
		n = dst;
		if (src == dst)
			memcpy(o->p + o->len, in + pos + 12, dst);
		else if (lzo1x_decompress_safe(in + pos + 12, src, o->p + o->len, &n, NULL) !=
			 LZO_E_OK || n != dst)
			return -EBADMSG;
		o->len += dst;
		pos += 12 + src;
	}
}

static int unpack_bzip2(const unsigned char *in, size_t len, struct dbd_buf *o, size_t *used)
{
	bz_stream s = { 0 };
	int br, ret = 0;

	if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK)
		return -ENOMEM;
	s.next_in = (char *)in;
	s.avail_in = len > 0xffffffffu ? 0xffffffffu : (unsigned int)len;
	for (;;) {
		ret = out_room(o, 1 << 20);
		if (ret)
			break;
		s.next_out = (char *)o->p + o->len;
		s.avail_out = (unsigned int)(o->cap - o->len > 0xffffffffu ? 0xffffffffu :
					     o->cap - o->len);
		br = BZ2_bzDecompress(&s);
		o->len = (size_t)((char *)s.next_out - (char *)o->p);
		if (br == BZ_STREAM_END)
			break;
		if (br != BZ_OK || (s.avail_in == 0 && s.avail_out != 0)) {
			ret = br == BZ_MEM_ERROR ? -ENOMEM : -EBADMSG;
			break;
		}
	}
	*used = (size_t)((const unsigned char *)s.next_in - in);
	BZ2_bzDecompressEnd(&s);
	return ret;
}

int dbd_unpack(enum dbd_comp c, const unsigned char *in, size_t len, struct dbd_buf *out,
	       size_t *used)
{
	*used = 0;
	switch (c) {
	case DBD_COMP_GZIP:
		return unpack_gzip(in, len, out, used);
	case DBD_COMP_XZ:
	case DBD_COMP_LZMA:
		return unpack_lzma(in, len, out, used, c == DBD_COMP_LZMA);
	case DBD_COMP_ZSTD:
		return unpack_zstd(in, len, out, used);
	case DBD_COMP_LZ4:
		return dbd_unpack_lz4(in, len, out, used, 0);
	case DBD_COMP_BZIP2:
		return unpack_bzip2(in, len, out, used);
	case DBD_COMP_LZO:
		return unpack_lzo(in, len, out, used);
	default:
		return -ENOTSUP;
	}
}

const char *dbd_unpack_strerror(int ret)
{
	switch (ret) {
	case -EFBIG:
		return "unpacks to more than the limit";
	case -ENOMEM:
		return "needs more memory than there is";
	case -ENOTSUP:
		return "is in a compression this build does not read";
	default:
		return "is truncated or corrupt";
	}
}
