/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's symbol table, recovered from its image: the bzImage payload
 * is unpacked (dbd_bzimage_payload, then dbd_unpack) and the kallsyms
 * tables are found in the unpacked kernel by their structure, not by
 * symbols (the image has none). Host side; x86_64 images.
 *
 * What is found is what /proc/kallsyms shows with the link-time addresses:
 * every symbol kallsyms keeps, not the few System.map has beyond those
 * (the kallsyms_* tables themselves, absolute symbols other than per-cpu).
 */
#ifndef DBDBOOT_KALLSYMS_H
#define DBDBOOT_KALLSYMS_H

#include <stddef.h>
#include <stdint.h>

#include "unpack.h"

/*
 * The compressed kernel inside a bzImage of LEN bytes at IMG: sets *PAYLOAD,
 * *PLEN and *COMP. Returns 0, or -ENOEXEC (not a bzImage, or a boot protocol
 * older than 2.08 that does not say where its payload is) or -EBADMSG (the
 * header points outside the file), with words in ERR.
 */
int dbd_bzimage_payload(const unsigned char *img, size_t len, const unsigned char **payload,
			size_t *plen, enum dbd_comp *comp, char *err, size_t errlen);

/* Where the tables are: byte offsets into the unpacked kernel. */
struct dbd_kallsyms {
	const unsigned char *buf;
	size_t len;
	uint32_t num_syms;
	size_t names, markers, token_table, token_index;
	size_t addrs;			/* kallsyms_offsets or kallsyms_addresses */
	int relative;			/* offsets from relative_base */
	int absolute_percpu;		/* offsets >= 0 are absolute (x86_64) */
	uint64_t relative_base;
	uint64_t text;			/* _text's address, to check against */
};

#define DBD_KSYM_MAX_NAME 512	/* expanded, with the type letter */

/*
 * Find the tables in the LEN bytes at BUF (an unpacked kernel). Returns 0,
 * or -ENOENT with words in ERR when no consistent set of tables is there
 * (a kernel built without CONFIG_KALLSYMS_ALL is fine; without
 * CONFIG_KALLSYMS there is nothing to find).
 */
int dbd_kallsyms_find(const unsigned char *buf, size_t len, struct dbd_kallsyms *ks, char *err,
		      size_t errlen);

/* Give every symbol, in table (address) order, to CB; a non-zero return
 * stops the walk and is returned. */
typedef int (*dbd_ksym_cb)(void *ctx, uint64_t addr, char type, const char *name);
int dbd_kallsyms_each(const struct dbd_kallsyms *ks, dbd_ksym_cb cb, void *ctx);

#endif
