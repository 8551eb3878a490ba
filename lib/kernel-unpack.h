/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One compressed segment of an initramfs read by the rules of the kernel's
 * own unpacker (init/initramfs.c and lib/decompress_*.c of Linux 6.1), not
 * by those of the compression libraries: the kernel picks the decoder by
 * the first two bytes, reads only the headers its decoders know, and each
 * of its decoders stops where its own stream-end rule says, which is where
 * the next segment starts for it. A segment this refuses is one the kernel
 * would stop at ("Initramfs unpacking failed"). Host side (allocates).
 *
 * Where the kernel's decoders stop:
 *   gzip   after the deflate stream and the 8-byte trailer; only the FNAME
 *          header flag is skipped (FEXTRA, FCOMMENT, FHCRC are read as data)
 *   bzip2  after the byte holding the end-of-stream marker and CRC
 *   lzma   where the range decoder stopped (the ".lzma" alone format)
 *   xz     after the stream footer; only check types none and CRC32
 *   lzo    after the lzop block of size 0
 *   lz4    (legacy) at the end of the input, at fewer than 4 bytes left,
 *          or at a block size of 0; a new magic continues the stream, and
 *          ANY other 4 bytes are read as a block size: so what follows an
 *          lz4 segment must start with 4 zero bytes
 *   zstd   after one frame (window at most 128 MiB; no skippable frames)
 */
#ifndef DBDBOOT_KERNEL_UNPACK_H
#define DBDBOOT_KERNEL_UNPACK_H

#include <stddef.h>

#include "unpack.h"

/* The format the kernel picks for the N bytes at P (its two-byte magics),
 * or DBD_COMP_NONE when it knows none ("invalid magic"). */
enum dbd_comp dbd_kernel_comp(const unsigned char *p, size_t n);

/*
 * Unpack the segment at IN (LEN bytes to the end of the file) as the kernel
 * does, appending to OUT; *USED gets the bytes the kernel's decoder takes.
 * Returns 0, or a negative errno with words in WHY (WHYLEN bytes):
 *   -ENOTSUP  a magic the kernel does not know
 *   -EBADMSG  the kernel's decoder would fail on it
 *   -EFBIG, -ENOMEM as dbd_unpack()
 */
int dbd_kernel_unpack(const unsigned char *in, size_t len, struct dbd_buf *out, size_t *used,
		      char *why, size_t whylen);

/*
 * The same, but of a zstd segment only the first LIMIT unpacked bytes
 * (LIMIT 0: all): its end comes from its frame's block headers, its header
 * is held to the kernel's rules, the rest is not unpacked. Returns 1 when
 * OUT was cut there; other formats are unpacked whole (0).
 */
int dbd_kernel_unpack_prefix(const unsigned char *in, size_t len, size_t limit,
			     struct dbd_buf *out, size_t *used, char *why, size_t whylen);

#endif
