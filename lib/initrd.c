// SPDX-License-Identifier: GPL-2.0-or-later
/* Initrd reader: see initrd.h. Safe on any bytes (fuzzed). */
#include <errno.h>
#include <lz4.h>
#include <lzma.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "initrd.h"

#define CPIO_HDR 110
#define LZ4_LEGACY_MAGIC 0x184c2102u
#define LZ4_LEGACY_BLOCK (8u << 20)

size_t dbd_initrd_max_unpacked = DBD_INITRD_MAX_UNPACKED;
uint64_t dbd_initrd_max_decoder_mem = 512ull << 20;

struct walk {
	dbd_initrd_cb cb;
	void *ctx;
	char *err;
	size_t errlen;
	unsigned int segment;
	enum dbd_comp comp;
	size_t segment_offset;
};

__attribute__((format(printf, 3, 4)))
static int fail(struct walk *w, int ret, const char *fmt, ...)
{
	va_list ap;

	if (w->err && w->errlen) {
		va_start(ap, fmt);
		vsnprintf(w->err, w->errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

const char *dbd_comp_str(enum dbd_comp c)
{
	static const char *const s[] = { "none", "gzip", "xz", "lzma", "zstd", "lz4", "bzip2" };

	return c <= DBD_COMP_BZIP2 ? s[c] : "unknown";
}

static enum dbd_comp detect(const unsigned char *p, size_t n)
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
	return DBD_COMP_NONE;
}

static int hex8(const unsigned char *p, uint32_t *out)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 8; i++) {
		unsigned char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/*
 * One cpio archive at P (LEN bytes): entries up to TRAILER!!!. Sets *USED to
 * the bytes it took (padded). Returns 0, a callback's value, or <0.
 */
static int cpio_archive(struct walk *w, const unsigned char *p, size_t len, size_t *used)
{
	size_t pos = 0;

	for (;;) {
		uint32_t mode, filesize, namesize;
		struct dbd_initrd_entry e;
		const char *name;
		size_t name_end, data_end;
		int ret;

		if (len - pos < 6 || (memcmp(p + pos, "070701", 6) && memcmp(p + pos, "070702", 6)))
			return fail(w, -EBADMSG, "segment %u: no cpio newc magic at byte %zu",
				    w->segment, pos);
		if (len - pos < CPIO_HDR)
			return fail(w, -EBADMSG, "segment %u: truncated cpio header at byte %zu",
				    w->segment, pos);
		if (hex8(p + pos + 14, &mode) || hex8(p + pos + 54, &filesize) ||
		    hex8(p + pos + 94, &namesize) || namesize == 0)
			return fail(w, -EBADMSG, "segment %u: bad cpio header at byte %zu",
				    w->segment, pos);
		if (namesize > len - pos - CPIO_HDR)
			return fail(w, -EBADMSG, "segment %u: truncated name at byte %zu", w->segment,
				    pos);
		name = (const char *)p + pos + CPIO_HDR;
		if (name[namesize - 1] != '\0')
			return fail(w, -EBADMSG, "segment %u: unterminated name at byte %zu",
				    w->segment, pos);
		name_end = pad4(pos + CPIO_HDR + namesize);
		if (name_end > len || filesize > len - name_end)
			return fail(w, -EBADMSG, "segment %u: truncated data of '%.64s'", w->segment,
				    name);
		data_end = pad4(name_end + filesize);
		if (data_end > len)
			data_end = len;	/* the last padding may be cut off */
		if (!strcmp(name, "TRAILER!!!")) {
			*used = data_end;
			return 0;
		}
		while (name[0] == '.' && name[1] == '/')
			name += 2;
		e = (struct dbd_initrd_entry){ .name = name, .mode = mode, .data = p + name_end,
					       .size = filesize, .segment = w->segment,
					       .comp = w->comp, .segment_offset = w->segment_offset };
		if (w->cb && (ret = w->cb(w->ctx, &e)) != 0)
			return ret;
		pos = data_end;
	}
}

/* Every archive in an unpacked stream, with zero padding between them. */
static int cpio_stream(struct walk *w, const unsigned char *p, size_t len)
{
	size_t pos = 0, used;
	int ret;

	while (pos < len) {
		if (!p[pos]) {
			pos++;
			continue;
		}
		ret = cpio_archive(w, p + pos, len - pos, &used);
		if (ret)
			return ret;
		pos += used;
	}
	return 0;
}

struct outbuf {
	unsigned char *p;
	size_t len, cap;
};

static int out_room(struct outbuf *o, size_t want)
{
	unsigned char *n;
	size_t cap;

	if (o->cap - o->len >= want)
		return 0;
	if (o->len > dbd_initrd_max_unpacked || want > dbd_initrd_max_unpacked - o->len)
		return -EFBIG;
	cap = o->cap ? o->cap : 64 * 1024;
	while (cap - o->len < want)
		cap *= 2;
	if (cap > dbd_initrd_max_unpacked)
		cap = dbd_initrd_max_unpacked;
	n = realloc(o->p, cap);
	if (!n)
		return -ENOMEM;
	o->p = n;
	o->cap = cap;
	return 0;
}

static int unpack_gzip(const unsigned char *in, size_t len, struct outbuf *o, size_t *used)
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

static int unpack_lzma(const unsigned char *in, size_t len, struct outbuf *o, size_t *used,
		       int alone)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret lr;
	int ret = 0;

	lr = alone ? lzma_alone_decoder(&s, dbd_initrd_max_decoder_mem) :
		     lzma_stream_decoder(&s, dbd_initrd_max_decoder_mem, 0);
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

static int unpack_zstd(const unsigned char *in, size_t len, struct outbuf *o, size_t *used)
{
	size_t frame = ZSTD_findFrameCompressedSize(in, len), r;
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
		r = ZSTD_decompressStream(d, &ob, &ib);
		o->len += ob.pos;
		if (ZSTD_isError(r)) {
			ret = -EBADMSG;
			break;
		}
		if (r == 0)
			break;
		if (ib.pos == ib.size && ob.pos < ob.size) {
			ret = -EBADMSG;
			break;
		}
	}
	ZSTD_freeDStream(d);
	*used = frame;
	return ret;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The kernel's lz4 "legacy" format: magic, then blocks of LE32 size + data. */
static int unpack_lz4(const unsigned char *in, size_t len, struct outbuf *o, size_t *used)
{
	size_t pos = 4;
	int ret, n;

	for (;;) {
		uint32_t size;

		if (len - pos < 4)
			break;
		size = le32(in + pos);
		if (size == LZ4_LEGACY_MAGIC) {
			pos += 4;
			continue;
		}
		if (size == 0 || size > (uint32_t)LZ4_compressBound(LZ4_LEGACY_BLOCK))
			break;	/* not a block: the stream ended */
		if (size > len - pos - 4)
			return -EBADMSG;	/* a block cut short */
		ret = out_room(o, LZ4_LEGACY_BLOCK);
		if (ret)
			return ret;
		/* The capacity given is what was reserved: never more than there is. */
		n = LZ4_decompress_safe((const char *)in + pos + 4, (char *)o->p + o->len, (int)size,
					(int)(o->cap - o->len < LZ4_LEGACY_BLOCK ?
					      o->cap - o->len : LZ4_LEGACY_BLOCK));
		if (n < 0)
			return -EBADMSG;
		o->len += (size_t)n;
		pos += 4 + size;
	}
	*used = pos;
	return 0;
}

int dbd_initrd_walk(const unsigned char *buf, size_t len, dbd_initrd_cb cb, void *ctx,
		    char *err, size_t errlen)
{
	struct walk w = { .cb = cb, .ctx = ctx, .err = err, .errlen = errlen };
	size_t pos = 0, used;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	while (pos < len) {
		struct outbuf o = { 0 };

		if (!buf[pos]) {
			pos++;
			continue;
		}
		w.comp = detect(buf + pos, len - pos);
		w.segment_offset = pos;
		used = 0;
		switch (w.comp) {
		case DBD_COMP_NONE:
			ret = cpio_archive(&w, buf + pos, len - pos, &used);
			if (ret)
				return ret;
			pos += used;
			w.segment++;
			continue;
		case DBD_COMP_GZIP:
			ret = unpack_gzip(buf + pos, len - pos, &o, &used);
			break;
		case DBD_COMP_XZ:
		case DBD_COMP_LZMA:
			ret = unpack_lzma(buf + pos, len - pos, &o, &used, w.comp == DBD_COMP_LZMA);
			break;
		case DBD_COMP_ZSTD:
			ret = unpack_zstd(buf + pos, len - pos, &o, &used);
			break;
		case DBD_COMP_LZ4:
			ret = unpack_lz4(buf + pos, len - pos, &o, &used);
			break;
		default:
			return fail(&w, -ENOTSUP, "segment %u at byte %zu: %s is not supported",
				    w.segment, pos, dbd_comp_str(w.comp));
		}
		if (ret) {
			free(o.p);
			return fail(&w, ret, "segment %u at byte %zu: %s stream %s", w.segment, pos,
				    dbd_comp_str(w.comp),
				    ret == -EFBIG ? "unpacks to more than the limit" :
				    ret == -ENOMEM ? "needs more memory than there is" :
				    "is truncated or corrupt");
		}
		ret = cpio_stream(&w, o.p, o.len);
		free(o.p);
		if (ret)
			return ret;
		if (used == 0)
			return fail(&w, -EBADMSG, "segment %u: empty %s stream", w.segment,
				    dbd_comp_str(w.comp));
		pos += used;
		w.segment++;
	}
	return 0;
}
