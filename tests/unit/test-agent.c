// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of dbdboot-early's decisions on fake /proc, /sys and /dev
 * trees: the kernel command line, modules.dep, the module load, the boot's
 * mounts and the report (device resolution and the mount state:
 * test-agent-resolve.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"
#include "agentroot.h"

#include "agent.h"
#include "devspec.h"
#include "mountinfo.h"
#include "preload.h"

static char warnings[2048];

static void collect(void *ctx, const char *msg)
{
	(void)ctx;
	strncat(warnings, msg, sizeof(warnings) - strlen(warnings) - 2);
	strcat(warnings, "\n");
}

static void cmdline_words(void **state)
{
	struct agent_cmdline c;

	(void)state;
	warnings[0] = '\0';
	agent_cmdline_parse("BOOT_IMAGE=/vmlinuz root=/dev/vda ro quiet\n", &c, collect, NULL);
	assert_int_equal(c.off, 0);
	assert_int_equal(c.timeout, 0);
	assert_int_equal(c.debug, 0);
	assert_string_equal(c.modparams, "");

	agent_cmdline_parse("dbdboot=off dbdboot.timeout=25 dbdboot.debug dattobd.debug=1 "
			    "dattobd.hang_ioctl=3 x=\"a b\" dattobd.foo=\"q r\"", &c, collect, NULL);
	assert_int_equal(c.off, 1);
	assert_int_equal(c.timeout, 25);
	assert_int_equal(c.debug, 1);
	assert_string_equal(c.modparams, "debug=1 hang_ioctl=3 foo=q r");
	assert_string_equal(warnings, "");

	agent_cmdline_parse("dbdboot=on dbdboot.debug=0", &c, collect, NULL);
	assert_int_equal(c.off, 0);
	assert_int_equal(c.debug, 0);
}

static void cmdline_bad_values_warned(void **state)
{
	struct agent_cmdline c;

	(void)state;
	warnings[0] = '\0';
	agent_cmdline_parse("dbdboot.timeout=0 dbdboot.timeout=abc dbdboot.timeout=3601 dbdboot=maybe",
			    &c, collect, NULL);
	assert_int_equal(c.timeout, 0);
	assert_int_equal(c.off, 0);
	assert_non_null(strstr(warnings, "dbdboot.timeout=0 is not a number of seconds"));
	assert_non_null(strstr(warnings, "dbdboot.timeout=abc"));
	assert_non_null(strstr(warnings, "dbdboot.timeout=3601"));
	assert_non_null(strstr(warnings, "dbdboot=maybe not understood"));
}

static void cmdline_modparams_bounded(void **state)
{
	struct agent_cmdline c;
	char text[4096];
	size_t l = 0;
	int i;

	(void)state;
	for (i = 0; i < 60; i++)
		l += (size_t)snprintf(text + l, sizeof(text) - l, "dattobd.p%02d=0123456789 ", i);
	warnings[0] = '\0';
	agent_cmdline_parse(text, &c, collect, NULL);
	assert_true(strlen(c.modparams) <= AGENT_MODPARAMS_MAX);
	assert_int_equal(c.modparams_truncated, 1);
	assert_non_null(strstr(warnings, "too many module parameters"));
	/* What was kept is whole parameters only. */
	assert_int_equal(c.modparams[strlen(c.modparams) - 1], '9');
}

static void moddep_lines(void **state)
{
	struct dbd_moddep d;
	char name[64];

	(void)state;
	assert_int_equal(dbd_moddep_line("kernel/drivers/block/loop.ko:", "dattobd", &d), 0);
	assert_int_equal(dbd_moddep_line("updates/dkms/dattobd.ko:", "dattobd", &d), 1);
	assert_string_equal(d.path, "updates/dkms/dattobd.ko");
	assert_int_equal(d.ndeps, 0);
	assert_int_equal(dbd_moddep_line("updates/dkms/dattobd.ko.zst: kernel/a/b-c.ko.zst kernel/x.ko",
					 "dattobd", &d), 1);
	assert_int_equal(d.ndeps, 2);
	assert_string_equal(d.deps[0], "kernel/a/b-c.ko.zst");
	assert_string_equal(d.deps[1], "kernel/x.ko");
	assert_int_equal(dbd_moddep_line("no colon here", "dattobd", &d), -EINVAL);
	dbd_modname("kernel/a/b-c.ko.zst", name, sizeof(name));
	assert_string_equal(name, "b_c");
}

static void moddep_find_in_file(void **state)
{
	struct dbd_moddep d;
	char p[512], big[9000];
	int fd;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	put_file("m/modules.dep", "kernel/a.ko:\n");
	snprintf(p, sizeof(p), "%s/m/modules.dep", root);
	{
		FILE *f = fopen(p, "a");

		assert_non_null(f);
		fprintf(f, "%s:\n", big);	/* an over-long line of another module */
		fputs("kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko\n"
		      "updates/dkms/dattobd.ko: kernel/fs/mbcache.ko", f);	/* no newline */
		fclose(f);
	}
	fd = open(p, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(dbd_moddep_find(fd, "dattobd", &d), 0);	/* last line, no newline */
	close(fd);
	assert_string_equal(d.path, "updates/dkms/dattobd.ko");
	assert_string_equal(d.deps[0], "kernel/fs/mbcache.ko");
	fd = open(p, O_RDONLY);
	assert_int_equal(dbd_moddep_find(fd, "nosuchmodule", &d), -ENOENT);
	close(fd);
}

static void modload_outcomes(void **state)
{
	struct dbd_modload_paths p;
	struct dbd_modload_result r;
	char sys[512], mods[512];

	(void)state;
	snprintf(sys, sizeof(sys), "%s/sys", root);
	snprintf(mods, sizeof(mods), "%s/lib/modules", root);
	p = (struct dbd_modload_paths){ .sys = sys, .modules = mods, .release = "6.1.0-99-test" };

	/* Not listed in modules.dep. */
	put_file("lib/modules/6.1.0-99-test/modules.dep", "kernel/a.ko:\n");
	assert_int_equal(dbd_modload(&p, "dattobd", "", &r), -ENOENT);
	assert_non_null(strstr(dbd_modload_strerror(r.error), "not listed in modules.dep"));

	/* Listed, but a file that is not a module: the kernel refuses it. */
	put_file("lib/modules/6.1.0-99-test/modules.dep", "updates/dkms/dattobd.ko:\n");
	put_file("lib/modules/6.1.0-99-test/updates/dkms/dattobd.ko", "not an ELF file\n");
	assert_true(dbd_modload(&p, "dattobd", "", &r) < 0);
	assert_int_equal(r.how, DBD_MODLOAD_FINIT);
	assert_non_null(strstr(r.path, "updates/dkms/dattobd.ko"));

	/* A dependency that cannot be found is named. */
	put_file("lib/modules/6.1.0-99-test/modules.dep", "updates/dkms/dattobd.ko: kernel/dep-x.ko\n");
	assert_int_equal(dbd_modload(&p, "dattobd", "", &r), -ENOENT);
	assert_string_equal(r.failed_dep, "dep_x");

	/* Already loaded: nothing opened at all. */
	put_file("sys/module/dattobd/refcnt", "0\n");
	assert_int_equal(dbd_modload(&p, "dattobd", "", &r), 0);
	assert_int_equal(r.how, DBD_MODLOAD_ALREADY);
	sh("rm -rf %s/sys/module/dattobd", root);

	assert_non_null(strstr(dbd_modload_strerror(-ENOEXEC), "another kernel"));
	assert_non_null(strstr(dbd_modload_strerror(-EKEYREJECTED), "Secure Boot"));
}

/* The early load's record: written, read back whole; anything else refused. */
static void preload_record(void **state)
{
	struct dbd_preload p = { .started_ms = 1500, .pid = 42 }, q;
	static const char *const bad[] = {
		"", "dbdboot-preload 2\nstarted 1 2\n", "dbdboot-preload 1\n",
		"dbdboot-preload 1\nstarted 1 0\n", "dbdboot-preload 1\nstarted 1 2",
		"dbdboot-preload 1\nstarted 1 2\nended 0 0 0\n",
		"dbdboot-preload 1\nstarted 1 2\nended 5 1 0\n",
		"dbdboot-preload 1\nstarted 1 2\nended 5 -2 9\n",
		"dbdboot-preload 1\nstarted 1 2 3\n", "dbdboot-preload 1\nstarted -1 2\n",
		"dbdboot-preload 1\nstarted 99999999999 2\n", "dbdboot-preload 1\nstarted 1 2\npath \n",
		"dbdboot-preload 1\nstarted 1 2\nwhat 3\n",
		"dbdboot-preload 1\nstarted 1 2\nstarted 1 2\n",
		"dbdboot-preload 1\nstarted 1 2\npath /a\npath /b\n",
	};
	char buf[DBD_PRELOAD_MAX];
	size_t len;

	(void)state;
	len = dbd_preload_format(&p, buf, sizeof(buf));
	assert_int_equal(dbd_preload_parse(buf, len, &q), 0);
	assert_int_equal(q.started_ms, 1500);
	assert_int_equal(q.pid, 42);
	assert_false(q.ended);
	p.ended = 1;
	p.ended_ms = 1650;
	p.error = -ENOENT;
	p.how = DBD_MODLOAD_FINIT;
	strcpy(p.path, "/lib/modules/6.1.0-99-test/updates/dkms/dattobd.ko");
	strcpy(p.dep, "dep_x");
	len = dbd_preload_format(&p, buf, sizeof(buf));
	assert_int_equal(dbd_preload_parse(buf, len, &q), 0);
	assert_true(q.ended);
	assert_int_equal(q.ended_ms, 1650);
	assert_int_equal(q.error, -ENOENT);
	assert_int_equal(q.how, DBD_MODLOAD_FINIT);
	assert_string_equal(q.path, p.path);
	assert_string_equal(q.dep, "dep_x");
	/* Cut inside a line: refused (every line ends with a newline). */
	for (size_t n = 0; n < len; n++)
		if (n == 0 || buf[n - 1] != '\n')
			assert_int_equal(dbd_preload_parse(buf, n, &q), -EBADMSG);
	assert_int_equal(dbd_preload_format(&p, buf, 40), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(dbd_preload_parse(bad[i], strlen(bad[i]), &q), -EBADMSG);
		assert_int_equal(q.pid, 0);
	}
}

/* Which tracked devices the initramfs mounts (sync's stage=), and the
 * /dev path of each kind of device spec (the generator's units). */
static void boot_mounts_and_spec_paths(void **state)
{
	char text[512], out[64];
	struct dbd_volume v = { 0 };
	const char *mi = "20 1 254:0 / / ro,relatime - ext4 /dev/vda ro\n"
			 "21 20 254:16 / /usr rw - ext4 /dev/vdb rw\n"
			 "22 20 254:32 / /data rw - ext4 /dev/vdc rw\n"
			 "23 20 254:32 /x /srv rw - ext4 /dev/vdc rw\n"
			 "garbage line\n";

	(void)state;
	snprintf(text, sizeof(text), "%s", mi);
	assert_int_equal(dbd_mountinfo_boot(text, 254, 0), 1);
	snprintf(text, sizeof(text), "%s", mi);
	assert_int_equal(dbd_mountinfo_boot(text, 254, 16), 1);
	snprintf(text, sizeof(text), "%s", mi);
	assert_int_equal(dbd_mountinfo_boot(text, 254, 32), 0);
	snprintf(text, sizeof(text), "%s", mi);
	assert_int_equal(dbd_mountinfo_boot(text, 8, 1), -1);
	snprintf(text, sizeof(text), "%s", mi);
	assert_int_equal(dbd_mountinfo_mountpoint(text, 254, 32, out, sizeof(out)), 0);
	assert_string_equal(out, "/data");
	snprintf(text, sizeof(text), "%s", "30 1 8:1 /sub /bind rw - ext4 /dev/sda1 rw\n"
		 "31 1 8:1 / /srv/my\\040disk rw - ext4 /dev/sda1 rw\n");
	assert_int_equal(dbd_mountinfo_mountpoint(text, 8, 1, out, sizeof(out)), 0);
	assert_string_equal(out, "/srv/my disk");
	snprintf(text, sizeof(text), "%s", mi);
	assert_int_equal(dbd_mountinfo_mountpoint(text, 8, 1, out, sizeof(out)), -1);

	v.dev_kind = DBD_DEV_LABEL;
	v.dev_value = "my data/1";
	assert_int_equal(dbd_devspec_path(&v, out, sizeof(out)), 0);
	assert_string_equal(out, "/dev/disk/by-label/my\\x20data\\x2f1");
	v.dev_value = "caf\xc3\xa9\xff";
	assert_int_equal(dbd_devspec_path(&v, out, sizeof(out)), 0);
	assert_string_equal(out, "/dev/disk/by-label/caf\xc3\xa9\\xff");
	v.dev_kind = DBD_DEV_UUID;
	v.dev_value = "0b5c5a3e-1111";
	assert_int_equal(dbd_devspec_path(&v, out, sizeof(out)), 0);
	assert_string_equal(out, "/dev/disk/by-uuid/0b5c5a3e-1111");
	v.dev_kind = DBD_DEV_NUMBER;
	v.dev_major = 254;
	v.dev_minor = 16;
	assert_int_equal(dbd_devspec_path(&v, out, sizeof(out)), 0);
	assert_string_equal(out, "/dev/block/254:16");
	v.dev_kind = DBD_DEV_PATH;
	strcpy(v.device, "/dev/mapper/vg-data");
	assert_int_equal(dbd_devspec_path(&v, out, 12), -ENAMETOOLONG);
	assert_int_equal(dbd_devspec_path(&v, out, sizeof(out)), 0);
	assert_string_equal(out, "/dev/mapper/vg-data");
	v.dev_kind = DBD_DEV_LABEL;
	v.dev_value = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmn";
	assert_int_equal(dbd_devspec_path(&v, out, sizeof(out)), -ENAMETOOLONG);
}

static void uevent_devname(void **state)
{
	char a[] = "MAJOR=254\nMINOR=16\nDEVNAME=vdb1\nDEVTYPE=partition\n";
	char b[] = "XDEVNAME=evil\nDEVNAME=mapper/../../etc/shadow\n";
	char c[] = "DEVNAME=/etc/shadow\n", d[] = "MAJOR=8\n", e[] = "DEVNAME=dm-0";

	(void)state;
	assert_string_equal(agent_uevent_devname(a), "vdb1");
	assert_null(agent_uevent_devname(b));	/* not XDEVNAME; never out of DEV */
	assert_null(agent_uevent_devname(c));
	assert_null(agent_uevent_devname(d));
	assert_string_equal(agent_uevent_devname(e), "dm-0");
}

/* RUNDIR/dbdboot/early.json read into TEXT (SIZE bytes, NUL-ended); its length. */
static size_t read_report(const char *rundir, char *text, size_t size)
{
	char path[600];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/dbdboot/early.json", rundir);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, text, size - 1);
	close(fd);
	assert_true(n > 0);
	text[n] = '\0';
	return (size_t)n;
}

static void report_escapes_and_is_atomic(void **state)
{
	static struct agent_state st;
	struct agent_conf c = { .phase = "initramfs", .manifest = "/etc/dbdboot/manifest", .timeout = 10 };
	char rundir[512], text[8192];

	(void)state;
	snprintf(rundir, sizeof(rundir), "%s/run", root);
	c.run = rundir;
	memset(&st, 0, sizeof(st));
	st.manifest.n = 1;
	strcpy(st.manifest.vol[0].device, "LABEL=a\"b\\c\x01");
	strcpy(st.manifest.vol[0].cow, "/.datto");
	st.vol[0].outcome = V_FAILED;
	st.vol[0].error = -EINVAL;
	st.module = M_LOADED;
	assert_int_equal(agent_report_write(&c, &st, "done"), 0);
	read_report(rundir, text, sizeof(text));
	assert_non_null(strstr(text, "\"device\": \"LABEL=a\\\"b\\\\c\\u0001\""));
	assert_non_null(strstr(text, "\"outcome\": \"failed\", \"error\": \"EINVAL\""));
	assert_non_null(strstr(text, "\"status\": \"done\""));
	assert_non_null(strstr(text, "\"module\": {\"outcome\": \"loaded\""));
	/* No temporary file is left behind. */
	sh("test $(ls %s/dbdboot | wc -l) = 1", rundir);
}

/* The report of a manifest at every stated limit (64 volumes, the longest
 * device, path, COW path and message, each all escapes) is written whole;
 * UTF-8 stays as it is and bytes that are not UTF-8 become \u00XX. */
static void report_of_a_full_manifest(void **state)
{
	static struct agent_state st;
	static char text[1 << 20];
	struct agent_conf c = { .phase = "initramfs", .manifest = "/m", .timeout = 10 };
	char rundir[512], *p;
	unsigned int i, n = 0;
	size_t len;

	(void)state;
	snprintf(rundir, sizeof(rundir), "%s/run-full", root);
	c.run = rundir;
	memset(&st, 0, sizeof(st));
	st.manifest.n = DBD_MANIFEST_MAX_VOLUMES;
	for (i = 0; i < DBD_MANIFEST_MAX_VOLUMES; i++) {
		memset(st.manifest.vol[i].device, '\x01', DBD_MANIFEST_MAX_DEVICE);
		memset(st.manifest.vol[i].cow, '"', DBD_MANIFEST_MAX_COW);
		memset(st.vol[i].path, '\x7f', sizeof(st.vol[i].path) - 1);
		memset(st.vol[i].message, '\\', sizeof(st.vol[i].message) - 1);
		st.manifest.vol[i].minor = i;
	}
	strcpy(st.manifest.vol[0].device, "LABEL=donn\xc3\xa9" "es-\xff");
	assert_int_equal(agent_report_write(&c, &st, "done"), 0);
	len = read_report(rundir, text, sizeof(text));
	assert_true(len > 96 * 1024);
	for (p = text; (p = strstr(p, "{\"minor\": ")); p++)
		n++;
	assert_int_equal(n, DBD_MANIFEST_MAX_VOLUMES);
	assert_non_null(strstr(text, "\"device\": \"LABEL=donn\xc3\xa9" "es-\\u00ff\""));
	assert_string_equal(text + len - 4, "]\n}\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cmdline_words),
		cmocka_unit_test(cmdline_bad_values_warned),
		cmocka_unit_test(cmdline_modparams_bounded),
		cmocka_unit_test(moddep_lines),
		cmocka_unit_test(moddep_find_in_file),
		cmocka_unit_test(modload_outcomes),
		cmocka_unit_test(preload_record),
		cmocka_unit_test(boot_mounts_and_spec_paths),
		cmocka_unit_test(uevent_devname),
		cmocka_unit_test(report_escapes_and_is_atomic),
		cmocka_unit_test(report_of_a_full_manifest),
	};

	return cmocka_run_group_tests_name("agent", tests, setup, teardown);
}
