// SPDX-License-Identifier: GPL-2.0-or-later
/* Module loading for the early agent: see modload.h. No allocation. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "modload.h"
#include "fmt.h"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif

#define LINE_MAX_BYTES 8192

void dbd_modname(const char *path, char *name, size_t size)
{
	const char *base = strrchr(path, '/');
	size_t i;

	base = base ? base + 1 : path;
	for (i = 0; i + 1 < size && base[i] && base[i] != '.'; i++)
		name[i] = base[i] == '-' ? '_' : base[i];
	if (size)
		name[i] = '\0';
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int dbd_moddep_line(const char *line, const char *name, struct dbd_moddep *out)
{
	const char *colon = strchr(line, ':'), *s;
	char mod[64];
	size_t n;

	if (!colon || colon == line)
		return -EINVAL;
	n = (size_t)(colon - line);
	if (n >= sizeof(out->path))
		return -E2BIG;
	memcpy(out->path, line, n);
	out->path[n] = '\0';
	dbd_modname(out->path, mod, sizeof(mod));
	if (strcmp(mod, name))
		return 0;
	out->ndeps = 0;
	s = colon + 1;
	for (;;) {
		const char *e;

		while (is_blank(*s))
			s++;
		if (!*s || *s == '\n')
			break;
		e = s;
		while (*e && !is_blank(*e) && *e != '\n')
			e++;
		if (out->ndeps >= DBD_MODDEP_MAX_DEPS || (size_t)(e - s) >= DBD_MODPATH_MAX)
			return -E2BIG;
		memcpy(out->deps[out->ndeps], s, (size_t)(e - s));
		out->deps[out->ndeps][e - s] = '\0';
		out->ndeps++;
		s = e;
	}
	return 1;
}

static int moddep_take(char *line, size_t len, int too_long, const char *name,
		       struct dbd_moddep *out)
{
	int ret;

	if (too_long)
		return 0;	/* another module's over-long line: not ours */
	line[len] = '\0';
	ret = dbd_moddep_line(line, name, out);
	return ret == -EINVAL ? 0 : ret;
}

int dbd_moddep_find(int fd, const char *name, struct dbd_moddep *out)
{
	static char line[LINE_MAX_BYTES];
	char chunk[4096];
	size_t len = 0;
	int too_long = 0, ret;
	ssize_t n, i;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0) {
			ret = len ? moddep_take(line, len, too_long, name, out) : 0;
			return ret == 1 ? 0 : ret < 0 ? ret : -ENOENT;
		}
		for (i = 0; i < n; i++) {
			if (chunk[i] != '\n') {
				if (len + 1 < sizeof(line))
					line[len++] = chunk[i];
				else
					too_long = 1;
				continue;
			}
			ret = moddep_take(line, len, too_long, name, out);
			if (ret)
				return ret == 1 ? 0 : ret;
			len = 0;
			too_long = 0;
		}
	}
}

static int path_join(char *dst, size_t size, const char *a, const char *b, const char *c)
{
	int n = dbd_snprintf(dst, size, "%s/%s%s%s", a, b, c ? "/" : "", c ? c : "");

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int module_present(const struct dbd_modload_paths *p, const char *name)
{
	char path[DBD_MODPATH_MAX];
	struct stat st;

	if (path_join(path, sizeof(path), p->sys, "module", name))
		return 0;
	return stat(path, &st) == 0;
}

/* The compression suffix of a module file: "", "gz", "xz", "zst", or NULL. */
static const char *compression(const char *path)
{
	const char *ko = strstr(path, ".ko");

	if (!ko)
		return NULL;
	if (!ko[3])
		return "";
	if (!strcmp(ko + 3, ".gz") || !strcmp(ko + 3, ".xz") || !strcmp(ko + 3, ".zst"))
		return ko + 4;
	return NULL;
}

/* Can the kernel decompress SUFFIX itself (CONFIG_MODULE_DECOMPRESS)? */
static int kernel_decompresses(const struct dbd_modload_paths *p, const char *suffix)
{
	static const char *const algo[][2] = { { "gz", "gzip" }, { "xz", "xz" }, { "zst", "zstd" } };
	char path[DBD_MODPATH_MAX], buf[64];
	ssize_t n;
	size_t i;
	int fd;

	if (path_join(path, sizeof(path), p->sys, "module/compression", NULL))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (i = 0; i < sizeof(algo) / sizeof(algo[0]); i++)
		if (!strcmp(suffix, algo[i][0]) && !strncmp(buf, algo[i][1], strlen(algo[i][1])))
			return 1;
	return 0;
}

static int finit(const char *path, const char *params, int flags)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, params, flags) != 0)
		ret = errno == EEXIST ? 0 : -errno;
	close(fd);
	return ret;
}

