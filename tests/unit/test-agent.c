// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of dbdboot-early's decisions on fake /proc, /sys and /dev
 * trees: the kernel command line, modules.dep, device resolution, the
 * mount state, and the report.
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

#include "agent.h"
#include "devspec.h"
#include "mountinfo.h"

static char root[] = "/tmp/dbdboot-agent-XXXXXX";
static char warnings[2048];

static void put_file(const char *rel, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	sh("mkdir -p \"$(dirname '%s')\"", p);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -rf %s", root);
	return 0;
}

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

/* C's DEV and SYS: the folders DEVNAME and SYSNAME of the fake root. */
static void fake_dev_sys(struct agent_conf *c, char *dev, char *sys, size_t n, const char *devname,
			 const char *sysname)
{
	snprintf(dev, n, "%s/%s", root, devname);
	snprintf(sys, n, "%s/%s", root, sysname);
	c->dev = dev;
	c->sys = sys;
}

static void resolve_devices(void **state)
{
	struct agent_conf c = { 0 };
	struct dbd_volume v = { 0 };
	char dev[512], sys[512], out[AGENT_PATH_MAX];

	(void)state;
	fake_dev_sys(&c, dev, sys, sizeof(dev), "dev", "sys");
	sh("mkdir -p %s/dev/disk/by-label %s/sys/class/block/vdc %s/sys/dev/block/254:48", root, root, root);
	sh("mke2fs -q -F -t ext4 -L scan-me -U 0b5c5a3e-1111-4222-8333-444455556666 %s/dev/vdc 8M", root);
	sh("touch %s/dev/vdb && ln -s ../../vdb %s/dev/disk/by-label/data", root, root);
	put_file("sys/dev/block/254:48/uevent", "MAJOR=254\nMINOR=48\nDEVNAME=vdc\nDEVTYPE=disk\n");

	strcpy(v.device, "/dev/vdb");
	v.dev_kind = DBD_DEV_PATH;
	assert_int_equal(agent_resolve(&c, &v, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "/dev/vdb"));

	strcpy(v.device, "LABEL=data");
	v.dev_kind = DBD_DEV_LABEL;
	v.dev_value = v.device + 6;
	assert_int_equal(agent_resolve(&c, &v, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "/dev/vdb"));	/* the link, followed */

	/* No udev link: found by reading superblocks. */
	strcpy(v.device, "LABEL=scan-me");
	assert_int_equal(agent_resolve(&c, &v, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "/dev/vdc"));
	strcpy(v.device, "UUID=0B5C5A3E-1111-4222-8333-444455556666");
	v.dev_kind = DBD_DEV_UUID;
	v.dev_value = v.device + 5;
	assert_int_equal(agent_resolve(&c, &v, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "/dev/vdc"));

	strcpy(v.device, "254:48");
	v.dev_kind = DBD_DEV_NUMBER;
	v.dev_major = 254;
	v.dev_minor = 48;
	assert_int_equal(agent_resolve(&c, &v, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "/dev/vdc"));

	strcpy(v.device, "PARTUUID=aa-01");
	v.dev_kind = DBD_DEV_PARTUUID;
	v.dev_value = v.device + 9;
	assert_int_equal(agent_resolve(&c, &v, out, sizeof(out)), -ENOENT);
	strcpy(v.device, "/dev/nothere");
	v.dev_kind = DBD_DEV_PATH;
	assert_int_equal(agent_resolve(&c, &v, out, sizeof(out)), -ENOENT);
}

/* UUID=/LABEL= by scanning never picks an ambiguous device: two matches
 * are refused and named; members (holders, an md superblock at the end,
 * an LVM2 label) and slow or empty devices are left out. */
