// SPDX-License-Identifier: GPL-2.0-or-later
/* The bundle format: see bundlefmt.h. Safe on any bytes (fuzzed). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundlefmt.h"
#include "say.h"
#include "tarw.h"

/* An octal field of N bytes (leading spaces; NUL or space ended), bounded. */
static unsigned long long octal(const unsigned char *p, size_t n)
{
	unsigned long long v = 0;
	size_t i = 0;

	while (i < n && p[i] == ' ')
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '7'; i++)
		v = v << 3 | (unsigned int)(p[i] - '0');
	return v;
}

/* Find NAME in the tar at P (LEN bytes): 0, -ENOENT, or -EBADMSG. */
static int tar_find(const unsigned char *p, size_t len, const char *name,
		    const unsigned char **data, size_t *size)
{
	size_t pos = 0;

	while (len - pos >= 512) {
		const unsigned char *h = p + pos;
		unsigned int sum = 0;
		unsigned long long sz;

		if (!h[0])
			return -ENOENT;	/* the end-of-archive blocks */
		for (size_t i = 0; i < 512; i++)
			sum += i >= 148 && i < 156 ? ' ' : h[i];
		sz = octal(h + 124, 12);
		if (sum != octal(h + 148, 8) || sz > len - pos - 512)
			return -EBADMSG;
		if (!strncmp((const char *)h, name, 100) && h[156] == '0') {
			*data = h + 512;
			*size = (size_t)sz;
			return 0;
		}
		pos += 512 + ((size_t)sz + 511) / 512 * 512;
		if (pos > len)
			return -EBADMSG;
	}
	return pos == len ? -ENOENT : -EBADMSG;
}

/* "KEY VALUE" into DST (N bytes) when LINE starts with KEY and a space. */
static int field(const char *line, const char *key, char *dst, size_t n)
{
	size_t k = strlen(key);

	if (strncmp(line, key, k) || line[k] != ' ')
		return 0;
	snprintf(dst, n, "%s", line + k + 1);
	return 1;
}

static int parse_meta(const unsigned char *p, size_t size, struct dbd_bundle *b)
{
	const char *s = (const char *)p, *end = s + size;
	char line[512], num[32];

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n;

		if (!nl)
			nl = end;
		n = (size_t)(nl - s) < sizeof(line) - 1 ? (size_t)(nl - s) : sizeof(line) - 1;
		memcpy(line, s, n);
		line[n] = '\0';	/* every field read from this bounded copy */
		if (field(line, "dbdboot-bundle", num, sizeof(num)))
			b->format = atoi(num);
		else if (field(line, "size", num, sizeof(num)))
			b->size = strtoull(num, NULL, 10);
		else if (!field(line, "kernel", b->kernel, sizeof(b->kernel)) &&
			 !field(line, "dkms-version", b->version, sizeof(b->version)) &&
			 !field(line, "signer", b->signer, sizeof(b->signer)) &&
			 !field(line, "sig-key", b->sig_key, sizeof(b->sig_key)) &&
			 !field(line, "vermagic", b->vermagic, sizeof(b->vermagic)))
			field(line, "sha256", b->sha256, sizeof(b->sha256));
		s = nl + 1;
	}
	return b->format == 1 && b->kernel[0] && strlen(b->sha256) == 64 ? 0 : -EBADMSG;
}

int dbd_bundle_read(const unsigned char *raw, size_t len, struct dbd_bundle *b, char *why,
		    size_t whylen)
{
	const unsigned char *meta;
	size_t msize, used, limit = dbd_unpack_max_out;
	int ret;

	memset(b, 0, sizeof(*b));
	if (dbd_comp_detect(raw, len) != DBD_COMP_GZIP)
		return dbd_say(why, whylen, -EBADMSG, "not gzip'ed");
	/* What a bundle may hold, not what its stream claims. */
	dbd_unpack_max_out = limit < DBD_BUNDLE_MAX_UNPACKED ? limit : DBD_BUNDLE_MAX_UNPACKED;
	ret = dbd_unpack(DBD_COMP_GZIP, raw, len, &b->tar, &used);
	dbd_unpack_max_out = limit;
	if (ret == -EFBIG)
		return dbd_say(why, whylen, -EBADMSG, "it unpacks to more than %u MiB, more than a "
			   "bundle holds", DBD_BUNDLE_MAX_UNPACKED >> 20);
	if (ret)
		return dbd_say(why, whylen, -EBADMSG, "its gzip stream %s", dbd_unpack_strerror(ret));
	if (tar_find(b->tar.p, b->tar.len, DBD_BUNDLE_META, &meta, &msize) ||
	    tar_find(b->tar.p, b->tar.len, DBD_BUNDLE_KO, &b->ko, &b->ko_size))
		return dbd_say(why, whylen, -EBADMSG, "it lacks %s or %s", DBD_BUNDLE_META,
			   DBD_BUNDLE_KO);
	if (parse_meta(meta, msize, b))
		return dbd_say(why, whylen, -EBADMSG, "%s is not of format 1 with a kernel and a "
			   "sha256", DBD_BUNDLE_META);
	return 0;
}

int dbd_bundle_make(const char *meta, size_t mlen, const unsigned char *ko, size_t len,
		    unsigned char **out, size_t *olen)
{
	struct dbd_tarw t = { 0 };
	int ret;

	dbd_tar_add(&t, DBD_BUNDLE_META, '0', 0644, meta, mlen);
	dbd_tar_add(&t, DBD_BUNDLE_KO, '0', 0644, ko, len);
	ret = dbd_tar_end(&t);
	if (!ret)
		ret = dbd_gzip(t.out.p, t.out.len, out, olen);
	free(t.out.p);
	return ret;
}
