// SPDX-License-Identifier: GPL-2.0-or-later
/* Initrd reader: see initrd.h. Safe on any bytes (fuzzed). The rules of
 * the kernel's init/initramfs.c are quoted where the kernel would stop. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "initrd.h"
#include "kernel-unpack.h"

#define CPIO_HDR 110

struct walk {
	dbd_initrd_cb cb;
	dbd_initrd_seg_cb seg_cb;
	void *ctx;
	char *err;
	size_t errlen;
	unsigned int segment;
	enum dbd_comp comp;
	size_t segment_offset;
	size_t prefix;		/* of a zstd segment, unpack only this much (0: all) */
	int cut;		/* this segment's stream was cut there */
	int stopped;		/* by the callback */
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
 * the bytes it took (padded). A raw archive's last padding may be cut off
 * at the end of the file; in a compressed stream the kernel wants it all.
 * Returns 0, a callback's value, or <0.
 */
static int cpio_archive(struct walk *w, const unsigned char *p, size_t len, size_t *used,
			int in_stream)
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
		if (data_end > len) {
			if (in_stream)
				return fail(w, -EBADMSG, "segment %u: the %s stream ends inside the "
					    "padding of '%.64s' (the kernel: \"junk at the end of "
					    "compressed archive\")", w->segment, dbd_comp_str(w->comp),
					    name);
			data_end = len;
		}
		if (!strcmp(name, "TRAILER!!!")) {
			*used = data_end;
			return 0;
		}
		while (name[0] == '.' && name[1] == '/')
			name += 2;
		e = (struct dbd_initrd_entry){ .name = name, .mode = mode, .data = p + name_end,
					       .size = filesize, .segment = w->segment,
					       .comp = w->comp, .segment_offset = w->segment_offset };
		if (w->cb && (ret = w->cb(w->ctx, &e)) != 0) {
			w->stopped = 1;
			return ret;
		}
		pos = data_end;
	}
}

/*
 * Every archive in an unpacked stream, as the kernel reads it there: zero
 * padding between archives, each next one on a 4-byte boundary of the
 * stream, nothing else.
 */
static int cpio_stream(struct walk *w, const unsigned char *p, size_t len)
{
	size_t pos = 0, used;
	int ret;

	while (pos < len) {
		if (!p[pos]) {
			pos++;
			continue;
		}
		if (pos % 4)
			return fail(w, -EBADMSG, "segment %u: an archive at byte %zu of the %s stream "
				    "is not on a 4-byte boundary (the kernel: \"broken padding\")",
				    w->segment, pos, dbd_comp_str(w->comp));
		if (p[pos] != '0')
			return fail(w, -EBADMSG, "segment %u: bytes that are not cpio at byte %zu of "
				    "the %s stream (the kernel: \"junk within compressed archive\")",
				    w->segment, pos, dbd_comp_str(w->comp));
		ret = cpio_archive(w, p + pos, len - pos, &used, 1);
		if (ret)
			return ret;
		pos += used;
	}
	return 0;
}

static int segment_done(struct walk *w, size_t end)
{
	struct dbd_initrd_segment s = { .index = w->segment, .comp = w->comp,
					.start = w->segment_offset, .end = end, .cut = w->cut };

	w->segment++;
	return w->seg_cb ? w->seg_cb(w->ctx, &s) : 0;
}

/* One compressed segment at POS; *USED gets what the kernel's decoder takes.
 * Cut at the walk's prefix, what the cut leaves of the last entry is not
 * an error: the entries before it have been given. */
static int compressed(struct walk *w, const unsigned char *buf, size_t len, size_t pos,
		      size_t *used)
{
	struct dbd_buf o = { 0 };
	char why[200];
	int ret;

	ret = dbd_kernel_unpack_prefix(buf + pos, len - pos, w->prefix, &o, used, why,
				       sizeof(why));
	if (ret < 0) {
		free(o.p);
		return fail(w, ret == -ENOTSUP ? -EBADMSG : ret, "segment %u at byte %zu: %s",
			    w->segment, pos, why);
	}
	w->cut = ret;
	w->comp = dbd_kernel_comp(buf + pos, len - pos);
	if (!o.len) {
		free(o.p);
		return fail(w, -EBADMSG, "segment %u: empty %s stream", w->segment,
			    dbd_comp_str(w->comp));
	}
	ret = cpio_stream(w, o.p, o.len);
	free(o.p);
	if (ret < 0 && w->cut && !w->stopped) {
		if (w->err && w->errlen)
			w->err[0] = '\0';
		ret = 0;
	}
	return ret;
}

int dbd_initrd_walk_prefix(const unsigned char *buf, size_t len, size_t prefix,
			   dbd_initrd_cb cb, dbd_initrd_seg_cb seg_cb, void *ctx, char *err,
			   size_t errlen)
{
	struct walk w = { .cb = cb, .seg_cb = seg_cb, .ctx = ctx, .err = err, .errlen = errlen,
			  .prefix = prefix };
	size_t pos = 0, used;
	int ret, after_raw = 0;

	if (err && errlen)
		err[0] = '\0';
	while (pos < len) {
		if (!buf[pos]) {
			pos++;
			continue;
		}
		if (after_raw && pos % 4)
			return fail(&w, -EBADMSG, "segment %u at byte %zu: not on a 4-byte boundary "
				    "after a raw archive (the kernel: \"broken padding\")",
				    w.segment, pos);
		w.segment_offset = pos;
		w.cut = 0;
		used = 0;
		if (buf[pos] == '0' && pos % 4 == 0) {
			w.comp = DBD_COMP_NONE;
			ret = cpio_archive(&w, buf + pos, len - pos, &used, 0);
			after_raw = 1;
		} else {
			ret = compressed(&w, buf, len, pos, &used);
			after_raw = 0;
		}
		if (!ret)
			ret = segment_done(&w, pos + used);
		if (ret)
			return ret;
		pos += used;
	}
	return 0;
}

int dbd_initrd_walk_segments(const unsigned char *buf, size_t len, dbd_initrd_cb cb,
			     dbd_initrd_seg_cb seg_cb, void *ctx, char *err, size_t errlen)
{
	return dbd_initrd_walk_prefix(buf, len, 0, cb, seg_cb, ctx, err, errlen);
}

int dbd_initrd_walk(const unsigned char *buf, size_t len, dbd_initrd_cb cb, void *ctx,
		    char *err, size_t errlen)
{
	return dbd_initrd_walk_segments(buf, len, cb, NULL, ctx, err, errlen);
}