static void resolve_never_ambiguous(void **state)
{
	struct agent_conf c = { 0 };
	struct dbd_volume v = { .dev_kind = DBD_DEV_LABEL };
	char dev[512], sys[512], out[AGENT_PATH_MAX];

	(void)state;
	fake_dev_sys(&c, dev, sys, sizeof(dev), "dev2", "sys2");
	sh("cd %s && mkdir -p dev2 sys2/class/block/vdd sys2/class/block/vde sys2/class/block/vdf/holders/md0 "
	   "sys2/class/block/vdg sys2/class/block/vdh sys2/class/block/nbd0 sys2/class/block/sr0 && "
	   "echo 0 >sys2/class/block/nbd0/size", root);
	sh("cd %s/dev2 && exec 2>/dev/null && for d in vdd vde; do mke2fs -q -F -t ext4 -L twin $d 8M; done && "
	   "mke2fs -q -F -t ext4 -L held vdf 8M && mke2fs -q -F -t ext4 -L raid1 vdg 8M && "
	   "printf '\\374\\116\\053\\251' | dd of=vdg bs=512 seek=16368 conv=notrunc 2>/dev/null && "
	   "mke2fs -q -F -t ext4 -L pv vdh 8M && printf 'LABELONE' | dd of=vdh bs=1 seek=512 conv=notrunc 2>/dev/null && "
	   "printf 'LVM2 001' | dd of=vdh bs=1 seek=536 conv=notrunc 2>/dev/null && "
	   "mke2fs -q -F -t ext4 -L slow nbd0 8M && mke2fs -q -F -t ext4 -L slow sr0 8M", root);

	strcpy(v.device, "LABEL=twin");
	v.dev_value = v.device + 6;
	assert_int_equal(agent_resolve(&c, &v, out, sizeof(out)), -EEXIST);
	assert_non_null(strstr(out, "/vdd"));
	assert_non_null(strstr(out, "/vde"));
	strcpy(v.device, "LABEL=held");	/* held by md0: a member */
	assert_int_equal(agent_resolve(&c, &v, out, sizeof(out)), -ENOENT);
	strcpy(v.device, "LABEL=raid1");	/* an md 1.0 superblock at its end */
	assert_int_equal(agent_resolve(&c, &v, out, sizeof(out)), -ENOENT);
	strcpy(v.device, "LABEL=pv");		/* an LVM2 label in sector 1 */
	assert_int_equal(agent_resolve(&c, &v, out, sizeof(out)), -ENOENT);
	strcpy(v.device, "LABEL=slow");		/* an empty nbd and an optical drive */
	assert_int_equal(agent_resolve(&c, &v, out, sizeof(out)), -ENOENT);
	/* One of the twins stacked on: the other is the one. */
	sh("mkdir -p %s/sys2/class/block/vde/holders/dm-0", root);
	strcpy(v.device, "LABEL=twin");
	assert_int_equal(agent_resolve(&c, &v, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "/vdd"));
}

/* Found through udev's link: another device udev's database gives the same
 * UUID (a clone) makes it ambiguous, both named; a member (ID_FS_TYPE
 * ..._member, or holders) or a device udev has no record of does not. */
