// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot verdict [-J]: for every volume of the manifest, whether its
 * tracking chain survived into this boot: resumed, chain-broken (with the
 * first reason found) or pending. The command: the lock, the output, the
 * files it writes and the kernel log; the witnesses and the rule are
 * judge.c's. Schema: dbdboot-verdict(5).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dbdboot.h"
#include "evidence.h"
#include "files.h"
#include "monitor.h"
#include "record.h"
#include "rootpath.h"
#include "uuid.h"
#include "verdict.h"

static struct judged judged[JUDGED_MAX];

static void json_volume(const struct judged *j)
{
	char hex[33];

	json_open(NULL);
	json_int("minor", j->v->minor);
	json_str("device", j->v->device);
	json_str("verdict", j->verdict);
	json_str("reason", j->reason);
	json_str("message", j->message);
	dbd_uuid_hex(j->uuid, hex);
	json_str("uuid", j->has_uuid ? hex : NULL);
	json_int("seqid", j->has_uuid ? j->seqid : -1);
	dbd_uuid_hex(j->recorded_uuid, hex);
	json_str("recorded_uuid", j->has_recorded ? hex : NULL);
	json_int("recorded_seqid", j->has_recorded ? j->recorded_seqid : -1);
	json_str("agent", j->agent[0] ? j->agent : NULL);
	json_str("journal", j->journal[0] ? j->journal : NULL);
	json_close();
}

/* The verdict as JSON into F (stdout when NULL). */
static void put_verdict(FILE *f, unsigned int n, int all)
{
	const struct ev_record *rec = judge_previous_record();

	json_to(f);
	json_head("verdict_version", VERDICT_VERSION);
	json_str("previous_shutdown", rec->present ? "clean" : "unclean");
	json_bool("initrds_stale_at_shutdown", rec->present && rec->initrds_stale);
	json_bool("all_resumed", all);
	json_array("volumes");
	for (unsigned int i = 0; i < n; i++)
		json_volume(&judged[i]);
	json_close();
	json_close();
	json_end();
	json_to(NULL);
}

/* Write the verdict to /run (this boot) and keep it under STATE_DIR. */
static int save(unsigned int n, int all)
{
	const char *const paths[] = { VERDICT_PATH_RUN, VERDICT_PATH_KEPT };
	char p[PATH_MAX], *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);
	int ret = 0, r;

	if (!f)
		return -ENOMEM;
	put_verdict(f, n, all);
	if (fclose(f))
		return -ENOMEM;
	for (int i = 0; i < 2; i++) {
		r = write_atomic(rpath(p, "%s", paths[i]), text, len, 0644);
		if (r) {
			ERR("could not write '%s': %s", paths[i], strerror(-r));
			ret = r;
		}
	}
	free(text);
	return ret;
}

/* One kernel-log line per volume (when /dev/kmsg is there). */
static void to_kmsg(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		const struct judged *j = &judged[i];

		kmsg(strcmp(j->verdict, "chain-broken") ? 6 : 4, "verdict minor %u (%s): %s%s%s",
		     j->v->minor, j->v->device, j->verdict, j->reason ? ": " : "",
		     j->reason ? j->message : "");
	}
}
static void help(void)
{
	fputs("Usage: dbdboot verdict [-J] [--update]\n"
	      "\n"
	      "Say, for every volume of " MANIFEST_PATH ", whether its dattobd tracking\n"
	      "chain survived into this boot: resumed (an incremental backup is safe),\n"
	      "chain-broken with the reason (take a full one), or pending (not mounted\n"
	      "read-write yet: run it again later). Joins /run/dbdboot/early.json, the\n"
	      "driver's live state, " STATE_DIR "/shutdown.json and the previous verdict.\n"
	      "Writes " VERDICT_PATH_RUN " and " VERDICT_PATH_KEPT "; see dbdboot-verdict(5).\n"
	      "\n"
	      "  -J, --json  print the verdict's JSON on stdout\n"
	      "  --update    only when this boot has a verdict already: judge again (run by\n"
	      "              dbdboot-reload-N.service after a reload in the real root)\n"
	      "\n"
	      "Exit status: 0 every volume resumed, 1 otherwise, 2 bad usage.\n", stdout);
}
int cmd_verdict(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'J' }, { "help", no_argument, NULL, 'h' },
		{ "update", no_argument, NULL, 'u' }, { NULL, 0, NULL, 0 },
	};
	const struct ev_record *rec = judge_previous_record();
	unsigned int n;
	int c, all = 1, ret, update = 0;
	char p[PATH_MAX];

	while ((c = getopt_long(argc, argv, "Jh", lo, NULL)) != -1) {
		if (c == 'J')
			opt.json = 1;
		else if (c == 'u')
			update = 1;
		else if (c == 'h')
			return help(), EXIT_OK;
		else
			return EXIT_USAGE;
	}
	if (optind < argc)
		return unexpected_arg(argv[optind]);
	/* The lock keeps two verdicts apart; a kernel hook may hold it for
	 * many minutes, and an unjudged boot breaks every chain at the next:
	 * past the wait, judge without it (every file read or written here
	 * is only ever replaced whole). */
	ret = dbd_lock_quiet();
	if (ret == -ETIME) {
		warn("another dbdboot still holds the lock: judging without it");
		dbd_lock_waive();
	} else if (ret)
		return EXIT_FAIL;
	if (update && access(rpath(p, "%s", VERDICT_PATH_RUN), F_OK))
		return EXIT_OK;	/* no verdict this boot yet: dbdboot-verdict.service makes it */
	if ((ret = judge_gather()))
		return EXIT_FAIL;
	n = judge_all(judged, &all);
	if (!n) {
		/* Nothing to vouch for: never "all resumed". */
		all = 0;
		if (!opt.json)
			printf("no volume is tracked: %s %s, nothing to judge\n", MANIFEST_PATH,
			       access(rpath(p, "%s", MANIFEST_PATH), F_OK) ? "does not exist" :
			       "lists none");
	}
	for (unsigned int i = 0; i < n && !opt.json; i++)
		printf("minor %u %s: %s%s%s\n", judged[i].v->minor, judged[i].v->device,
		       judged[i].verdict, judged[i].reason ? ": " : "",
		       judged[i].reason ? judged[i].message : "");
	if (rec->present && rec->initrds_stale)
		warn("at the previous shutdown the initrds%s%s could not get the current manifest "
		     "(/boot read-only or full?): run dbdboot sync", rec->stale_kernels[0] ? " of " : "",
		     rec->stale_kernels);
	ret = save(n, all);
	to_kmsg(n);
	monitor_verdict(judged, n, all, rec->present);
	if (opt.json)
		put_verdict(NULL, n, all);
	return ret || !all ? EXIT_FAIL : EXIT_OK;
}
