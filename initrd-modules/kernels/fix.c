// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot: its own fix of dattobd's reload bug (fix.h), put in place for
 * dkms: the patch in the source's patches/ folder (dkms copies the source
 * into its build folder and applies PATCH[] there) and PATCH[] in
 * /etc/dkms/dattobd-VERSION.conf, which dkms reads after the source's
 * dkms.conf. No file of the driver's package is changed; both files are
 * dbdboot's, named dbdboot-*, and go when the fix is switched off or
 * dbdboot is removed (the package's postrm).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "dbdboot-fix-patch.h"	/* FIX_PATCH_TEXT, made from fixes/reload-cow-dev.patch */
#include "dbdboot.h"
#include "files.h"
#include "fix.h"
#include "rootpath.h"
#include "sha256.h"

#define FIX_PATCH_NAME "dbdboot-" FIX_TAG ".patch"
#define FIX_CONF_MARK "# dbdboot: "

/* The releases with the bug, each by the SHA-256 of the two files it lives
 * in (the reload path in tracer.c, cow_reload and cow_sync_and_close in
 * cow_manager.c), as their release tags hold them. 0.11.7 and older are
 * not here: 0.11.7's transition does not set the pointer either, and older
 * ones never pass it on at close. */
static const struct affected {
	const char *release, *tracer, *cow_manager;
} affected[] = {
	{ "0.11.8", "639e6d7f71cdeb7e649ddbcf00b0a31b0ecd81d8d69386b4cc0010f699604b88",
	  "a4f9c1a8d976ce0924a8ffe06f4268fabcbc9436cc7c77487581cfc0102504fa" },
	{ "0.11.9", "c4129d689b4d84c4a97a79c84ff6b3410625316a9982bf410e10c5453be91193",
	  "ed8d5c6b00fb57e6fbb5d71c7df2ede4ee134fec0e0b65ee9a3b664af7fd1a0b" },
	{ "0.11.10", "053d30c8e08f0ff6cee6648c43059c4a3355896166128555837747c574c9ba07",
	  "d6b5e5627853c1eb097cf40444e4b50c5c6d66baeddb8196415115d6dc4d6494" },
	{ "0.12.0", "874ce57e9f9fdbdcf02ca8a03c20f95d0e5f78c19af719d8b0467bc136ad9aa5",
	  "000397691200b1f4cec7bbd3662204effca9eea822a0e48400ade807c9ea39f0" },
	{ "0.12.1", "48d75105be416a7385bf40b608ee302a9ed476adb29f46539a914ba12803119c",
	  "6609a401fb364b5ec9827d966b2907d42b5fd316a3ca85a93739d05b769d413e" },
};

static const char conf_text[] =
	FIX_CONF_MARK "dbdboot's fix of dattobd's reload path, applied by dkms to every build\n"
	"# of this version (dbdboot(8), DRIVER FIX). Written by dbdboot rebuild; removed\n"
	"# when the fix is switched off (" FIX_OFF_FILE ") or dbdboot is removed.\n"
	"PATCH+=(\"" FIX_PATCH_NAME "\")\n";

/* The source folder dkms builds VERSION from (its source link, resolved
 * inside the root), else /usr/src/dattobd-VERSION. */
static char *source_dir(char *out, const char *version)
{
	char p[PATH_MAX];

	rpath_resolved(out, rpath(p, "/var/lib/dkms/" DKMS_MODULE "/%s/source", version));
	if (!path_exists(out))
		rpath(out, "/usr/src/" DKMS_MODULE "-%s", version);
	return out;
}

static char *conf_path(char *out, const char *version)
{
	return rpath(out, "/etc/dkms/" DKMS_MODULE "-%s.conf", version);
}

/* The SHA-256 of DIR/NAME into HEX; 0 or <0. */
static int hash_of(const char *dir, const char *name, char hex[65])
{
	char p[PATH_MAX];
	unsigned char *buf;
	size_t len;
	int ret;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	ret = read_file(p, 16u << 20, &buf, &len);
	if (ret)
		return ret;
	sha256_hex(buf, len, hex);
	free(buf);
	return 0;
}

/* Does the file at PATH hold exactly TEXT? */
static int holds(const char *path, const char *text)
{
	unsigned char *buf;
	size_t len;
	int same;

	if (read_file(path, 1u << 20, &buf, &len))
		return 0;
	same = len == strlen(text) && !memcmp(buf, text, len);
	free(buf);
	return same;
}

static void recognise(const char *src, struct fix_facts *x)
{
	char tracer[65], cm[65];

	if (hash_of(src, "tracer.c", tracer) || hash_of(src, "cow_manager.c", cm)) {
		x->source = path_exists(src) ? FIX_UNKNOWN : FIX_NO_SOURCE;
		snprintf(x->why, sizeof(x->why), path_exists(src) ? "'%s' has no tracer.c and "
			 "cow_manager.c to recognise" : "no source at '%s'", src);
		return;
	}
	for (size_t i = 0; i < sizeof(affected) / sizeof(affected[0]); i++) {
		if (!strcmp(tracer, affected[i].tracer) && !strcmp(cm, affected[i].cow_manager)) {
			x->source = FIX_AFFECTED;
			snprintf(x->release, sizeof(x->release), "%s", affected[i].release);
			return;
		}
	}
	x->source = FIX_UNKNOWN;
	snprintf(x->why, sizeof(x->why), "the source at '%s' is no release dbdboot knows "
		 "(tracer.c %.12s..., cow_manager.c %.12s...)", src, tracer, cm);
}

int fix_facts(const char *version, struct fix_facts *x)
{
	char src[PATH_MAX], p[PATH_MAX];

	memset(x, 0, sizeof(*x));
	snprintf(x->version, sizeof(x->version), "%s", version);
	x->off = path_exists(rpath(p, "%s", FIX_OFF_FILE));
	source_dir(src, version);
	recognise(src, x);
	conf_path(p, version);
	if (path_exists(p)) {
		unsigned char *buf;
		size_t len;

		x->foreign_conf = 1;
		if (!read_file(p, 1u << 20, &buf, &len)) {
			x->foreign_conf = len < strlen(FIX_CONF_MARK) ||
					  memcmp(buf, FIX_CONF_MARK, strlen(FIX_CONF_MARK));
			free(buf);
		}
	}
	snprintf(src + strlen(src), sizeof(src) - strlen(src), "/patches/" FIX_PATCH_NAME);
	x->in_place = !x->foreign_conf && holds(p, conf_text) && holds(src, FIX_PATCH_TEXT);
	return 0;
}

const char *fix_affected_release(const char *version)
{
	for (size_t i = 0; i < sizeof(affected) / sizeof(affected[0]); i++) {
		size_t n = strlen(affected[i].release);

		if (!strncmp(version, affected[i].release, n) && version[n] != '.' &&
		    (version[n] < '0' || version[n] > '9'))
			return affected[i].release;
	}
	return NULL;
}

int fix_wanted(const struct fix_facts *x)
{
	return x->source == FIX_AFFECTED && !x->off;
}

/* Take dbdboot's override of VERSION away (a vanilla build next). */
static int fix_remove(const char *version, const struct fix_facts *x)
{
	char p[PATH_MAX], src[PATH_MAX];
	int ret = 0;

	if (!x->foreign_conf && path_exists(conf_path(p, version)))
		ret = remove_path(p, 0);
	source_dir(src, version);
	snprintf(p, sizeof(p), "%s/patches/" FIX_PATCH_NAME, src);
	if (path_exists(p) && !ret)
		ret = remove_path(p, 0);
	if (ret)
		ERR("could not remove dbdboot's fix of dattobd %s ('%s'): %s", version, p,
		    strerror(-ret));
	return ret;
}

int fix_prepare(const char *version, const struct fix_facts *x)
{
	char p[PATH_MAX], src[PATH_MAX];
	int ret;

	if (!fix_wanted(x)) {
		if (x->source == FIX_AFFECTED)
			warn("dattobd %s has the reload bug, and dbdboot's fix is switched off ('%s'): "
			     "built without it; a volume reloaded at boot will hang the shutdown "
			     "after it (dbdboot(8), DRIVER FIX)", version, FIX_OFF_FILE);
		else if (x->source == FIX_UNKNOWN)
			warn("could not recognise dattobd %s: %s; dbdboot's fix of the reload bug "
			     "is made for the releases it knows by their exact source, so this one "
			     "is built as it is (dbdboot(8), DRIVER FIX)", version, x->why);
		return fix_remove(version, x);
	}
	if (x->in_place)
		return 0;
	if (x->foreign_conf) {
		ERR("could not apply dbdboot's fix of dattobd %s: '%s' is not dbdboot's (it lacks "
		    "the line '%s...'); built without the fix. Add this line to it: PATCH+=(\"%s\"), "
		    "or remove it and run: dbdboot rebuild --all --force", version,
		    conf_path(p, version), FIX_CONF_MARK, FIX_PATCH_NAME);
		return -EEXIST;
	}
	source_dir(src, version);
	snprintf(p, sizeof(p), "%s/patches", src);
	ret = mkdir_p(p, 0755);
	if (!ret) {
		snprintf(p, sizeof(p), "%s/patches/" FIX_PATCH_NAME, src);
		ret = write_atomic(p, FIX_PATCH_TEXT, strlen(FIX_PATCH_TEXT), 0644);
	}
	if (!ret && !(ret = mkdir_p(rpath(p, "/etc/dkms"), 0755)))
		ret = write_atomic(conf_path(p, version), conf_text, strlen(conf_text), 0644);
	if (ret) {
		ERR("could not put dbdboot's fix of dattobd %s in place ('%s'): %s; built "
		    "without it", version, p, strerror(-ret));
		return ret;
	}
	info("dattobd %s (release %s, recognised by its source) has the reload bug: dkms "
	     "applies dbdboot's fix ('%s', '%s/patches/%s')", version, x->release,
	     conf_path(p, version), src, FIX_PATCH_NAME);
	return 0;
}

const char *fix_state_str(const struct fix_facts *x, const char *tag, int *bad)
{
	int carried = !strcmp(tag, FIX_TAG);

	*bad = 0;
	if (x->source == FIX_AFFECTED && !x->off && !carried) {
		*bad = 1;
		return "MISSING: this dattobd has the reload bug (a volume reloaded at boot hangs "
		       "the next shutdown and loses its chain); run: dbdboot rebuild --force";
	}
	if (carried)
		return x->off ? "carried, though switched off (a rebuild takes it out)"
			      : "carried (" FIX_TAG ")";
	if (x->source == FIX_AFFECTED)
		return "switched off: this dattobd has the reload bug; the chain of a volume "
		       "reloaded at boot will not survive the shutdown after it";
	if (x->source == FIX_UNKNOWN)
		return "not applied: a dattobd source dbdboot does not recognise";
	return "not applied: no dattobd source to recognise";
}