static void resolve_link_twins(void **state)
{
	struct agent_conf c = { 0 };
	struct dbd_volume v = { .dev_kind = DBD_DEV_UUID };
	char dev[512], sys[512], rundir[512], out[AGENT_PATH_MAX];

	(void)state;
	fake_dev_sys(&c, dev, sys, sizeof(dev), "dev3", "sys3");
	snprintf(rundir, sizeof(rundir), "%s/run3", root);
	c.run = rundir;
	sh("cd %s && mkdir -p dev3/disk/by-uuid sys3/class/block/sda1 sys3/class/block/sdb1 "
	   "sys3/class/block/sdc run3/udev/data && : >dev3/sda1 && : >dev3/sdb1 && : >dev3/sdc && "
	   "ln -s ../../sda1 dev3/disk/by-uuid/1111-aa && echo 8:1 >sys3/class/block/sda1/dev && "
	   "echo 8:17 >sys3/class/block/sdb1/dev && echo 8:32 >sys3/class/block/sdc/dev && "
	   "printf 'S:disk/by-uuid/1111-aa\\nE:ID_FS_UUID=1111-aa\\nE:ID_FS_TYPE=ext4\\n' >run3/udev/data/b8:1 && "
	   "printf 'E:ID_FS_TYPE=linux_raid_member\\nE:ID_FS_UUID=1111-AA\\n' >run3/udev/data/b8:32", root);
	strcpy(v.device, "UUID=1111-aa");
	v.dev_value = v.device + 5;
	assert_int_equal(agent_resolve(&c, &v, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "/sda1"));
	sh("printf 'E:ID_FS_TYPE=ext4\\nE:ID_FS_UUID=1111-AA\\n' >%s/run3/udev/data/b8:17", root);
	assert_int_equal(agent_resolve(&c, &v, out, sizeof(out)), -EEXIST);
	assert_non_null(strstr(out, "/sda1 and "));
	assert_non_null(strstr(out, "/sdb1"));
	sh("mkdir -p %s/sys3/class/block/sdb1/holders/dm-0", root);
	assert_int_equal(agent_resolve(&c, &v, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "/sda1"));
	/* At the limit: a record read up to 4 KiB; a UUID past that is not
	 * seen (no twin), one just before it is. */
	sh("rmdir %s/sys3/class/block/sdb1/holders/dm-0 && cd %s/run3/udev/data && "
	   "(for i in $(seq 60); do printf 'E:FILLER_%%02d=%%055d\n' $i 0; done; "
	   "printf 'E:ID_FS_TYPE=ext4\nE:ID_FS_UUID=1111-AA\n') >b8:17 && test $(stat -c %%s b8:17) -gt 4096",
	   root, root);
	assert_int_equal(agent_resolve(&c, &v, out, sizeof(out)), 0);
	sh("cd %s/run3/udev/data && (for i in $(seq 55); do printf 'E:FILLER_%%02d=%%055d\n' $i 0; done; "
	   "printf 'E:ID_FS_TYPE=ext4\nE:ID_FS_UUID=1111-AA\n') >b8:17 && test $(stat -c %%s b8:17) -lt 4096",
	   root);
	assert_int_equal(agent_resolve(&c, &v, out, sizeof(out)), -EEXIST);
}

/* At the limit of a search: more block devices than a pass reads
 * (AGENT_SCAN_MAX): the rest unseen, nothing overrun (ASan), an answer. */
static void resolve_many_devices(void **state)
{
	struct agent_conf c = { 0 };
	struct dbd_volume v = { .dev_kind = DBD_DEV_LABEL };
	char dev[512], sys[512], out[AGENT_PATH_MAX];

	(void)state;
	fake_dev_sys(&c, dev, sys, sizeof(dev), "dev4", "sys4");
	sh("cd %s && mkdir -p dev4 && for i in $(seq 200); do mkdir -p sys4/class/block/vd$i && "
	   "echo 16 >sys4/class/block/vd$i/size && head -c 8192 /dev/zero >dev4/vd$i; done", root);
	agent_scan_invalidate();
	strcpy(v.device, "LABEL=nowhere");
	v.dev_value = v.device + 6;
	assert_int_equal(agent_resolve(&c, &v, out, sizeof(out)), -ENOENT);
	agent_scan_invalidate();
}

/* /proc/datto-info read up to 64 KiB: past that it cannot say a minor is
 * free, so the minor counts as listed (the driver is asked instead). */
