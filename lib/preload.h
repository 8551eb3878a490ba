/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The record of dattobd's early load (dbdboot-early --preload), which the
 * agent's worker reads to wait for that load instead of starting one:
 *
 *	dbdboot-preload 1
 *	started MS PID
 *	ended MS ERROR HOW		(once the load returned)
 *	path PATH			(the module file, when known)
 *	dep NAME			(the dependency that failed, when one did)
 *
 * MS are CLOCK_MONOTONIC milliseconds, PID the loading process, ERROR 0 or
 * a negative errno, HOW an enum dbd_modload_how. No allocation.
 */
#ifndef DBDBOOT_PRELOAD_H
#define DBDBOOT_PRELOAD_H

#include <stddef.h>

#include "modload.h"

#define DBD_PRELOAD_VERSION	1
#define DBD_PRELOAD_MAX		(DBD_MODPATH_MAX + 256)	/* bytes of a record */

struct dbd_preload {
	long started_ms;
	int pid;
	int ended;		/* 1 once the load returned */
	long ended_ms;
	int error;		/* 0, or a negative errno */
	int how;		/* enum dbd_modload_how */
	char path[DBD_MODPATH_MAX];
	char dep[64];
};

/* P as a record into BUF: its length, 0 when it does not fit. */
size_t dbd_preload_format(const struct dbd_preload *p, char *buf, size_t size);

/* The LEN bytes at TEXT (no NUL needed) into P: 0, or -EBADMSG for anything
 * that is not a whole record of this version (P then says nothing). */
int dbd_preload_parse(const char *text, size_t len, struct dbd_preload *p);

#endif
