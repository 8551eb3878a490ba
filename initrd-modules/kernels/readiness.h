/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dbdboot: each installed kernel's readiness (as status judges it) where
 * monitoring looks: node_exporter's textfile folder (dbdboot-kernels.prom)
 * and, when it changed since the last look (STATE_DIR/readiness), a
 * journal entry (MESSAGE_ID JOURNAL_ID_READINESS, fields KERNEL, READY,
 * WHY). Run after every command that can change it (main.c) and by
 * dbdboot metrics. See dbdboot(8), MONITORING.
 */
#ifndef DBDBOOT_READINESS_H
#define DBDBOOT_READINESS_H

/* 0, or <0 after saying why (the metrics file could not be written). */
int readiness_update(void);

#endif
