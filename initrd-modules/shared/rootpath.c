// SPDX-License-Identifier: GPL-2.0-or-later
/* dbdboot: paths under --root (see rootpath.h). */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dbdboot.h"
#include "rootpath.h"

char *rpath(char *out, const char *fmt, ...)
{
	size_t n = strlen(opt.root);
	va_list ap;

	memcpy(out, opt.root, n);
	va_start(ap, fmt);
	if ((size_t)vsnprintf(out + n, PATH_MAX - n, fmt, ap) >= PATH_MAX - n)
		out[PATH_MAX - 1] = '\0';	/* cut: any open of it fails */
	va_end(ap);
	return out;
}

char *rpath_resolved(char *out, const char *path)
{
	size_t rl = strlen(opt.root);
	char cur[PATH_MAX], link[PATH_MAX], rest[PATH_MAX];

	snprintf(cur, sizeof(cur), "%s", path);
	/* Follow links component by component, re-rooting absolute targets. */
	for (int hops = 0; hops < 40; hops++) {
		char *s = cur + rl, *slash;
		ssize_t n = -1;

		while (s && *s) {
			slash = strchr(s + 1, '/');
			if (slash)
				*slash = '\0';
			n = readlink(cur, link, sizeof(link) - 1);
			if (slash)
				*slash = '/';
			if (n > 0) {
				link[n] = '\0';
				snprintf(rest, sizeof(rest), "%s", slash ? slash : "");
				if (slash)
					*slash = '\0';
				if (link[0] == '/') {
					snprintf(cur, sizeof(cur), "%s%s%s", opt.root, link, rest);
				} else {
					char *dir = strrchr(cur + rl, '/');
					char base[PATH_MAX];

					if (dir)
						*dir = '\0';
					snprintf(base, sizeof(base), "%s", cur);
					snprintf(cur, sizeof(cur), "%s/%s%s", base, link, rest);
				}
				break;
			}
			s = slash;
		}
		if (n <= 0)
			break;
	}
	snprintf(out, PATH_MAX, "%s", cur);
	return out;
}

int path_exists(const char *path)
{
	return access(path, F_OK) == 0;
}
