// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdtest: issue every dattobd ioctl from the command line, and read COW
 * headers. A test tool: dbdboot's VM scenarios drive the driver (or its
 * test double) with it. Not installed by `make install`.
 *
 * Exit status: 0 done, 1 the driver or a file refused (the reason is
 * printed, with the errno name), 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cowhdr.h"
#include "dbdboot/dattobd.h"

static const char *ctl_path = DBD_CTL_PATH;

static int usage(FILE *out, int status)
{
	fprintf(out,
		"usage: dbdtest [--ctl PATH] COMMAND ARGS...\n"
		"  setup-snapshot [-c CACHE_BYTES] [-f FALLOC_MIB] BDEV COW MINOR\n"
		"  reload-snapshot [-c CACHE_BYTES] BDEV COW MINOR\n"
		"  reload-incremental [-c CACHE_BYTES] BDEV COW MINOR\n"
		"  destroy MINOR\n"
		"  transition-to-incremental MINOR\n"
		"  transition-to-snapshot [-f FALLOC_MIB] COW MINOR\n"
		"  reconfigure [-c CACHE_BYTES] MINOR\n"
		"  expand-cow-file SIZE_MIB MINOR\n"
		"  reconfigure-auto-expand [-r RESERVED_MIB] STEP_MIB MINOR\n"
		"  info MINOR          print the INFO record, one key=value a line\n"
		"  get-free-minor      print the lowest free minor\n"
		"  cow-header FILE     print a COW file's header, one key=value a line\n"
		"For reloads COW is relative to the volume's root; for setup and\n"
		"transition-to-snapshot it is a path to a file on the mounted volume.\n"
		"Exit: 0 done, 1 refused (reason printed), 2 usage.\n");
	return status;
}

