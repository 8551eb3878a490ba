// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot-generator: the units it writes. One per volume,
 * dbdboot-reload-MINOR.service, ordered against that volume's device
 * alone (BindsTo= and After= the device, Before= its blockdev@ target,
 * its fsck and its fstab mounts), started two ways: by
 * dbdboot-volumes.target (in the boot, waiting for nothing) and by the
 * device itself when it appears later (DEVICE.wants/).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "devspec.h"
#include "generator.h"
#include "unitname.h"

#define TARGET "dbdboot-volumes.target"

struct text {
	char buf[GEN_UNIT_MAX];
	size_t len;
	int overflow;
};

__attribute__((format(printf, 2, 3)))
static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(t->buf) - t->len)
		t->overflow = 1;
	else
		t->len += (size_t)n;
}

int gen_replace(const char *dir, const char *name, const char *buf, size_t len)
{
	int dfd, ret;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	ret = dbd_replace_at(dfd, name, buf, len, 0644, NULL);
	close(dfd);
	return ret;
}

static int write_file(const struct gen_conf *c, const char *name, const struct text *t)
{
	return t->overflow ? -E2BIG : gen_replace(c->dir, name, t->buf, t->len);
}

/* DIR/WANTER.wants/NAME -> DIR/NAME. */
static int link_from(const struct gen_conf *c, const char *wanter, const char *name)
{
	char d[PATH_MAX], l[PATH_MAX], to[PATH_MAX];

	if ((size_t)snprintf(d, sizeof(d), "%s/%s.wants", c->dir, wanter) >= sizeof(d) ||
	    (size_t)snprintf(l, sizeof(l), "%s/%s", d, name) >= sizeof(l) ||
	    (size_t)snprintf(to, sizeof(to), "%s/%s", c->dir, name) >= sizeof(to))
		return -ENAMETOOLONG;
	if (mkdir(d, 0755) && errno != EEXIST)
		return -errno;
	if (symlink(to, l) && errno != EEXIST)
		return -errno;
	return 0;
}

int gen_write_target(const struct gen_conf *c)
{
	static struct text t;
	int ret;

	t.len = 0;
	add(&t, "# Written by dbdboot-generator: pulls the dbdboot-reload-*.service of this\n"
		"# boot in, and waits for none of them (each waits for its own device).\n"
		"[Unit]\nDescription=dbdboot: volumes reloaded in the real root\n"
		"Documentation=man:dbdboot-generator(8)\nDefaultDependencies=no\n");
	ret = write_file(c, TARGET, &t);
	return ret ? ret : link_from(c, "sysinit.target", TARGET);
}

/* Before= the blockdev@ target and the fsck of device path DEV; the target
 * pulled in, as a storage service does (systemd.special(7)), so that every
 * mount of DEV (After= that target) waits for the reload. */
static void before_device(struct text *t, const char *dev)
{
	char esc[PATH_MAX];

	if (dbd_unit_from_path(dev, "", esc, sizeof(esc)))
		return;
	add(t, "Wants=blockdev@%s.target\n", esc);
	add(t, "Before=blockdev@%s.target systemd-fsck@%s.service\n", esc, esc);
}

/* S as a value systemd reads as text and nothing else, into OUT: each %
 * doubled (a specifier's sign); every byte that is not printable ASCII
 * (a newline would start a line of its own: "[Service]", "ExecStartPre=")
 * and each backslash (one at the end continues the line) shown as '?'. */
static const char *unit_text_value(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; *s && n + 2 < size; s++) {
		unsigned char b = (unsigned char)*s;

		out[n++] = b < 0x20 || b > 0x7e || b == '\\' ? '?' : *s;
		if (*s == '%')
			out[n++] = '%';
	}
	out[n] = '\0';
	return out;
}

/* Mounted by the initramfs itself (the root, /usr), by the manifest's
 * mount= or the fstab's mount points. */
int gen_initramfs_mounted(const struct dbd_volume *v, const char *const *files, unsigned int n)
{
	if (!strcmp(v->mount, "/") || !strcmp(v->mount, "/usr"))
		return 1;
	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(files[i], "/") || !strcmp(files[i], "/usr"))
			return 1;
	return 0;
}

/* The unit's text into T. WHOLE 0: its fstab mounts too many to name in
 * GEN_UNIT_MAX bytes, it goes before every local mount instead. */
