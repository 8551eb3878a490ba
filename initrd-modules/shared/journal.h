/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dbdboot: entries sent to the systemd journal with fields of their own,
 * by the journal's native protocol (one datagram of KEY=VALUE lines to
 * ROOT/run/systemd/journal/socket), so that journalctl can filter them:
 *   journalctl MESSAGE_ID=<id> VERDICT=chain-broken
 * Nothing is sent where there is no journal (no socket): not an error.
 * The message IDs are stable; dbdboot(8), JOURNAL, lists them.
 */
#ifndef DBDBOOT_JOURNAL_H
#define DBDBOOT_JOURNAL_H

/* A volume's verdict: VOLUME, MINOR, VERDICT, REASON. */
#define JOURNAL_ID_VERDICT "0a162eb9fe9840f594a3be7226f4b1f1"
/* A kernel's readiness changed: KERNEL, READY (1 or 0), WHY. */
#define JOURNAL_ID_READINESS "e508bd0ed47b4213b54084aafbd4099f"

/* Send MESSAGE at syslog PRIORITY with MESSAGE_ID ID, SYSLOG_IDENTIFIER
 * dbdboot, and the N fields FIELDS ("KEY=VALUE"; a newline in a value is
 * sent as a space). 0, or -errno (also said with -v only: the journal is
 * a copy of what dbdboot says anyway). */
int journal_send(int priority, const char *id, const char *message, const char *const *fields,
		 unsigned int n);

#endif
