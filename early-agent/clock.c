// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot-early: the worker's clock (ms since the agent's start, and what
 * is left before its deadline) and the control device's path.
 */
#include <errno.h>
#include <time.h>

#include "agent.h"

long agent_since(const struct agent_state *st)
{
	return agent_now_ms() - st->start_ms;
}

/*
 * The worker stops waiting a little before the parent's deadline, so that
 * the parent can report a finished worker, not a stuck one.
 */
long agent_time_left(const struct agent_conf *c, const struct agent_state *st)
{
	return (long)c->timeout * 1000 - AGENT_WORKER_MARGIN_MS - agent_since(st);
}

int agent_past_deadline(const struct agent_conf *c, const struct agent_state *st)
{
	return agent_time_left(c, st) <= 0;
}

void agent_sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

const char *agent_ctl_path(const struct agent_conf *c, char *buf, size_t size)
{
	if (c->ctl)
		return c->ctl;
	dbd_snprintf(buf, size, "%s/datto-ctl", c->dev);
	return buf;
}