static void unit_text(const struct gen_conf *c, const struct dbd_volume *v, const char *dev,
		      const char *devunit, const char *const *files, const char *const *specs,
		      unsigned int n, int whole, struct text *t)
{
	char mount[PATH_MAX], shown[PATH_MAX];

	add(t, "# Written by dbdboot-generator from the manifest's line %u: the initramfs\n"
	       "# did not reload minor %u, so it is reloaded here, before any mount of its\n"
	       "# device. Fails open: a failure is reported, the mounts go on.\n", v->line, v->minor);
	add(t, "[Unit]\nDescription=dbdboot: reload dattobd minor %u before %s is mounted\n",
	    v->minor, unit_text_value(v->device, shown, sizeof(shown)));
	add(t, "Documentation=man:dbdboot-generator(8) man:dbdboot-early(8)\n"
	       "DefaultDependencies=no\nConflicts=shutdown.target\nBefore=shutdown.target\n");
	/* The root and /usr, mounted read-only by the initramfs: their device
	 * is there, and no device unit is waited for: in the real root of
	 * initramfs-tools, device units come only with udev's coldplug, which
	 * systemd orders after the read-write remount (udevd after sysusers
	 * after systemd-remount-fs), so a wait for one before that remount
	 * deadlocked the boot until the device timeout (90 s, then emergency
	 * mode: TEST-50 boot 10). Reloaded before the root's fsck and the
	 * read-write remount. Any other volume waits for its device, before
	 * its own mounts only. */
	if (gen_initramfs_mounted(v, files, n))
		add(t, "Before=systemd-fsck-root.service systemd-remount-fs.service\n");
	else
		add(t, "BindsTo=%s\nAfter=%s\n", devunit, devunit);
	before_device(t, dev);
	if (!whole)
		add(t, "# Its fstab entries are too many to name here: before every local mount.\n"
		       "Before=local-fs-pre.target\n");
	for (unsigned int i = 0; whole && i < n; i++) {
		if (strcmp(specs[i], dev))
			before_device(t, specs[i]);
		if (!dbd_unit_from_path(files[i], ".mount", mount, sizeof(mount)))
			add(t, "Before=%s\n", mount);
	}
	add(t, "Wants=dbdboot-rejudge@%u.service\n", v->minor);
	add(t, "\n[Service]\nType=oneshot\nRemainAfterExit=yes\n"
	       "ExecStart=%s --phase after-switch-root --minor %u --timeout %d\n"
	       "TimeoutStartSec=%d\n", c->agent, v->minor, c->timeout,
	    c->timeout + GEN_TIMEOUT_MARGIN);
}

int gen_write_unit(const struct gen_conf *c, const struct dbd_volume *v,
		   const char *const *files, const char *const *specs, unsigned int n, int more,
		   int at_boot)
{
	static struct text t;
	char dev[PATH_MAX], devunit[PATH_MAX], name[64];
	int ret;

	if (dbd_devspec_path(v, dev, sizeof(dev)) ||
	    dbd_unit_from_path(dev, ".device", devunit, sizeof(devunit))) {
		gen_say("could not name the device unit of minor %u ('%s'): not reloaded in the "
			"real root", v->minor, v->device);
		return -EINVAL;
	}
	t.len = 0;
	t.overflow = 0;
	unit_text(c, v, dev, devunit, files, specs, n, !more, &t);
	if (more || t.overflow) {
		/* Never dropped: fewer lines, the same safety (later mounts wait). */
		gen_say("minor %u: %s%u fstab entries name its device, too many for one unit of "
			"%d bytes: its unit goes before every local mount instead", v->minor,
			more ? "over " : "", n, GEN_UNIT_MAX);
		if (t.overflow) {	/* written whole: once more, shorter */
			t.len = 0;
			t.overflow = 0;
			unit_text(c, v, dev, devunit, files, specs, n, 0, &t);
		}
	}
	snprintf(name, sizeof(name), "dbdboot-reload-%u.service", v->minor);
	ret = write_file(c, name, &t);
	if (!ret && at_boot)
		ret = link_from(c, TARGET, name);
	if (!ret)
		ret = link_from(c, devunit, name);
	if (ret)
		gen_say("could not write the unit of minor %u in '%s': %s", v->minor, c->dir,
			strerror(-ret));
	return ret;
}
