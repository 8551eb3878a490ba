// SPDX-License-Identifier: GPL-2.0-or-later
/* dbdboot: a minimal JSON writer to stdout (the commas and the escaping). */
#include <stdio.h>

#include "dbdboot.h"
#include "jsonstr.h"

#define DEPTH 16

static int first[DEPTH] = { 1 };
static char closer[DEPTH];
static int depth;
static FILE *jout;
static int stdout_used;	/* a document was begun on stdout */

/* Where the JSON goes: stdout unless json_to() said otherwise. */
#define OUT (jout ? jout : stdout)

void json_to(FILE *f)
{
	jout = f;
	depth = 0;
	first[0] = 1;
}

static void sep(const char *key)
{
	if (!jout)
		stdout_used = 1;
	if (!first[depth])
		fputc(',', OUT);
	first[depth] = 0;
	fputc('\n', OUT);
	for (int i = 0; i < depth; i++)
		fputs("  ", OUT);
	if (key)
		fprintf(OUT, "\"%s\": ", key);
}

static void emit(void *ctx, const char *p, size_t n)
{
	(void)ctx;
	fwrite(p, 1, n, OUT);
}

/* Escaped as the agent's report is (lib/jsonstr.h): UTF-8 stays readable. */
static void quoted(const char *s)
{
	fputc('"', OUT);
	dbd_json_escape(s, emit, NULL);
	fputc('"', OUT);
}

static void open_(const char *key, char ch)
{
	if (!jout)
		stdout_used = 1;
	if (depth)
		sep(key);
	fputc(ch, OUT);
	if (depth < DEPTH - 1)
		depth++;
	first[depth] = 1;
	closer[depth] = ch == '{' ? '}' : ']';
}

void json_open(const char *key)
{
	open_(key, '{');
}

void json_array(const char *key)
{
	open_(key, '[');
}

void json_close(void)
{
	char c = closer[depth];

	if (depth == 0)
		return;
	depth--;
	fputc('\n', OUT);
	for (int i = 0; i < depth; i++)
		fputs("  ", OUT);
	fputc(c, OUT);
}

void json_str(const char *key, const char *val)
{
	sep(key);
	if (val)
		quoted(val);
	else
		fputs("null", OUT);
}

void json_int(const char *key, long long val)
{
	sep(key);
	fprintf(OUT, "%lld", val);
}

void json_bool(const char *key, int val)
{
	sep(key);
	fputs(val ? "true" : "false", OUT);
}

void json_end(void)
{
	fputc('\n', OUT);
	fflush(OUT);
}

void json_finish(const char *command, int exit_status, const char *why)
{
	jout = NULL;
	if (stdout_used) {
		if (depth) {
			while (depth)
				json_close();
			json_end();
		}
		return;
	}
	json_open(NULL);
	json_str("command", command);
	json_int("exit", exit_status);
	json_str("error", *first_error() ? first_error() : why);
	json_close();
	json_end();
}
