// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kallsyms finder: see kallsyms.h. Safe on any bytes (fuzzed).
 *
 * The tables scripts/kallsyms.c emits, in the order of 6.1 (older and newer
 * kernels move the address table after the token index; both are tried):
 *   kallsyms_offsets       s32[num_syms] (or u64 kallsyms_addresses[])
 *   kallsyms_relative_base u64
 *   kallsyms_num_syms      u32
 *   kallsyms_names         num_syms entries: length (1 byte, or 2 as
 *                          ULEB128 when >= 128), then that many token bytes
 *   kallsyms_markers       u32[(num_syms + 255) / 256]: where every 256th
 *                          entry of names starts
 *   (kallsyms_seqs_of_names, newer kernels and 6.1 stable)
 *   kallsyms_token_table   256 NUL-terminated strings
 *   kallsyms_token_index   u16[256]: where each string starts
 * Each label is 8-byte aligned on 64-bit. The search: find a token index
 * whose strings are where it says; then a num_syms whose names decode into
 * plausible symbols and whose markers agree; then an address table that is
 * sorted and puts _text where the ELF headers say the text starts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kallsyms.h"
#include "le.h"
#include "say.h"

#define MAX_SYMS (1u << 24)
#define MAX_TOKEN 256

int dbd_bzimage_payload(const unsigned char *img, size_t len, const unsigned char **payload,
			size_t *plen, enum dbd_comp *comp, char *err, size_t errlen)
{
	size_t setup, off, n;
	unsigned int sects;

	if (len < 0x250 || memcmp(img + 0x202, "HdrS", 4))
		return dbd_say(err, errlen, -ENOEXEC, "not a bzImage (no 'HdrS' boot header)");
	if (dbd_le16(img + 0x206) < 0x208)
		return dbd_say(err, errlen, -ENOEXEC,
			    "boot protocol %u.%02u is older than 2.08: no payload offset",
			    img[0x207], img[0x206]);
	sects = img[0x1f1] ? img[0x1f1] : 4;
	setup = ((size_t)sects + 1) * 512;
	off = dbd_le32(img + 0x248);
	n = dbd_le32(img + 0x24c);
	if (setup > len || off > len - setup || n > len - setup - off || n < 8)
		return dbd_say(err, errlen, -EBADMSG,
			    "the payload (%zu bytes at %zu) is not inside the file (%zu bytes): "
			    "truncated?", n, setup + off, len);
	*payload = img + setup + off;
	*plen = n;
	*comp = dbd_comp_detect(*payload, n);
	if (*comp == DBD_COMP_NONE)
		return dbd_say(err, errlen, -ENOEXEC, "the payload is in no compression this reads");
	return 0;
}

/* The token strings of a token index at P, if they are where it says. */
static int tokens_at(const unsigned char *b, size_t len, size_t p, size_t *table)
{
	size_t pad;

	if (dbd_le16(b + p))
		return 0;
	for (unsigned int i = 1; i < 256; i++) {
		unsigned int a = dbd_le16(b + p + 2 * (i - 1)), c = dbd_le16(b + p + 2 * i);

		if (c <= a || c - a > MAX_TOKEN)
			return 0;
	}
	/* The table ends before P, up to 7 bytes of alignment earlier. */
	for (pad = 0; pad < 8 && pad + 2 <= p; pad++) {
		size_t end = p - pad, k, t;
		unsigned int i;

		if (b[end - 1])
			continue;
		for (k = end - 1; k > 0 && b[k - 1]; k--)
			;
		if (k < dbd_le16(b + p + 510))
			continue;
		t = k - dbd_le16(b + p + 510);
		for (i = 0; i < 256; i++) {
			size_t s = t + dbd_le16(b + p + 2 * i);
			size_t e = i < 255 ? t + dbd_le16(b + p + 2 * (i + 1)) - 1 : end - 1;

			if (b[e] || memchr(b + s, 0, e - s))
				break;
		}
		if (i == 256) {
			*table = t;
			return 1;
		}
	}
	(void)len;
	return 0;
}

/* Expand entry at *POS of names into OUT; advance *POS. 0, or -1 when the
 * entry is not a plausible symbol. */
