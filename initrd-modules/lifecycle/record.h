/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dbdboot: the shutdown record (record.c) and what the verdict reads of it. */
#ifndef DBDBOOT_RECORD_H
#define DBDBOOT_RECORD_H

#include <stddef.h>

#define RECORD_VERSION 1
#define RECORD_PATH STATE_DIR "/shutdown.json"

/* This boot's id (/proc/sys/kernel/random/boot_id) into OUT; "unknown" and <0 when unreadable. */
int boot_id(char *out, size_t size);

/* Open the JSON object of a record or verdict: VERSION_KEY, boot_id, time. */
void json_head(const char *version_key, int version);

#endif
