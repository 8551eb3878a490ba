// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of dbdboot-early's device resolution and mount state on fake
 * /proc, /sys, /dev and /run trees: udev's links and database, the search
 * of superblocks (twins, members, many devices), mountinfo, datto-info;
 * each at its limit (early-agent/README.md, "Inputs and limits").
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

/* At the limit of a resolved path (AGENT_PATH_MAX, 256 bytes): a link to a
 * longer one is no device (ENAMETOOLONG, waited for as one not found). */
static void resolve_path_limit(void **state)
{
	struct agent_conf c = { 0 };
	struct dbd_volume v = { .dev_kind = DBD_DEV_LABEL };
	char dev[512], sys[512], out[AGENT_PATH_MAX], d[300];

	(void)state;
	fake_dev_sys(&c, dev, sys, sizeof(dev), "dev6", "sys6");
	memset(d, 'd', 250);
	d[250] = '\0';
	sh("cd %s && mkdir -p dev6/disk/by-label dev6/%s sys6 && : >dev6/%s/vdz && "
	   "ln -s ../../%s/vdz dev6/disk/by-label/long && : >dev6/vdy && ln -s ../../vdy dev6/disk/by-label/short",
	   root, d, d, d);
	strcpy(v.device, "LABEL=long");
	v.dev_value = v.device + 6;
	assert_int_equal(agent_resolve(&c, &v, out, sizeof(out)), -ENAMETOOLONG);
	strcpy(v.device, "LABEL=short");
	assert_int_equal(agent_resolve(&c, &v, out, sizeof(out)), 0);
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

/* Superblocks read in one child: each path's own result, in order; the
 * one that stalls said, those after it left to be read on their own. */
static void read_batch(void **state)
{
	struct agent_conf c = { 0 };
	char dev[512], sys[512], p[4][512];
	const char *paths[4] = { p[0], p[1], p[2], p[3] };
	struct dbd_fs_info fs[4];
	int err[4];

	(void)state;
	fake_dev_sys(&c, dev, sys, sizeof(dev), "dev", "sys");
	sh("mkdir -p %s/dev && cd %s/dev && exec >/dev/null 2>&1 && mke2fs -q -F -t ext4 -L one vda 8M && "
	   "truncate -s 8M blank && mke2fs -q -F -t ext4 -L two vdb 8M && mkfifo stuck", root, root);
	snprintf(p[0], 512, "%s/dev/vda", root);
	snprintf(p[1], 512, "%s/dev/blank", root);
	snprintf(p[2], 512, "%s/dev/vdb", root);
	snprintf(p[3], 512, "%s/dev/missing", root);
	assert_int_equal(agent_fs_read_batch(&c, paths, 4, fs, err, 1000), 0);
	assert_int_equal(err[0], 0);
	assert_string_equal(fs[0].label, "one");
	assert_int_equal(err[1], -ENODATA);
	assert_int_equal(err[2], 0);
	assert_string_equal(fs[2].label, "two");
	assert_int_equal(err[3], -ENODATA);

	snprintf(p[1], 512, "%s/dev/stuck", root);	/* its open never returns */
	assert_int_equal(agent_fs_read_batch(&c, paths, 3, fs, err, 300), 0);
	assert_int_equal(err[0], 0);
	assert_int_equal(err[1], -ETIMEDOUT);
	assert_int_equal(err[2], -EAGAIN);

	assert_int_equal(agent_fs_read_batch(&c, paths, 1, fs, err, 300), 0);
	assert_int_equal(err[0], -EAGAIN);	/* one alone: read on its own */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(resolve_devices),
		cmocka_unit_test(resolve_never_ambiguous),
		cmocka_unit_test(mount_states),
		cmocka_unit_test(mount_states_long),
		cmocka_unit_test(resolve_link_twins),
		cmocka_unit_test(resolve_many_devices),
		cmocka_unit_test(resolve_path_limit),
		cmocka_unit_test(minor_listed_bounded),
		cmocka_unit_test(read_batch),
	};

	return cmocka_run_group_tests_name("agent-resolve", tests, setup, teardown);
}
