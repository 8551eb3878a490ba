// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot-early: one line per step to /dev/kmsg, "dbdboot: " first. The
 * kernel rate-limits user writes to /dev/kmsg (10 lines per 5 s unless
 * printk.devkmsg=on), so the agent keeps to one line per volume plus two.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

static int log_fd = 2;
static int log_debug;
static int log_kmsg;

void agent_log_open(const char *kmsg, int debug)
{
	int fd;

	log_debug = debug;
	if (!kmsg || !strcmp(kmsg, "-"))
		return;
	fd = open(kmsg, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
	if (fd >= 0) {
		log_fd = fd;
		log_kmsg = 1;
	}
}

void agent_log(int level, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n, m;

	if (level == LOG_DEBUG && !log_debug)
		return;
	n = log_kmsg ? dbd_snprintf(line, sizeof(line), "<%d>dbdboot: ", level) :
		       dbd_snprintf(line, sizeof(line), "dbdboot: ");
	va_start(ap, fmt);
	m = dbd_vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	while (write(log_fd, line, (size_t)n) < 0 && errno == EINTR)
		;
}

long agent_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void agent_out(int fd, const char *fmt, ...)
{
	static char text[4096];
	va_list ap;
	size_t len, done = 0;
	int n;

	va_start(ap, fmt);
	n = dbd_vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	len = n < 0 ? 0 : (size_t)n < sizeof(text) ? (size_t)n : sizeof(text) - 1;
	while (done < len) {
		ssize_t w = write(fd, text + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		done += (size_t)w;
	}
}
