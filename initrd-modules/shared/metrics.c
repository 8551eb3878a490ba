// SPDX-License-Identifier: GPL-2.0-or-later
/* dbdboot: node_exporter's textfile collector (see metrics.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbdboot.h"
#include "files.h"
#include "metrics.h"
#include "rootpath.h"

#define FLAG "--collector.textfile.directory"

static const char *given;

void metrics_set_dir(const char *dir)
{
	given = dir;
}

/* The folder node_exporter's Debian defaults file gives it, into OUT. */
static int from_defaults(char *out, size_t n)
{
	char p[PATH_MAX];
	unsigned char *text = NULL;
	size_t len;
	const char *s;
	int ret = -ENOENT;

	if (read_file(rpath(p, "%s", "/etc/default/prometheus-node-exporter"), 1u << 16, &text, &len))
		return -ENOENT;
	for (s = strstr((char *)text, FLAG); s; s = strstr(s + 1, FLAG)) {
		const char *v = s + strlen(FLAG);
		size_t l;

		if (*v != '=' && *v != ' ')
			continue;
		v += 1 + strspn(v + 1, " \"'");
		l = strcspn(v, " \"'\n\t");
		if (l && l < n && *v == '/') {
			snprintf(out, n, "%.*s", (int)l, v);
			ret = 0;	/* the last one wins, as on a command line */
		}
	}
	free(text);
	return ret;
}

int metrics_dir(char *out, size_t n)
{
	char p[PATH_MAX];

	if (given) {
		snprintf(out, n, "%s", given);
		return 0;
	}
	if (!from_defaults(out, n))
		return 0;
	snprintf(out, n, "/var/lib/prometheus/node-exporter");
	return path_exists(rpath(p, "%s", out)) ? 0 : -ENOENT;
}

int metrics_write(const char *name, const char *text, size_t len, char *where, size_t n)
{
	char dir[PATH_MAX], p[PATH_MAX];
	int ret;

	where[0] = '\0';
	if (metrics_dir(dir, sizeof(dir)))
		return 0;
	snprintf(where, n, "%s/%s", dir, name);
	ret = write_atomic(rpath(p, "%s", where), text, len, 0644);
	if (ret)
		ERR("could not write '%s': %s", where, strerror(-ret));
	return ret;
}

const char *metrics_label(char *out, size_t n, const char *v)
{
	size_t o = 0;

	for (; v && *v && o + 3 < n; v++) {
		if (*v == '\\' || *v == '"' || *v == '\n') {
			out[o++] = '\\';
			out[o++] = *v == '\n' ? 'n' : *v;
		} else {
			out[o++] = *v;
		}
	}
	out[o] = '\0';
	return out;
}
