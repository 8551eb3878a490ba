/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dbdboot: what monitoring sees of the lifecycle: each verdict into
 * node_exporter's textfile folder (dbdboot-verdict.prom) and the journal
 * (MESSAGE_ID JOURNAL_ID_VERDICT, one entry a volume); each shutdown
 * record's time (dbdboot-shutdown.prom). See dbdboot(8), MONITORING.
 */
#ifndef DBDBOOT_MONITOR_H
#define DBDBOOT_MONITOR_H

#include "verdict.h"

/* The N volumes judged in J, ALL 1 when all resumed, CLEAN 1 when the
 * previous shutdown left its record. */
void monitor_verdict(const struct judged *j, unsigned int n, int all, int clean);
/* A shutdown record written now, of N volumes. */
void monitor_shutdown(unsigned int n);

#endif
