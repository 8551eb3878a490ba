// SPDX-License-Identifier: GPL-2.0-or-later
/* dbdboot: the journal's native protocol (see journal.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "dbdboot.h"
#include "journal.h"
#include "rootpath.h"

/* "KEY=VALUE\n" into OUT at *AT, a newline in VALUE as a space. */
static void field(char *out, size_t size, size_t *at, const char *kv)
{
	if (*at + 1 >= size)
		return;	/* full: the fields after are left out */
	for (const char *c = kv; *c && *at + 2 < size; c++)
		out[(*at)++] = *c == '\n' ? ' ' : *c;
	out[(*at)++] = '\n';
}

int journal_send(int priority, const char *id, const char *message, const char *const *fields,
		 unsigned int n)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[8192], kv[1024];
	size_t at = 0;
	int fd, ret = 0;

	if (strlen(rpath(kv, "%s", "/run/systemd/journal/socket")) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, kv);
	snprintf(kv, sizeof(kv), "MESSAGE=%s", message);
	field(buf, sizeof(buf), &at, kv);
	snprintf(kv, sizeof(kv), "MESSAGE_ID=%s", id);
	field(buf, sizeof(buf), &at, kv);
	snprintf(kv, sizeof(kv), "PRIORITY=%d", priority);
	field(buf, sizeof(buf), &at, kv);
	field(buf, sizeof(buf), &at, "SYSLOG_IDENTIFIER=dbdboot");
	for (unsigned int i = 0; i < n; i++)
		field(buf, sizeof(buf), &at, fields[i]);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, buf, at, MSG_NOSIGNAL, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		VERBOSE("journal: could not send to '%s': %s", sa.sun_path, strerror(errno));
	}
	close(fd);
	return ret;
}
