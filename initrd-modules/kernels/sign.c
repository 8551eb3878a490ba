// SPDX-License-Identifier: GPL-2.0-or-later
/* dbdboot: a module signed with the kernel's sign-file (see sign.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "dbdboot.h"
#include "rootpath.h"
#include "run.h"
#include "sign.h"

/* Where dkms looks for sign-file: Debian's linux-kbuild-MAJOR.MINOR, then
 * the kernel's headers, then its build tree. */
static int find_sign_file(const char *kver, char *out, size_t n)
{
	char p[PATH_MAX], mm[32];
	const char *dot = strchr(kver, '.');
	size_t l = dot ? strcspn(dot + 1, ".-") + (size_t)(dot + 1 - kver) : strlen(kver);

	snprintf(mm, sizeof(mm), "%.*s", (int)l, kver);
	snprintf(out, n, "/usr/lib/linux-kbuild-%s/scripts/sign-file", mm);
	if (path_exists(rpath(p, "%s", out)))
		return 0;
	snprintf(out, n, "/usr/src/linux-headers-%s/scripts/sign-file", kver);
	if (path_exists(rpath(p, "%s", out)))
		return 0;
	snprintf(out, n, "/lib/modules/%s/build/scripts/sign-file", kver);
	return path_exists(rpath(p, "%s", out)) ? 0 : -ENOENT;
}

int sign_module(const char *kver, const char *module, const char *hash, const char *key,
		const char *cert, const char *log)
{
	char tool[PATH_MAX], why[256];
	size_t l = strlen(module);
	int ret;

	if (l < 3 || strcmp(module + l - 3, ".ko")) {
		ERR("could not sign '%s': it is compressed (sign the .ko before compressing)", module);
		return -EINVAL;
	}
	if (find_sign_file(kver, tool, sizeof(tool))) {
		ERR("could not sign '%s': no sign-file for %s (install linux-headers-%s)", module,
		    kver, kver);
		return -ENOENT;
	}
	{
		const char *argv[] = { tool, hash, key, cert, module, NULL };

		ret = run_prog(RUN_SIGN_FILE, argv, log);
	}
	if (ret) {
		ERR("could not sign '%s': %s %s (its output: %s)", module, tool,
		    run_failure(RUN_SIGN_FILE, ret, why, sizeof(why)), log);
		return ret < 0 ? ret : -EIO;
	}
	return 0;
}