static int expand(const struct dbd_kallsyms *ks, size_t *pos, char *out, size_t outlen)
{
	const unsigned char *b = ks->buf;
	size_t p = *pos, n, o = 0, i;

	if (p >= ks->len)
		return -1;
	n = b[p++];
	if (n & 0x80) {
		if (p >= ks->len)
			return -1;
		n = (n & 0x7f) | (size_t)b[p++] << 7;
	}
	if (n == 0 || n > ks->len - p)
		return -1;
	for (i = 0; i < n; i++) {
		const unsigned char *t = b + ks->token_table + dbd_le16(b + ks->token_index + 2 * b[p + i]);

		while (*t) {
			if (o + 1 >= outlen)
				return -1;
			out[o++] = (char)*t++;
		}
	}
	out[o] = '\0';
	*pos = p + n;
	/* A type letter, then a name of printable characters. */
	if (o < 2 || !((out[0] >= 'a' && out[0] <= 'z') || (out[0] >= 'A' && out[0] <= 'Z')))
		return -1;
	for (i = 1; i < o; i++)
		if (out[i] <= ' ' || out[i] > '~')
			return -1;
	return 0;
}

/* Do N names at S decode, with markers right after them? */
static int names_at(struct dbd_kallsyms *ks, size_t s, uint32_t n)
{
	char name[DBD_KSYM_MAX_NAME];
	size_t pos = s, m;
	uint32_t nmark = (n + 255) / 256, i;
	uint32_t *marks;

	for (i = 0; i < n && i < 8; i++)
		if (expand(ks, &pos, name, sizeof(name)))
			return 0;
	marks = malloc(nmark * sizeof(*marks));
	if (!marks)
		return 0;
	pos = s;
	for (i = 0; i < n; i++) {
		if (i % 256 == 0)
			marks[i / 256] = (uint32_t)(pos - s);
		if (expand(ks, &pos, name, sizeof(name)))
			goto no;
	}
	for (m = (pos + 3) & ~(size_t)3; m <= ((pos + 7) & ~(size_t)7); m += 4) {
		if (m > ks->len || (ks->len - m) / 4 < nmark)
			break;
		for (i = 0; i < nmark; i++)
			if (dbd_le32(ks->buf + m + 4 * i) != marks[i])
				break;
		if (i == nmark) {
			ks->names = s;
			ks->markers = m;
			ks->num_syms = n;
			free(marks);
			return 1;
		}
	}
no:
	free(marks);
	return 0;
}

static uint64_t addr_of(const struct dbd_kallsyms *ks, uint32_t i)
{
	int32_t off;

	if (!ks->relative)
		return dbd_le64(ks->buf + ks->addrs + 8 * (size_t)i);
	off = (int32_t)dbd_le32(ks->buf + ks->addrs + 4 * (size_t)i);
	if (!ks->absolute_percpu)
		return ks->relative_base + (uint32_t)off;
	return off >= 0 ? (uint64_t)off : ks->relative_base - 1 - (uint64_t)(int64_t)off;
}

/* Sorted, and _text (when the ELF gave it) where it should be? */
static int addrs_ok(struct dbd_kallsyms *ks)
{
	char name[DBD_KSYM_MAX_NAME];
	size_t pos = ks->names;
	uint64_t prev = 0, a;
	int text_seen = 0;

	for (uint32_t i = 0; i < ks->num_syms; i++) {
		a = addr_of(ks, i);
		if (a < prev)
			return 0;
		prev = a;
		if (expand(ks, &pos, name, sizeof(name)))
			return 0;
		if (!strcmp(name + 1, "_text")) {
			if (ks->text && a != ks->text)
				return 0;
			text_seen = 1;
		}
	}
	return text_seen;
}

static int try_addrs(struct dbd_kallsyms *ks, size_t at, int relative, size_t base_at)
{
	size_t need = (size_t)ks->num_syms * (relative ? 4 : 8);

	if (at > ks->len || need > ks->len - at)
		return 0;
	if (relative && (base_at > ks->len || ks->len - base_at < 8))
		return 0;
	ks->addrs = at;
	ks->relative = relative;
	ks->relative_base = relative ? dbd_le64(ks->buf + base_at) : 0;
	for (ks->absolute_percpu = relative; ks->absolute_percpu >= 0; ks->absolute_percpu--)
		if (addrs_ok(ks))
			return 1;
	ks->absolute_percpu = 0;
	return 0;
}

