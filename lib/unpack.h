/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Decompression of whole streams into a growing buffer, in the formats the
 * kernel's initrds and bzImage payloads use: gzip, xz, lzma, zstd, the lz4
 * "legacy" format, bzip2 and lzo (lzop's format, as the kernel reads it).
 * These follow the libraries' rules; kernel-unpack.h holds an initramfs
 * segment to the kernel's own. Host side (allocates).
 */
#ifndef DBDBOOT_UNPACK_H
#define DBDBOOT_UNPACK_H

#include <stddef.h>
#include <stdint.h>

enum dbd_comp {
	DBD_COMP_NONE = 0,
	DBD_COMP_GZIP,
	DBD_COMP_XZ,
	DBD_COMP_LZMA,
	DBD_COMP_ZSTD,
	DBD_COMP_LZ4,
	DBD_COMP_BZIP2,
	DBD_COMP_LZO,
};

#define DBD_UNPACK_MAX_OUT (1024ul * 1024 * 1024)	/* per stream, default */

/* The limits in force (the fuzzers lower them): bytes one stream may unpack
 * to, and memory an xz or lzma decoder may take (512 MiB). */
extern size_t dbd_unpack_max_out;
extern uint64_t dbd_unpack_max_decoder_mem;

/* Output: P is malloc'ed, the caller frees it (also after an error). */
struct dbd_buf {
	unsigned char *p;
	size_t len, cap;
};

/* The compression whose magic starts the N bytes at P, or DBD_COMP_NONE. */
enum dbd_comp dbd_comp_detect(const unsigned char *p, size_t n);
const char *dbd_comp_str(enum dbd_comp c);

/*
 * Unpack one stream of compression C from the LEN bytes at IN, appending to
 * OUT; *USED gets the input bytes the stream took. Returns 0 or:
 *   -EBADMSG a truncated or corrupt stream, -EFBIG over dbd_unpack_max_out,
 *   -ENOMEM, -ENOTSUP (DBD_COMP_NONE or unknown).
 */
int dbd_unpack(enum dbd_comp c, const unsigned char *in, size_t len, struct dbd_buf *out,
	       size_t *used);
/*
 * One zstd frame, of which only the first LIMIT unpacked bytes are
 * appended to OUT; *USED gets the whole frame's size all the same (from
 * its block headers: the rest is not unpacked). Returns 1 when the output
 * was cut at LIMIT, 0 when the whole frame fit, or an error as dbd_unpack.
 */
int dbd_unpack_zstd_prefix(const unsigned char *in, size_t len, struct dbd_buf *out,
			   size_t limit, size_t *used);
/*
 * The lz4 legacy format: its magic, then blocks of a LE32 size and data.
 * AS_INITRAMFS 0: a size of 0 or one larger than a block can be ends the
 * stream (a bzImage payload ends with its unpacked size). AS_INITRAMFS 1:
 * the kernel initramfs decoder's rule: only a size of 0, fewer than 4 bytes
 * left, or the end of the input end it; any other size must be a good
 * block. On -EBADMSG, *USED is where the bad block size was read.
 */
int dbd_unpack_lz4(const unsigned char *in, size_t len, struct dbd_buf *out, size_t *used,
		   int as_initramfs);

/* Words for one of those returns, to follow "<format> stream ". */
const char *dbd_unpack_strerror(int ret);

#endif
