// SPDX-License-Identifier: GPL-2.0-or-later
/* dbdboot: the lifecycle's metrics and journal entries (see monitor.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <limits.h>

#include "dbdboot.h"
#include "files.h"
#include "rootpath.h"
#include "journal.h"
#include "metrics.h"
#include "monitor.h"

static void journal_volume(const struct judged *j)
{
	char minor[32], dev[320], verdict[64], reason[96], msg[512];
	const char *fields[] = { dev, minor, verdict, reason };

	snprintf(minor, sizeof(minor), "MINOR=%u", j->v->minor);
	snprintf(dev, sizeof(dev), "VOLUME=%s", j->v->device);
	snprintf(verdict, sizeof(verdict), "VERDICT=%s", j->verdict);
	snprintf(reason, sizeof(reason), "REASON=%s", j->reason ? j->reason : "");
	snprintf(msg, sizeof(msg), "verdict minor %u (%s): %s%s%s", j->v->minor, j->v->device,
		 j->verdict, j->reason ? ": " : "", j->reason ? j->message : "");
	journal_send(strcmp(j->verdict, "chain-broken") ? 6 : 4, JOURNAL_ID_VERDICT, msg, fields,
		     4);
}

/* What this boot's journal has of the verdicts: a volume's entry goes once
 * a boot, and again only when its verdict or reason changes (verdict runs
 * several times a boot: its unit, --update after a late reload, a user). */
#define LOGGED_PATH "/run/dbdboot/journal-verdicts"

static void journal_changes(const struct judged *j, unsigned int n)
{
	char p[PATH_MAX], line[512], *now = NULL;
	unsigned char *before = NULL;
	size_t blen = 0, nlen = 0;
	FILE *f = open_memstream(&now, &nlen);

	if (!f)
		return;
	read_file(rpath(p, "%s", LOGGED_PATH), 1u << 20, &before, &blen);
	for (unsigned int i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "%u %s %s %s\n", j[i].v->minor, j[i].v->device,
			 j[i].verdict, j[i].reason ? j[i].reason : "-");
		fputs(line, f);
		line[strlen(line) - 1] = '\0';
		if (!before || !has_line((char *)before, line))
			journal_volume(&j[i]);
	}
	if (!fclose(f) && (!before || strcmp((char *)before, now)))
		write_atomic(p, now, nlen, 0644);
	free(before);
	free(now);
}

void monitor_verdict(const struct judged *j, unsigned int n, int all, int clean)
{
	char *text = NULL, dev[600], where[4096];
	size_t len = 0;
	FILE *f;

	journal_changes(j, n);
	f = open_memstream(&text, &len);
	if (!f)
		return;
	fputs("# HELP dbdboot_volume_verdict The last verdict of each tracked volume, 1 on the "
	      "line of its verdict and reason (reason \"\" unless chain-broken).\n"
	      "# TYPE dbdboot_volume_verdict gauge\n", f);
	for (unsigned int i = 0; i < n; i++)
		fprintf(f, "dbdboot_volume_verdict{minor=\"%u\",volume=\"%s\",verdict=\"%s\","
			"reason=\"%s\"} 1\n", j[i].v->minor,
			metrics_label(dev, sizeof(dev), j[i].v->device), j[i].verdict,
			j[i].reason ? j[i].reason : "");
	fputs("# HELP dbdboot_volume_resumed 1 when the volume's chain resumed at the last "
	      "verdict: an incremental backup is safe.\n# TYPE dbdboot_volume_resumed gauge\n", f);
	for (unsigned int i = 0; i < n; i++)
		fprintf(f, "dbdboot_volume_resumed{minor=\"%u\",volume=\"%s\"} %d\n", j[i].v->minor,
			metrics_label(dev, sizeof(dev), j[i].v->device),
			!strcmp(j[i].verdict, "resumed"));
	fprintf(f, "# HELP dbdboot_all_resumed 1 when every tracked volume resumed (0 with none).\n"
		"# TYPE dbdboot_all_resumed gauge\ndbdboot_all_resumed %d\n"
		"# HELP dbdboot_previous_shutdown_clean 1 when the boot before this one recorded "
		"its shutdown.\n# TYPE dbdboot_previous_shutdown_clean gauge\n"
		"dbdboot_previous_shutdown_clean %d\n"
		"# HELP dbdboot_verdict_timestamp_seconds When the last verdict was made.\n"
		"# TYPE dbdboot_verdict_timestamp_seconds gauge\n"
		"dbdboot_verdict_timestamp_seconds %lld\n", all && n, clean, (long long)time(NULL));
	if (!fclose(f))
		metrics_write("dbdboot-verdict.prom", text, len, where, sizeof(where));
	free(text);
}

void monitor_shutdown(unsigned int n)
{
	char text[512], where[4096];
	int len = snprintf(text, sizeof(text),
			   "# HELP dbdboot_shutdown_record_timestamp_seconds When the last shutdown "
			   "record was written (the next verdict consumes it).\n"
			   "# TYPE dbdboot_shutdown_record_timestamp_seconds gauge\n"
			   "dbdboot_shutdown_record_timestamp_seconds %lld\n"
			   "# HELP dbdboot_shutdown_record_volumes Volumes the last shutdown record "
			   "lists.\n# TYPE dbdboot_shutdown_record_volumes gauge\n"
			   "dbdboot_shutdown_record_volumes %u\n", (long long)time(NULL), n);

	metrics_write("dbdboot-shutdown.prom", text, (size_t)len, where, sizeof(where));
}
