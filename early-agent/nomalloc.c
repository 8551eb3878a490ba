// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot-early allocates nothing. musl links its allocator in anyway
 * (strdup, reached from realpath's no-buffer path, refers to malloc); these
 * definitions replace it in the static agent so that an allocation cannot
 * happen by accident: it fails. Not linked into the sanitized test builds.
 */
#include <errno.h>
#include <stddef.h>

void *malloc(size_t n);
void *calloc(size_t n, size_t m);
void *realloc(void *p, size_t n);
void free(void *p);

void *malloc(size_t n)
{
	(void)n;
	errno = ENOMEM;
	return NULL;
}

void *calloc(size_t n, size_t m)
{
	(void)n;
	(void)m;
	errno = ENOMEM;
	return NULL;
}

void *realloc(void *p, size_t n)
{
	(void)p;
	(void)n;
	errno = ENOMEM;
	return NULL;
}

void free(void *p)
{
	(void)p;
}
