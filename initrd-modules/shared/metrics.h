/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dbdboot: metrics for Prometheus' node_exporter, as files its textfile
 * collector reads (NAME.prom, replaced whole). The folder: the one given
 * (metrics_set_dir), else node_exporter's --collector.textfile.directory
 * in /etc/default/prometheus-node-exporter, else Debian's default,
 * /var/lib/prometheus/node-exporter, when it exists. None: nothing is
 * written, and that is not an error. The metrics: dbdboot(8), METRICS.
 */
#ifndef DBDBOOT_METRICS_H
#define DBDBOOT_METRICS_H

#include <stddef.h>

/* Use DIR (a path in the root) from now on, whether it exists or not. */
void metrics_set_dir(const char *dir);
/* The folder into OUT (a path in the root): 0, or -ENOENT when none. */
int metrics_dir(char *out, size_t n);
/* TEXT written as DIR/NAME. 0 (also when there is no folder: *WHERE ""),
 * or <0 after saying why; *WHERE the file written (a path in the root). */
int metrics_write(const char *name, const char *text, size_t len, char *where, size_t n);
/* V as a label value (backslash, double quote and newline escaped) into OUT. */
const char *metrics_label(char *out, size_t n, const char *v);

#endif
