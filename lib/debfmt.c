// SPDX-License-Identifier: GPL-2.0-or-later
/* A Debian binary package in memory: see debfmt.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debfmt.h"
#include "tarw.h"

/* The members as a gzip'ed tar into *OUT. */
static int tar_gz(const struct dbd_deb_file *f, size_t n, long long mtime, unsigned char **out,
		  size_t *olen)
{
	struct dbd_tarw t = { .mtime = mtime, .owner_names = 1 };
	int ret;

	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(f[i].name);
		int dir = l && f[i].name[l - 1] == '/';

		dbd_tar_add(&t, f[i].name, dir ? '5' : '0', f[i].mode, f[i].data,
			    dir ? 0 : f[i].size);
	}
	ret = dbd_tar_end(&t);
	if (!ret)
		ret = dbd_gzip(t.out.p, t.out.len, out, olen);
	free(t.out.p);
	return ret;
}

/* One ar member (header, bytes, a newline to an even length) at *AT. */
static void ar_member(unsigned char *out, size_t *at, const char *name, long long mtime,
		      const void *data, size_t size)
{
	char h[128];	/* 60 used: the fields are in range (sizes under 64 MiB) */

	snprintf(h, sizeof(h), "%-16s%-12lld%-6d%-6d%-8s%-10zu`\n", name,
		 mtime > 0 && mtime < 1000000000000LL ? mtime : 0, 0, 0, "100644", size);
	memcpy(out + *at, h, 60);
	memcpy(out + *at + 60, data, size);
	*at += 60 + size;
	if (size % 2)
		out[(*at)++] = '\n';
}

int dbd_deb_make(const struct dbd_deb_file *control, size_t nc, const struct dbd_deb_file *data,
		 size_t nd, long long mtime, unsigned char **out, size_t *olen)
{
	unsigned char *ctl = NULL, *dat = NULL;
	size_t clen = 0, dlen = 0, at = 8;
	int ret;

	*out = NULL;
	ret = tar_gz(control, nc, mtime, &ctl, &clen);
	if (!ret)
		ret = tar_gz(data, nd, mtime, &dat, &dlen);
	if (!ret) {
		*out = malloc(8 + 3 * 61 + 4 + clen + dlen);
		if (!*out)
			ret = -ENOMEM;
	}
	if (!ret) {
		memcpy(*out, "!<arch>\n", 8);
		ar_member(*out, &at, "debian-binary", mtime, "2.0\n", 4);
		ar_member(*out, &at, "control.tar.gz", mtime, ctl, clen);
		ar_member(*out, &at, "data.tar.gz", mtime, dat, dlen);
		*olen = at;
	}
	free(ctl);
	free(dat);
	return ret;
}
