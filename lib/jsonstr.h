/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A JSON string's contents, escaped as JSON requires and no more: '"', '\'
 * and the control characters below 0x20 escaped; valid UTF-8 passed through
 * as it is (so that a path in any script stays readable); a byte that is
 * not part of valid UTF-8 written as \u00XX (its Latin-1 reading), since
 * JSON text must be Unicode. No allocation (the agent uses it).
 */
#ifndef DBDBOOT_JSONSTR_H
#define DBDBOOT_JSONSTR_H

#include <stddef.h>

/* EMIT(CTX, P, N) gets the escaped text in pieces (without the quotes). */
void dbd_json_escape(const char *s, void (*emit)(void *ctx, const char *p, size_t n), void *ctx);

#endif