static int run_modprobe(const struct dbd_modload_paths *p, const char *name)
{
	static const char *const where[] = { "/sbin/modprobe", "/usr/sbin/modprobe", "/bin/modprobe" };
	const char *prog = p->modprobe;
	int status;
	pid_t pid;
	size_t i;

	for (i = 0; !prog && i < sizeof(where) / sizeof(where[0]); i++)
		if (access(where[i], X_OK) == 0)
			prog = where[i];
	if (!prog)
		return -ENOEXEC;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execl(prog, "modprobe", "-q", name, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return -EIO;
}

/* Load one module file (relative path) unless its name is already loaded. */
static int load_one(const struct dbd_modload_paths *p, const char *release, const char *rel,
		    const char *params, struct dbd_modload_result *res, int is_main)
{
	char path[DBD_MODPATH_MAX], name[64];
	const char *comp = compression(rel);
	int ret;

	dbd_modname(rel, name, sizeof(name));
	if (module_present(p, name))
		return 0;
	ret = path_join(path, sizeof(path), p->modules, release, rel);
	if (ret)
		return ret;
	if (is_main)
		memcpy(res->path, path, sizeof(res->path));
	if (!comp)
		return -ENOEXEC;
	if (!*comp) {
		if (is_main)
			res->how = DBD_MODLOAD_FINIT;
		return finit(path, params, 0);
	}
	if (kernel_decompresses(p, comp)) {
		if (is_main)
			res->how = DBD_MODLOAD_FINIT_COMPRESSED;
		return finit(path, params, MODULE_INIT_COMPRESSED_FILE);
	}
	if (is_main)
		res->how = DBD_MODLOAD_MODPROBE;
	return run_modprobe(p, name);
}

int dbd_modload(const struct dbd_modload_paths *p, const char *name, const char *params,
		struct dbd_modload_result *res)
{
	static struct dbd_moddep dep;
	char path[DBD_MODPATH_MAX];
	struct utsname u;
	const char *release = p->release;
	unsigned int i;
	int fd, ret;

	memset(res, 0, sizeof(*res));
	if (module_present(p, name)) {
		res->how = DBD_MODLOAD_ALREADY;
		return 0;
	}
	if (!release) {
		if (uname(&u))
			return res->error = -errno;
		release = u.release;
	}
	ret = path_join(path, sizeof(path), p->modules, release, "modules.dep");
	if (ret)
		return res->error = ret;
	memcpy(res->path, path, sizeof(res->path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return res->error = -errno;
	ret = dbd_moddep_find(fd, name, &dep);
	close(fd);
	if (ret)
		return res->error = ret;
	for (i = dep.ndeps; i-- > 0;) {
		ret = load_one(p, release, dep.deps[i], "", res, 0);
		if (ret) {
			dbd_modname(dep.deps[i], res->failed_dep, sizeof(res->failed_dep));
			return res->error = ret;
		}
	}
	ret = load_one(p, release, dep.path, params, res, 1);
	return res->error = ret;
}

const char *dbd_modload_strerror(int err)
{
	switch (-err) {
	case 0:
		return "loaded";
	case ENOEXEC:
		return "built for another kernel (invalid module format)";
	case EKEYREJECTED:
		return "refused by the kernel's signature check: unsigned, or signed by a key "
		       "it does not trust (signatures enforced: module.sig_enforce=1, lockdown "
		       "or Secure Boot)";
	case EBADMSG:
		return "signature malformed";
	case ENOKEY:
		return "signed with an unknown key (Secure Boot)";
	case EPERM:
		return "module loading not permitted (lockdown or modules_disabled)";
	case ENOENT:
		return "not found (no such module file, or not listed in modules.dep)";
	case EINVAL:
		return "invalid module parameters, or bad module";
	case ENOMEM:
		return "out of memory";
	case EBUSY:
		return "busy (module being loaded or unloaded)";
	case EIO:
		return "modprobe failed";
	case E2BIG:
		return "modules.dep entry over the agent's limits";
	case ETIMEDOUT:
		return "its load, started early in the initramfs, did not finish within the deadline";
	}
	return strerror(-err);
}
