/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small JSON reader (RFC 8259) for the files dbdboot writes and reads
 * back: the agent's report, the shutdown record, the verdict. It makes a
 * table of tokens in document order over the caller's buffer; nothing is
 * allocated and nothing is copied until asked.
 */
#ifndef DBDBOOT_JSONREAD_H
#define DBDBOOT_JSONREAD_H

#include <stddef.h>
#include <stdint.h>

#define DBD_JSON_MAX_DEPTH	32	/* nesting of objects and arrays */

enum dbd_jtype { DBD_J_OBJECT = 1, DBD_J_ARRAY, DBD_J_STRING, DBD_J_NUMBER, DBD_J_TRUE,
		 DBD_J_FALSE, DBD_J_NULL };

struct dbd_jtok {
	enum dbd_jtype type;
	uint32_t start, end;	/* bytes; a string's without its quotes */
	uint32_t size;		/* members of an object (keys), elements of an array */
	uint32_t next;		/* the token after this one's subtree */
};

struct dbd_json {
	const char *buf;
	struct dbd_jtok *tok;
	unsigned int n;
};

/*
 * Parse the LEN bytes at BUF (one value, blanks around it) into up to MAX
 * tokens at TOK; J refers to both. An object's members are its key (a
 * string token) then its value. Returns 0, or -EBADMSG (not JSON, or
 * nested deeper than DBD_JSON_MAX_DEPTH), -E2BIG (more than MAX tokens),
 * -EFBIG (LEN of 4 GiB or more).
 */
int dbd_json_parse(const char *buf, size_t len, struct dbd_jtok *tok, unsigned int max,
		   struct dbd_json *j);

/* The value of KEY in the object at token OBJ, or -1 (absent, or OBJ is not an object). */
int dbd_json_get(const struct dbd_json *j, int obj, const char *key);
/* The element I of the array at token ARR, or -1. */
int dbd_json_at(const struct dbd_json *j, int arr, unsigned int i);
/* The string at token T unescaped into OUT (SIZE with its NUL): 0, -EINVAL
 * (not a string, or one holding \u0000), -ENAMETOOLONG. */
int dbd_json_str(const struct dbd_json *j, int t, char *out, size_t size);
/* The integer at token T: 0, or -EINVAL (not an integer, or out of range). */
int dbd_json_int(const struct dbd_json *j, int t, long long *v);
/* The boolean at T: 0 or 1, or -EINVAL. */
int dbd_json_bool(const struct dbd_json *j, int t);

/* Shorthands on the member KEY of OBJ: the same returns, -ENOENT when absent. */
int dbd_json_get_str(const struct dbd_json *j, int obj, const char *key, char *out, size_t size);
int dbd_json_get_int(const struct dbd_json *j, int obj, const char *key, long long *v);

#endif