static void minor_listed_bounded(void **state)
{
	char proc[512];

	(void)state;
	snprintf(proc, sizeof(proc), "%s/proc5", root);
	sh("mkdir -p %s && printf '{\n\t\"version\": \"0.12.1\",\n\t\"devices\": [\n\t]\n}\n' "
	   ">%s/datto-info", proc, proc);
	assert_int_equal(agent_minor_listed(proc, 7), 0);
	sh("cd %s && (printf '{\n\t\"version\": \"0.12.1\",\n\t\"x\": \"'; head -c 70000 /dev/zero | "
	   "tr '\\0' x; printf '\",\n\t\"devices\": [\n\t]\n}\n') >datto-info", proc);
	assert_int_equal(agent_minor_listed(proc, 7), 1);
	sh("rm -rf %s", proc);
	assert_int_equal(agent_minor_listed(proc, 7), 1);	/* none: asked */
}

/* mountinfo is read whole, however long: a read-write mount after 64 KiB
 * of others is seen; a line longer than the buffer makes the state
 * unknown, never "not mounted". */
static void mount_states_long(void **state)
{
	char proc[512], line[160], *text = malloc(300000), *big = malloc(70000);
	size_t n = 0;

	(void)state;
	assert_non_null(text);
	assert_non_null(big);
	for (int i = 0; n < 200000; i++)
		n += (size_t)snprintf(text + n, 300000 - n, "%d 20 0:%d / /snap/app/%d ro,relatime - "
				      "squashfs /dev/loop%d ro\n", 100 + i, 40 + i, i, i);
	snprintf(line, sizeof(line), "99 20 254:16 / /data rw,relatime - ext4 /dev/vdb rw\n");
	strcat(text, line);
	snprintf(proc, sizeof(proc), "%s/proc-long", root);
	sh("mkdir -p %s/self", proc);
	put_file("proc-long/self/mountinfo", text);
	assert_int_equal(agent_mount_state(proc, 254, 16), 2);
	assert_int_equal(agent_mount_state(proc, 254, 32), 0);
	memset(big, 'a', 69999);
	big[0] = '/';
	big[69999] = '\0';
	snprintf(text, 300000, "20 1 254:0 / %s rw - ext4 /dev/vda rw\n", big);
	put_file("proc-long/self/mountinfo", text);
	assert_int_equal(agent_mount_state(proc, 254, 16), -EFBIG);
	free(text);
	free(big);
}

static void mount_states(void **state)
{
	char proc[512];

	(void)state;
	snprintf(proc, sizeof(proc), "%s/proc", root);
	put_file("proc/self/mountinfo",
		 "20 1 254:0 / / ro,relatime - ext4 /dev/vda ro\n"
		 "21 20 0:5 / /dev rw,nosuid - devtmpfs udev rw,size=1k\n"
		 "22 20 254:16 / /mnt rw,relatime shared:1 - ext4 /dev/vdb rw\n"
		 "23 20 254:32 / /a ro,relatime - ext4 /dev/vdc rw\n"
		 "24 20 254:32 / /b rw,relatime - ext4 /dev/vdc ro\n");
	assert_int_equal(agent_mount_state(proc, 254, 0), 1);
	assert_int_equal(agent_mount_state(proc, 254, 16), 2);
	assert_int_equal(agent_mount_state(proc, 254, 32), 1);	/* rw nowhere in full */
	assert_int_equal(agent_mount_state(proc, 8, 1), 0);
	assert_int_equal(agent_mount_state("/nonexistent", 8, 1), -ENOENT);
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
		cmocka_unit_test(resolve_devices),
		cmocka_unit_test(resolve_never_ambiguous),
		cmocka_unit_test(mount_states),
		cmocka_unit_test(mount_states_long),
		cmocka_unit_test(resolve_link_twins),
		cmocka_unit_test(resolve_many_devices),
		cmocka_unit_test(minor_listed_bounded),
		cmocka_unit_test(boot_mounts_and_spec_paths),
		cmocka_unit_test(uevent_devname),
		cmocka_unit_test(report_escapes_and_is_atomic),
		cmocka_unit_test(report_of_a_full_manifest),
	};

	return cmocka_run_group_tests_name("agent", tests, setup, teardown);
}