/* The address table, before num_syms (6.1) or after the token index. */
static int find_addrs(struct dbd_kallsyms *ks, size_t num_at)
{
	size_t n = ks->num_syms, after = (ks->token_index + 512 + 7) & ~(size_t)7;
	size_t end;

	/* offsets[], pad, relative_base, num_syms */
	if (num_at >= 8 + 4 * n) {
		end = num_at - 8;
		for (size_t pad = 0; pad < 8 && end >= 4 * n + pad; pad += 4)
			if (try_addrs(ks, end - 4 * n - pad, 1, end))
				return 1;
	}
	if (num_at >= 8 * n && try_addrs(ks, num_at - 8 * n, 0, 0))
		return 1;
	/* token_index, offsets[], pad, relative_base */
	end = (after + 4 * n + 7) & ~(size_t)7;
	if (try_addrs(ks, after, 1, end))
		return 1;
	return try_addrs(ks, after, 0, 0);
}

/* _text from an ELF64 little-endian x86_64 image: its lowest PT_LOAD vaddr
 * above 0 (the per-cpu segment links at 0). 0 when not such an ELF. */
static uint64_t elf_text(const unsigned char *b, size_t len)
{
	uint64_t phoff, best = 0;
	unsigned int phnum, phent;

	if (len < 64 || memcmp(b, "\177ELF\2\1", 6) || dbd_le16(b + 18) != 62)
		return 0;
	phoff = dbd_le64(b + 32);
	phent = dbd_le16(b + 54);
	phnum = dbd_le16(b + 56);
	if (phent < 56 || phoff > len || (len - phoff) / phent < phnum)
		return 0;
	for (unsigned int i = 0; i < phnum; i++) {
		const unsigned char *ph = b + phoff + (size_t)i * phent;
		uint64_t va = dbd_le64(ph + 16);

		if (dbd_le32(ph) == 1 && va && (!best || va < best))
			best = va;
	}
	return best;
}

int dbd_kallsyms_find(const unsigned char *buf, size_t len, struct dbd_kallsyms *ks, char *err,
		      size_t errlen)
{
	memset(ks, 0, sizeof(*ks));
	ks->buf = buf;
	ks->len = len;
	ks->text = elf_text(buf, len);
	if (len < 1024)
		return dbd_say(err, errlen, -ENOENT, "too small to hold a kernel");
	for (size_t p = 2; p + 512 <= len; p += 2) {
		if (buf[p] || buf[p + 1] || !buf[p + 2] || buf[p + 3])
			continue;
		if (!tokens_at(buf, len, p, &ks->token_table))
			continue;
		ks->token_index = p;
		/* num_syms, then names 4 or 8 bytes on, anywhere before. */
		for (size_t q = 0; q + 8 <= len; q += 4) {
			uint32_t n = dbd_le32(buf + q);

			if (n < 2 || n > MAX_SYMS)
				continue;
			if (!names_at(ks, q + 8, n) && !names_at(ks, q + 4, n))
				continue;
			if (find_addrs(ks, q))
				return 0;
		}
		return dbd_say(err, errlen, -ENOENT,
			    "found the kallsyms token table at byte %zu, but no symbol names or "
			    "addresses that agree with it", ks->token_table);
	}
	return dbd_say(err, errlen, -ENOENT,
		    "no kallsyms tables in the kernel (built without CONFIG_KALLSYMS?)");
}

int dbd_kallsyms_each(const struct dbd_kallsyms *ks, dbd_ksym_cb cb, void *ctx)
{
	char name[DBD_KSYM_MAX_NAME];
	size_t pos = ks->names;
	int ret;

	for (uint32_t i = 0; i < ks->num_syms; i++) {
		if (expand(ks, &pos, name, sizeof(name)))
			return -EBADMSG;
		ret = cb(ctx, addr_of(ks, i), name[0], name + 1);
		if (ret)
			return ret;
	}
	return 0;
}