static int parse_ulong(const char *s, unsigned long *out)
{
	char *end;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

static int parse_minor(const char *s, unsigned int *out)
{
	unsigned long v;

	if (parse_ulong(s, &v) || v > UINT_MAX)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

static int fail(const char *what, const char *object, int err)
{
	const char *name = strerrorname_np(err);

	fprintf(stderr, "dbdtest: could not %s '%s': %s (%s)\n", what, object,
		strerror(err), name ? name : "?");
	return 1;
}

static int call(const char *what, const char *object, unsigned long req, void *arg)
{
	int fd, ret;

	fd = open(ctl_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail("open", ctl_path, errno);
	ret = ioctl(fd, req, arg);
	if (ret < 0) {
		ret = errno;
		close(fd);
		return fail(what, object, ret);
	}
	close(fd);
	return 0;
}

static int cmd_info(int argc, char **argv)
{
	static struct dbd_info info;
	char uuid[2 * DBD_UUID_SIZE + 1];
	unsigned int minor;
	int ret;

	if (argc != 2 || parse_minor(argv[1], &minor))
		return usage(stderr, 2);
	info.minor = minor;
	ret = call("get info of minor", argv[1], DBD_IOC_INFO, &info);
	if (ret)
		return ret;
	dbd_uuid_hex(info.uuid, uuid);
	printf("minor=%u\nstate=%lu\nstate_name=%s\nerror=%d\ncache_size=%lu\n"
	       "falloc_size=%llu\nseqid=%llu\nuuid=%s\ncow=%s\nbdev=%s\nversion=%llu\n"
	       "nr_changed_blocks=%llu\n",
	       info.minor, info.state, dbd_state_str(info.state), info.error, info.cache_size,
	       (unsigned long long)info.falloc_size, (unsigned long long)info.seqid, uuid,
	       info.cow, info.bdev, (unsigned long long)info.version,
	       (unsigned long long)info.nr_changed_blocks);
	return 0;
}

static int cmd_cow_header(int argc, char **argv)
{
	unsigned char buf[sizeof(struct dbd_cow_header)];
	char uuid[2 * DBD_UUID_SIZE + 1];
	struct dbd_cow_header h;
	enum dbd_cow_verdict v;
	ssize_t n;
	int fd;

	if (argc != 2)
		return usage(stderr, 2);
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail("open", argv[1], errno);
	n = read(fd, buf, sizeof(buf));
	if (n < 0) {
		int e = errno;

		close(fd);
		return fail("read", argv[1], e);
	}
	close(fd);
	if (dbd_cow_decode(buf, (size_t)n, &h)) {
		fprintf(stderr, "dbdtest: could not read '%s': %s\n", argv[1],
			dbd_cow_verdict_str(DBD_COW_SHORT));
		return 1;
	}
	v = dbd_cow_check(&h, DBD_COW_MODE_ANY);
	dbd_uuid_hex(h.uuid, uuid);
	printf("magic=%u\nflags=%u\nclean=%d\nincremental=%d\nfpos=%llu\nfsize=%llu\n"
	       "seqid=%llu\nuuid=%s\nversion=%llu\nnr_changed_blocks=%llu\nverdict=%s\n",
	       h.magic, h.flags, !!(h.flags & DBD_COW_CLEAN), !!(h.flags & DBD_COW_INDEX_ONLY),
	       (unsigned long long)h.fpos, (unsigned long long)h.fsize,
	       (unsigned long long)h.seqid, uuid, (unsigned long long)h.version,
	       (unsigned long long)h.nr_changed_blocks, dbd_cow_verdict_str(v));
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long cache = 0, falloc = 0, reserved = 0, num = 0;
	unsigned int minor;
	const char *cmd;
	int opt;

	if (argc >= 3 && !strcmp(argv[1], "--ctl")) {
		ctl_path = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc < 2)
		return usage(stderr, 2);
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h"))
		return usage(stdout, 0);
	argv++;
	argc--;
	optind = 1;
	while ((opt = getopt(argc, argv, "+c:f:r:")) != -1) {
		unsigned long *dst = opt == 'c' ? &cache : opt == 'f' ? &falloc :
				     opt == 'r' ? &reserved : NULL;

		if (!dst || parse_ulong(optarg, dst))
			return usage(stderr, 2);
	}
	argv += optind - 1;
	argc -= optind - 1;

	if (!strcmp(cmd, "setup-snapshot")) {
		struct dbd_setup a = { .bdev = argv[1], .cow = argv[2], .fallocated_mib = falloc,
				       .cache_bytes = cache };

		if (argc != 4 || parse_minor(argv[3], &a.minor))
			return usage(stderr, 2);
		return call("set up a snapshot of", argv[1], DBD_IOC_SETUP_SNAP, &a);
	}
	if (!strcmp(cmd, "reload-snapshot") || !strcmp(cmd, "reload-incremental")) {
		struct dbd_reload a = { .bdev = argv[1], .cow = argv[2], .cache_bytes = cache };
		int snap = cmd[7] == 's';

		if (argc != 4 || parse_minor(argv[3], &a.minor))
			return usage(stderr, 2);
		return call(snap ? "reload-snapshot" : "reload-incremental", argv[1],
			    snap ? DBD_IOC_RELOAD_SNAP : DBD_IOC_RELOAD_INC, &a);
	}
	if (!strcmp(cmd, "destroy") || !strcmp(cmd, "transition-to-incremental")) {
		int destroy = cmd[0] == 'd';

		if (argc != 2 || parse_minor(argv[1], &minor))
			return usage(stderr, 2);
		return call(destroy ? "destroy minor" : "transition to incremental minor",
			    argv[1], destroy ? DBD_IOC_DESTROY : DBD_IOC_TRANSITION_INC, &minor);
	}
	if (!strcmp(cmd, "transition-to-snapshot")) {
		struct dbd_transition_snap a = { .cow = argv[1], .fallocated_mib = falloc };

		if (argc != 3 || parse_minor(argv[2], &a.minor))
			return usage(stderr, 2);
		return call("transition to snapshot minor", argv[2], DBD_IOC_TRANSITION_SNAP, &a);
	}
	if (!strcmp(cmd, "reconfigure")) {
		struct dbd_reconfigure a = { .cache_bytes = cache };

		if (argc != 2 || parse_minor(argv[1], &a.minor))
			return usage(stderr, 2);
		return call("reconfigure minor", argv[1], DBD_IOC_RECONFIGURE, &a);
	}
	if (!strcmp(cmd, "expand-cow-file")) {
		struct dbd_expand_cow a = { 0 };

		if (argc != 3 || parse_ulong(argv[1], &num) || parse_minor(argv[2], &a.minor))
			return usage(stderr, 2);
		a.size_mib = num;
		return call("expand the COW file of minor", argv[2], DBD_IOC_EXPAND_COW_FILE, &a);
	}
	if (!strcmp(cmd, "reconfigure-auto-expand")) {
		struct dbd_reconfigure_auto_expand a = { .reserved_space_mib = reserved };

		if (argc != 3 || parse_ulong(argv[1], &num) || parse_minor(argv[2], &a.minor))
			return usage(stderr, 2);
		a.step_size_mib = num;
		return call("reconfigure auto-expand of minor", argv[2],
			    DBD_IOC_RECONFIGURE_AUTO_EXPAND, &a);
	}
	if (!strcmp(cmd, "info"))
		return cmd_info(argc, argv);
	if (!strcmp(cmd, "get-free-minor")) {
		int m = -1, ret;

		if (argc != 1)
			return usage(stderr, 2);
		ret = call("get a free minor from", ctl_path, DBD_IOC_GET_FREE, &m);
		if (!ret)
			printf("%d\n", m);
		return ret;
	}
	if (!strcmp(cmd, "cow-header"))
		return cmd_cow_header(argc, argv);
	fprintf(stderr, "dbdtest: unknown command '%s'\n", cmd);
	return usage(stderr, 2);
}
