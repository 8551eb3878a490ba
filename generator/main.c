// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot-generator NORMAL-DIR [EARLY-DIR LATE-DIR]: for every volume of
 * the manifest that the initramfs phase did not reload, a unit that
 * reloads it in the real root before its device is mounted (units.c).
 *
 * Inputs: ROOT/proc/cmdline (dbdboot=off: nothing; dbdboot.timeout=),
 * ROOT/etc/dbdboot/manifest, ROOT/run/dbdboot/early.json, ROOT/etc/fstab;
 * ROOT is "" or $DBDBOOT_GENERATOR_ROOT (for tests). Nothing allocated:
 * fixed buffers, limits in generator.h and below.
 *
 * Exit status: 0 whatever it found (a generator that fails only costs
 * the boot its units: each problem is said on /dev/kmsg instead);
 * 2 for a bad command line.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "devspec.h"
#include "say.h"
#include "fstab.h"
#include "generator.h"
#include "jsonread.h"

#define AGENT_PATH DBD_PATH_AGENT	/* dbdboot-paths.h, from make */
#define MANIFEST_PATH DBD_PATH_MANIFEST
#define REPORT_PATH "/run/dbdboot/early.json"
#define FILE_MAX (1024 * 1024)	/* bytes read of each input */
#define TOKENS_MAX 16384

static char text[FILE_MAX + 1];
static char fstab_text[FILE_MAX + 1];
static struct dbd_manifest man;
static struct dbd_jtok tok[TOKENS_MAX];
static int log_fd = 2;

void gen_say(const char *fmt, ...)
{
	char line[600];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = dbd_kmsg_line(line, sizeof(line), 4, "dbdboot-generator", fmt, ap);
	va_end(ap);
	if (write(log_fd, log_fd == 2 ? line + 3 : line, n - (log_fd == 2 ? 3 : 0)) < 0)
		return;
}

/* ROOT + PATH read whole into BUF (FILE_MAX bytes at most, NUL ended):
 * its length, or <0 (-ENOENT absent, -EFBIG longer: BUF holds its start). */
static long read_whole(const struct gen_conf *c, const char *path, char *buf)
{
	char p[PATH_MAX];
	size_t len = 0;
	ssize_t n;
	int fd, big = 0;

	snprintf(p, sizeof(p), "%s%s", c->root, path);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < FILE_MAX && (n = read(fd, buf + len, FILE_MAX - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
	}
	if (len == FILE_MAX) {
		char more;

		while ((n = read(fd, &more, 1)) < 0 && errno == EINTR)
			;
		big = n > 0;
	}
	close(fd);
	buf[len] = '\0';
	return big ? -EFBIG : (long)len;
}

/* What the report says of MINOR: to do here, done, or nothing to gain. */
static enum gen_done report_says(const struct dbd_json *j, int vols, unsigned int minor)
{
	static const char *const done[] = { "reloaded", "already-reloaded" };
	/* Mounted read-write already, or an ioctl still hung in the driver. */
	static const char *const hopeless[] = { "too-late", "reload-unfinished" };
	char outcome[32];

	for (unsigned int i = 0; vols >= 0; i++) {
		int v = dbd_json_at(j, vols, i);
		long long m;

		if (v < 0)
			break;
		if (dbd_json_get_int(j, v, "minor", &m) || m != (long long)minor ||
		    dbd_json_get_str(j, v, "outcome", outcome, sizeof(outcome)))
			continue;
		for (size_t k = 0; k < 2; k++) {
			if (!strcmp(outcome, done[k]))
				return GEN_DONE;
			if (!strcmp(outcome, hopeless[k]))
				return GEN_HOPELESS;
		}
	}
	return GEN_TODO;
}

/* The /dev path of an fstab SPEC (read as the manifest reads device=)
 * into OUT: 0, or -EINVAL when it names no block device that way. */
static int spec_path(const char *spec, char *out, size_t size)
{
	struct dbd_volume f = { 0 };

	if ((size_t)snprintf(f.device, sizeof(f.device), "%s", spec) >= sizeof(f.device) ||
	    dbd_manifest_device(&f))
		return -EINVAL;
	return dbd_devspec_path(&f, out, size);
}

/* Of the N entries in FILES and SPECS, those that MAYBE does not mark
 * kept (in their order): how many. */
static unsigned int drop_maybes(const char **files, const char **specs, const char *maybe,
				unsigned int n)
{
	unsigned int k = 0;

	for (unsigned int i = 0; i < n; i++)
		if (!maybe[i]) {
			files[k] = files[i];
			specs[k++] = specs[i];
		}
	return k;
}

/* The fstab entries of volume V that name its device, or may (match.c):
 * their mounts kept on mount(2), and when TODO (the initramfs did not
 * reload it), its unit. */
static void one_volume(const struct gen_conf *c, const struct dbd_volume *v, long fstab_len,
		       int todo)
{
	const char *files[GEN_FSTAB_MAX], *specs[GEN_FSTAB_MAX];
	static char copy[FILE_MAX + 1], devs[GEN_FSTAB_MAX][PATH_MAX], maybe[GEN_FSTAB_MAX];
	static struct gen_match m;
	struct dbd_fstab f;
	struct dbd_fstab_entry e;
	unsigned int n = 0, named = 0;
	int more = fstab_len == -EFBIG;	/* its lines unknown: before every mount */

	gen_match_start(&m, c, v);
	if (fstab_len > 0) {
		memcpy(copy, fstab_text, (size_t)fstab_len);
		dbd_fstab_open(&f, copy, (unsigned long)fstab_len);
		while (!more && dbd_fstab_next(&f, &e)) {
			char path[PATH_MAX];
			enum gen_names k;

			if (e.file[0] != '/' || spec_path(e.spec, path, sizeof(path)))
				continue;
			if ((k = gen_match_entry(&m, e.spec, path, e.file)) == GEN_NAMES_OTHER)
				continue;
			if (n == GEN_FSTAB_MAX) {
				more = 1;	/* not all named: the unit goes before all */
				break;
			}
			memcpy(devs[n], path, sizeof(path));
			files[n] = e.file;
			specs[n] = devs[n];
			maybe[n] = k == GEN_NAMES_MAYBE;
			named += !maybe[n];
			n++;
		}
	}
	/* Not there, and named for sure: the unknown ones are someone else's
	 * (an order too many would hold their mounts for this device). */
	if (!m.there && named && !more)
		n = drop_maybes(files, specs, maybe, n);
	gen_write_mount2(c, v, files, n);
	if (todo)
		gen_write_unit(c, v, files, specs, n, more, gen_match_at_boot(&m, named));
}

static int parse_args(int argc, char **argv, struct gen_conf *c)
{
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		printf("Usage: dbdboot-generator NORMAL-DIR [EARLY-DIR LATE-DIR]\n"
		       "A systemd generator: writes dbdboot-reload-MINOR.service into NORMAL-DIR\n"
		       "for every volume of %s that the initramfs did not reload\n"
		       "(%s), and drop-ins that keep every tracked volume's mounts on\n"
		       "mount(2). See dbdboot-generator(8).\n", MANIFEST_PATH, REPORT_PATH);
		return 0;
	}
	if (argc != 2 && argc != 4) {
		fprintf(stderr, "dbdboot-generator: expected 1 or 3 directories, got %d\n"
			"Try 'dbdboot-generator --help'\n", argc - 1);
		return 2;
	}
	c->dir = argv[1];
	return -1;
}

