// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot-early: the worker's first step, dattobd loaded: the load started
 * early in the initramfs waited for, or made here; how it went into the
 * shared state, for the report.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "dbdboot/dattobd.h"
#include "preload.h"

/*
 * The load started early (agent_preload), waited for: 1 when there was
 * one, *RET its result (RES as dbd_modload gives it; -ETIMEDOUT when it
 * was still loading at the worker's deadline), 0 when there is none (the
 * worker loads). Only the initramfs run waits: a run in the real root (--minor)
 * loads, or finds the module loaded, itself.
 */
static int wait_preload(const struct agent_conf *c, struct agent_state *st, int *ret,
			struct dbd_modload_result *res)
{
	static struct dbd_preload p;
	long t0 = agent_now_ms();
	int got;

	if (c->only_minor >= 0)
		return 0;
	got = agent_preload_wait(c, t0 + agent_time_left(c, st), &p);
	if (got == 0)
		return 0;
	st->by_preload = 1;
	st->load_started_ms = p.started_ms - st->start_ms;
	st->load_waited_ms = agent_now_ms() - t0;
	if (got < 0) {
		st->load_ended_ms = LONG_MIN;	/* not ended: null in the report */
		agent_log(LOG_ERR, "dattobd's early load, started %ld ms before the agent, did not "
			  "finish within the deadline: nothing reloaded", -st->load_started_ms);
		*ret = got;
		return 1;
	}
	st->load_ended_ms = p.ended_ms - st->start_ms;
	*ret = p.error;
	res->how = (enum dbd_modload_how)p.how;
	memcpy(res->path, p.path, sizeof(res->path));
	memcpy(res->failed_dep, p.dep, sizeof(res->failed_dep));
	return 1;
}

void agent_load_module(const struct agent_conf *c, struct agent_state *st)
{
	struct dbd_modload_paths p = { .sys = c->sys, .modules = c->modules, .release = c->release };
	struct dbd_modload_result res = { 0 };
	char ctl[512];
	long t0 = agent_since(st);
	int ret = 0;

	st->module = M_LOADING;
	if (!wait_preload(c, st, &ret, &res)) {
		ret = dbd_modload(&p, DBD_MODULE_NAME, c->cmdline.modparams, &res);
		st->module_ms = agent_since(st) - t0;
		/* The worker's own load: it waited for all of it. */
		st->load_started_ms = t0;
		st->load_ended_ms = agent_since(st);
		st->load_waited_ms = st->module_ms;
	} else if (ret == -ETIMEDOUT) {
		st->module_ms = agent_since(st) - t0;
	} else {
		st->module_ms = st->load_ended_ms - st->load_started_ms;
		if (!ret) {
			/* Loaded early: still there? (If not, this loads it again.) */
			struct dbd_modload_result now;

			ret = dbd_modload(&p, DBD_MODULE_NAME, c->cmdline.modparams, &now);
			if (ret || now.how != DBD_MODLOAD_ALREADY)
				res = now;
		}
	}
	st->module_how = res.how;
	memcpy(st->module_path, res.path, sizeof(st->module_path));
	if (ret) {
		st->module_error = ret;
		st->module = M_FAILED;
		if (res.failed_dep[0])
			agent_log(LOG_ERR, "could not load %s (needed by dattobd): %s", res.failed_dep,
				  dbd_modload_strerror(ret));
		else if (ret != -ETIMEDOUT)
			agent_log(LOG_ERR, "could not load dattobd from '%s': %s", res.path,
				  dbd_modload_strerror(ret));
		return;
	}
	st->module = res.how == DBD_MODLOAD_ALREADY ? M_ALREADY : M_LOADED;
	/* The control device appears once the module has registered it. */
	agent_ctl_path(c, ctl, sizeof(ctl));
	while (access(ctl, F_OK) && !agent_past_deadline(c, st))
		agent_sleep_ms(10);
	agent_log(LOG_DEBUG, "dattobd %s in %ld ms (%s)%s",
		  st->module == M_ALREADY ? "was already loaded" : "loaded", st->module_ms,
		  st->module_path[0] ? st->module_path : "-",
		  st->by_preload ? ", started early" : "");
}
