// SPDX-License-Identifier: GPL-2.0-or-later
/* dbdboot-early: the kernel command line. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

__attribute__((format(printf, 3, 4)))
static void warnf(agent_warn_fn warn, void *ctx, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	if (!warn)
		return;
	va_start(ap, fmt);
	dbd_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn(ctx, msg);
}

static int parse_bool(const char *v, int *out)
{
	if (!*v || !strcmp(v, "1") || !strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "y")) {
		*out = 1;
		return 0;
	}
	if (!strcmp(v, "0") || !strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "n")) {
		*out = 0;
		return 0;
	}
	return -1;
}

static void word(const char *w, size_t n, struct agent_cmdline *out, agent_warn_fn warn, void *ctx)
{
	char buf[256], *val;
	size_t i, o = 0;
	int b;

	if (n >= sizeof(buf)) {
		if (n > 8 && (!strncmp(w, "dbdboot", 7) || !strncmp(w, "dattobd.", 8)))
			warnf(warn, ctx, "command line word '%.40s...' is too long, ignored", w);
		return;
	}
	for (i = 0; i < n; i++)	/* drop the quotes the kernel allows around values */
		if (w[i] != '"')
			buf[o++] = w[i];
	buf[o] = '\0';
	val = strchr(buf, '=');
	if (val)
		*val++ = '\0';

	if (!strcmp(buf, "dbdboot")) {
		if (!val || parse_bool(val, &b))
			warnf(warn, ctx, "dbdboot=%s not understood (on or off), ignored", val ? val : "");
		else
			out->off = !b;
	} else if (!strcmp(buf, "dbdboot.timeout")) {
		unsigned long t = 0;
		char *end = NULL;

		if (val && *val >= '0' && *val <= '9') {
			errno = 0;
			t = strtoul(val, &end, 10);
		}
		if (!val || !end || *end || t < 1 || t > AGENT_TIMEOUT_MAX)
			warnf(warn, ctx, "dbdboot.timeout=%s is not a number of seconds from 1 to 3600, ignored",
			      val ? val : "");
		else
			out->timeout = (int)t;
	} else if (!strcmp(buf, "dbdboot.debug")) {
		if (parse_bool(val ? val : "", &b))
			warnf(warn, ctx, "dbdboot.debug=%s not understood, ignored", val);
		else
			out->debug = b;
	} else if (!strncmp(buf, "dattobd.", 8) && buf[8] && val) {
		size_t have = strlen(out->modparams);
		int m = dbd_snprintf(out->modparams + have, sizeof(out->modparams) - have, "%s%s=%s",
				 have ? " " : "", buf + 8, val);

		if (m < 0 || (size_t)m >= sizeof(out->modparams) - have) {
			out->modparams[have] = '\0';
			out->modparams_truncated = 1;
			warnf(warn, ctx, "dattobd.%s: too many module parameters, not passed", buf + 8);
		}
	}
}

int agent_cmdline_parse(const char *text, struct agent_cmdline *out, agent_warn_fn warn, void *ctx)
{
	const char *s = text;

	memset(out, 0, sizeof(*out));
	while (*s) {
		const char *w;
		int quoted = 0;

		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (!*s)
			break;
		w = s;
		while (*s && (quoted || (*s != ' ' && *s != '\t' && *s != '\n'))) {
			if (*s == '"')
				quoted = !quoted;
			s++;
		}
		word(w, (size_t)(s - w), out, warn, ctx);
	}
	return 0;
}
