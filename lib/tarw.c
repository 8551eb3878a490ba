// SPDX-License-Identifier: GPL-2.0-or-later
/* Tar and gzip in memory: see tarw.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "tarw.h"

static int grow(struct dbd_buf *b, size_t more)
{
	unsigned char *p;
	size_t cap = b->cap ? b->cap : 4096;

	if (b->len + more <= b->cap)
		return 0;
	while (cap < b->len + more)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		return -ENOMEM;
	memset(p + b->cap, 0, cap - b->cap);
	b->p = p;
	b->cap = cap;
	return 0;
}

/* NAME into the header's name (100) and prefix (155), split at a '/'. */
static int put_name(unsigned char *h, const char *name)
{
	size_t len = strlen(name);
	const char *cut;

	if (len <= 100) {
		memcpy(h, name, len);
		return 0;
	}
	if (len > DBD_TAR_MAX_NAME)
		return -ENAMETOOLONG;
	/* The last '/' that leaves at most 100 bytes after it and 155 before. */
	for (cut = name + len - 1; cut > name; cut--)
		if (*cut == '/' && cut[1] && (size_t)(name + len - cut - 1) <= 100 &&
		    (size_t)(cut - name) <= 155)
			break;
	if (cut == name)
		return -ENAMETOOLONG;
	memcpy(h + 345, name, (size_t)(cut - name));
	memcpy(h, cut + 1, len - (size_t)(cut - name) - 1);
	return 0;
}

void dbd_tar_add(struct dbd_tarw *t, const char *name, char type, unsigned int mode,
		 const void *data, size_t size)
{
	unsigned char *h;
	unsigned int sum = 0;
	size_t blocks = type == '0' ? (size + 511) / 512 : 0;

	if (t->err)
		return;
	if (grow(&t->out, 512 * (1 + blocks))) {
		t->err = -ENOMEM;
		return;
	}
	h = t->out.p + t->out.len;
	memset(h, 0, 512 * (1 + blocks));
	if (put_name(h, name)) {
		t->err = -ENAMETOOLONG;
		return;
	}
	snprintf((char *)h + 100, 8, "%07o", mode & 07777);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011zo", type == '0' ? size : 0);
	{
		char m[24];	/* 11 octal digits: dates to the year 6325 */

		snprintf(m, sizeof(m), "%011llo", t->mtime > 0 && t->mtime <= 077777777777LL ?
			 (unsigned long long)t->mtime : 0ull);
		memcpy(h + 136, m, 11);
	}
	h[156] = (unsigned char)type;
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	if (t->owner_names) {
		memcpy(h + 265, "root", 4);
		memcpy(h + 297, "root", 4);
	}
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	if (blocks)
		memcpy(h + 512, data, size);
	t->out.len += 512 * (1 + blocks);
}

int dbd_tar_end(struct dbd_tarw *t)
{
	if (!t->err && grow(&t->out, 1024))
		t->err = -ENOMEM;
	if (!t->err) {
		memset(t->out.p + t->out.len, 0, 1024);
		t->out.len += 1024;
	}
	return t->err;
}

int dbd_gzip(const unsigned char *in, size_t len, unsigned char **out, size_t *olen)
{
	z_stream s = { 0 };
	size_t cap = len + len / 100 + 1024;

	*out = malloc(cap);
	if (!*out || deflateInit2(&s, 9, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(*out);
		*out = NULL;
		return -ENOMEM;
	}
	s.next_in = (unsigned char *)in;
	s.avail_in = (uInt)len;
	s.next_out = *out;
	s.avail_out = (uInt)cap;
	if (deflate(&s, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&s);
		free(*out);
		*out = NULL;
		return -EIO;
	}
	*olen = s.total_out;
	deflateEnd(&s);
	return 0;
}
