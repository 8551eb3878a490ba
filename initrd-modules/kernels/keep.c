// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The module installed before a rebuild, kept on disk until its successor
 * is verified (see keep.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "dbdboot.h"
#include "facts.h"
#include "files.h"
#include "keep.h"
#include "kernel.h"
#include "rootpath.h"
#include "run.h"

#define KEPT "kept-module"
#define KEPT_PATH "kept-module.path"

int keep_save(const char *kver, const struct module_facts *m)
{
	char p[PATH_MAX], line[PATH_MAX + 1];
	unsigned char *data;
	size_t len;
	int ret;

	if (!m->found)
		return 0;
	ret = read_file(rpath(p, "%s", m->path), 64u << 20, &data, &len);
	if (ret) {
		ERR("could not read the installed dattobd '%s' to keep a copy of it: %s; "
		    "nothing built (a build removes it first)", m->path, strerror(-ret));
		return ret;
	}
	/* The bytes first: a path record always has them. */
	ret = write_atomic(state_path(p, kver, KEPT), data, len, 0600);
	free(data);
	if (!ret) {
		snprintf(line, sizeof(line), "%s\n", m->path);
		ret = write_atomic(state_path(p, kver, KEPT_PATH), line, strlen(line), 0644);
	}
	if (ret)
		ERR("could not keep a copy of the installed dattobd '%s' in '%s': %s; nothing "
		    "built (a build removes it first)", m->path, p, strerror(-ret));
	return ret;
}

/* Only a module's place under the kernel's modules folder is believed. */
static int module_place(const char *kver, const char *path)
{
	char a[PATH_MAX], b[PATH_MAX];

	snprintf(a, sizeof(a), "/lib/modules/%s/", kver);
	snprintf(b, sizeof(b), "/usr/lib/modules/%s/", kver);
	return (!strncmp(path, a, strlen(a)) || !strncmp(path, b, strlen(b))) &&
	       !strstr(path, "/../") && strstr(path, DKMS_MODULE ".ko");
}

int keep_pending(const char *kver, char *path, size_t n)
{
	char p[PATH_MAX];
	unsigned char *text;
	size_t len;

	if (read_file(state_path(p, kver, KEPT_PATH), PATH_MAX, &text, &len))
		return 0;
	text[strcspn((char *)text, "\n")] = '\0';
	if (!module_place(kver, (char *)text)) {
		warn("'%s' names no module of %s ('%s'): ignored", p, kver, (char *)text);
		free(text);
		return 0;
	}
	snprintf(path, n, "%s", (char *)text);
	free(text);
	return 1;
}

int keep_restore(const char *kver, enum keep_why why)
{
	char path[PATH_MAX], p[PATH_MAX];
	unsigned char *data = NULL, *now = NULL;
	size_t len, nlen;
	int ret;

	if (!keep_pending(kver, path, sizeof(path))) {
		if (why == KEEP_FAILED)
			ERR("%s: no dattobd was installed for it before this build: it has none "
			    "now", kver);
		return 0;
	}
	ret = read_file(state_path(p, kver, KEPT), 64u << 20, &data, &len);
	if (ret) {
		ERR("could not read the copy of the dattobd installed before at '%s': %s; %s "
		    "has no working dattobd now: run: dbdboot rebuild -k %s", p, strerror(-ret),
		    kver, kver);
		return ret;
	}
	if (!read_file(rpath(p, "%s", path), 64u << 20, &now, &nlen) && nlen == len &&
	    !memcmp(now, data, len)) {
		if (why == KEEP_FAILED)
			info("%s: the dattobd installed before is still in place at '%s'", kver,
			     path);
		goto out;
	}
	ret = write_atomic(p, data, len, 0644);
	if (ret) {
		ERR("could not put the dattobd installed before back at '%s': %s; %s has no "
		    "working dattobd now: run: dbdboot rebuild -k %s", path, strerror(-ret),
		    kver, kver);
		goto out;
	}
	run_depmod(kver);	/* says what to run when it fails */
	if (why == KEEP_BUILDING)
		info("%s: dkms unbuild removed '%s': it is back while dkms builds", kver, path);
	else if (why == KEEP_FAILED)
		ERR("%s: the dattobd installed before this build is back at '%s': the kernel "
		    "keeps it until a build succeeds (dkms may no longer list it as installed)",
		    kver, path);
	else
		warn("%s: a rebuild was interrupted: the dattobd installed before it is back at "
		     "'%s'", kver, path);
out:
	free(data);
	free(now);
	return ret;
}

int keep_take_away(const char *kver)
{
	char path[PATH_MAX], p[PATH_MAX];
	int ret;

	if (!keep_pending(kver, path, sizeof(path)))
		return 0;
	ret = remove_path(rpath(p, "%s", path), 0);
	if (ret && ret != -ENOENT) {
		ERR("could not remove '%s' for dkms to install its successor: %s", path,
		    strerror(-ret));
		return ret;
	}
	return 0;
}

void keep_drop(const char *kver)
{
	char p[PATH_MAX];

	remove_path(state_path(p, kver, KEPT_PATH), 0);
	remove_path(state_path(p, kver, KEPT), 0);
}

int keep_recover(const char *kver)
{
	char path[PATH_MAX];
	struct facts f;
	int ret;

	if (!keep_pending(kver, path, sizeof(path)))
		return 0;
	if (!facts_get(kver, FACT_MODULE, &f) && f.mod.found && !f.mod.problem[0]) {
		info("%s: a rebuild was interrupted; the dattobd at '%s' verifies: the copy kept "
		     "of the one before is dropped", kver, f.mod.path);
		keep_drop(kver);
		return 0;
	}
	ret = keep_restore(kver, KEEP_INTERRUPTED);
	if (!ret)
		keep_drop(kver);
	return ret;
}