int main(int argc, char **argv)
{
	struct gen_conf c = { .root = "", .agent = AGENT_PATH, .timeout = AGENT_TIMEOUT_DEFAULT };
	struct agent_cmdline cmd = { 0 };
	struct dbd_json j = { 0 };
	long len, fstab_len;
	int vols = -1, ret, any = 0;

	if ((ret = parse_args(argc, argv, &c)) >= 0)
		return ret;
	if (getenv("DBDBOOT_GENERATOR_ROOT"))
		c.root = getenv("DBDBOOT_GENERATOR_ROOT");
	if (!c.root[0]) {
		int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NOCTTY);

		log_fd = fd >= 0 ? fd : 2;
	}
	if ((len = read_whole(&c, "/proc/cmdline", text)) >= 0)
		agent_cmdline_parse(text, &cmd, NULL, NULL);
	if (cmd.off)
		return 0;	/* dbdboot=off: the agent reloaded nothing, nor do we */
	if (cmd.timeout)
		c.timeout = cmd.timeout;
	len = read_whole(&c, MANIFEST_PATH, text);
	if (len < 0) {
		if (len != -ENOENT)
			gen_say("could not read '%s': %s", MANIFEST_PATH, strerror((int)-len));
		return 0;
	}
	if (dbd_manifest_parse(text, (size_t)len, &man, NULL, NULL)) {
		gen_say("'%s' is not a manifest this dbdboot reads: no volume reloaded in the "
			"real root", MANIFEST_PATH);
		return 0;
	}
	len = read_whole(&c, REPORT_PATH, text);
	if (len >= 0 && !dbd_json_parse(text, (size_t)len, tok, TOKENS_MAX, &j))
		vols = dbd_json_get(&j, 0, "volumes");
	fstab_len = read_whole(&c, "/etc/fstab", fstab_text);
	if (fstab_len == -EFBIG)
		gen_say("'/etc/fstab' is over %d bytes: each unit goes before every local mount",
			FILE_MAX);
	for (unsigned int i = 0; i < man.n; i++) {
		int todo = vols < 0 || report_says(&j, vols, man.vol[i].minor) == GEN_TODO;

		if (todo && !any && gen_write_target(&c))
			gen_say("could not write dbdboot-volumes.target in '%s': the volumes left "
				"to the real root are reloaded only when their devices appear", c.dir);
		any |= todo;
		one_volume(&c, &man.vol[i], fstab_len, todo);
	}
	return 0;
}
