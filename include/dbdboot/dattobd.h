/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dbdboot's own statement of the dattobd (Datto block driver) interface:
 * control device, ioctl requests and their argument layouts, the INFO
 * record, the state bits of a minor, and the COW file header.
 *
 * Written from the interface facts in the project's documentation, not from
 * the driver's sources. Every size, offset and request value stated there is
 * checked at compile time at the end of this file (LP64 only: the driver's
 * structures use pointers and unsigned long, so 32-bit layouts differ and
 * are not supported).
 *
 * Usable from user space (C99 or later) and from kernel code (the test
 * double under tests/double includes it).
 */
#ifndef DBDBOOT_DATTOBD_H
#define DBDBOOT_DATTOBD_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/ioctl.h>
#else
#include <stddef.h>
#include <stdint.h>
#include <linux/ioctl.h>
#endif

/* Control device and related paths. */
#define DBD_CTL_PATH		"/dev/datto-ctl"
#define DBD_PROC_INFO_PATH	"/proc/datto-info"
#define DBD_SNAP_DEV_PREFIX	"/dev/datto"	/* + minor, snapshot mode only */
#define DBD_MODULE_NAME		"dattobd"

/* Module parameter limits. */
#define DBD_MAX_SNAP_DEVICES_DEFAULT	24u
#define DBD_MAX_SNAP_DEVICES_LIMIT	255u

/* Strings are copied from user space up to one page. */
#define DBD_PATH_MAX		4096u

/* Argument layouts (natural alignment, no packing). */
struct dbd_setup {
	char *bdev;			/* block device path */
	char *cow;			/* COW file path */
	unsigned long fallocated_mib;	/* 0: driver default */
	unsigned long cache_bytes;	/* 0: driver default (300 MiB) */
	unsigned int minor;
};

struct dbd_reload {
	char *bdev;
	char *cow;			/* relative to the volume's root */
	unsigned long cache_bytes;
	unsigned int minor;
};

struct dbd_transition_snap {
	char *cow;
	unsigned long fallocated_mib;
	unsigned int minor;
};

struct dbd_reconfigure {
	unsigned long cache_bytes;
	unsigned int minor;
};

struct dbd_expand_cow {
	unsigned long size_mib;
	unsigned int minor;
};

struct dbd_reconfigure_auto_expand {
	unsigned long step_size_mib;
	unsigned long reserved_space_mib;
	unsigned int minor;
};

#define DBD_UUID_SIZE	16u

struct dbd_info {
	uint32_t minor;			/* read in and out */
	unsigned long state;		/* DBD_STATE_* bits */
	int error;			/* activation error, negative errno, or 0 */
	unsigned long cache_size;
	uint64_t falloc_size;
	uint64_t seqid;
	uint8_t uuid[DBD_UUID_SIZE];
	char cow[DBD_PATH_MAX];
	char bdev[DBD_PATH_MAX];
	uint64_t version;
	uint64_t nr_changed_blocks;
};

/* ioctl requests on the control device. */
#define DBD_IOCTL_MAGIC		0x91
#define DBD_IOC_SETUP_SNAP	_IOW(DBD_IOCTL_MAGIC, 1, struct dbd_setup)
#define DBD_IOC_RELOAD_SNAP	_IOW(DBD_IOCTL_MAGIC, 2, struct dbd_reload)
#define DBD_IOC_RELOAD_INC	_IOW(DBD_IOCTL_MAGIC, 3, struct dbd_reload)
#define DBD_IOC_DESTROY		_IOW(DBD_IOCTL_MAGIC, 4, unsigned int)
#define DBD_IOC_TRANSITION_INC	_IOW(DBD_IOCTL_MAGIC, 5, unsigned int)
#define DBD_IOC_TRANSITION_SNAP	_IOW(DBD_IOCTL_MAGIC, 6, struct dbd_transition_snap)
#define DBD_IOC_RECONFIGURE	_IOW(DBD_IOCTL_MAGIC, 7, struct dbd_reconfigure)
#define DBD_IOC_INFO		_IOR(DBD_IOCTL_MAGIC, 8, struct dbd_info)
#define DBD_IOC_GET_FREE	_IOR(DBD_IOCTL_MAGIC, 9, int)
#define DBD_IOC_EXPAND_COW_FILE	_IOW(DBD_IOCTL_MAGIC, 10, struct dbd_expand_cow)
#define DBD_IOC_RECONFIGURE_AUTO_EXPAND \
	_IOW(DBD_IOCTL_MAGIC, 11, struct dbd_reconfigure_auto_expand)

/*
 * INFO is declared read-only (_IOR), yet the driver copies the record in
 * first to learn which minor is asked about: set .minor before the call.
 */

/* State bits of a minor (INFO .state, /proc/datto-info "state"). */
#define DBD_STATE_SNAPSHOT	(1ul << 0)	/* else incremental */
#define DBD_STATE_ACTIVE	(1ul << 1)	/* else dormant */
#define DBD_STATE_UNVERIFIED	(1ul << 2)	/* reloaded, not yet activated */

#define DBD_STATE_DORMANT_INC		0ul
#define DBD_STATE_DORMANT_SNAP		1ul
#define DBD_STATE_ACTIVE_INC		2ul
#define DBD_STATE_ACTIVE_SNAP		3ul
#define DBD_STATE_UNVERIFIED_INC	4ul
#define DBD_STATE_UNVERIFIED_SNAP	5ul

/* The COW file header: the first 4096 bytes, host byte order. */
#define DBD_COW_MAGIC		4776u
#define DBD_COW_HEADER_SIZE	4096u	/* the index starts here */
#define DBD_COW_CLEAN		(1u << 0)
#define DBD_COW_INDEX_ONLY	(1u << 1)	/* incremental */
#define DBD_COW_INTERNAL	(1u << 2)	/* driver-internal, ignore */
#define DBD_COW_VERSION_0	0u
#define DBD_COW_VERSION_CHANGED_BLOCKS	1u	/* nr_changed_blocks present */

struct dbd_cow_header {
	uint32_t magic;
	uint32_t flags;
	uint64_t fpos;
	uint64_t fsize;
	uint64_t seqid;			/* starts at 1 */
	uint8_t uuid[DBD_UUID_SIZE];
	uint64_t version;
	uint64_t nr_changed_blocks;
};

/* Compile-time checks of every figure in the interface document. */
#if defined(__LP64__) || defined(_LP64)
#define DBD_ASSERT(c, msg) _Static_assert(c, msg)
DBD_ASSERT(sizeof(struct dbd_setup) == 40, "setup is 40 bytes");
DBD_ASSERT(offsetof(struct dbd_setup, bdev) == 0, "setup.bdev @0");
DBD_ASSERT(offsetof(struct dbd_setup, cow) == 8, "setup.cow @8");
DBD_ASSERT(offsetof(struct dbd_setup, fallocated_mib) == 16, "setup.fallocated_mib @16");
DBD_ASSERT(offsetof(struct dbd_setup, cache_bytes) == 24, "setup.cache_bytes @24");
DBD_ASSERT(offsetof(struct dbd_setup, minor) == 32, "setup.minor @32");

DBD_ASSERT(sizeof(struct dbd_reload) == 32, "reload is 32 bytes");
DBD_ASSERT(offsetof(struct dbd_reload, bdev) == 0, "reload.bdev @0");
DBD_ASSERT(offsetof(struct dbd_reload, cow) == 8, "reload.cow @8");
DBD_ASSERT(offsetof(struct dbd_reload, cache_bytes) == 16, "reload.cache_bytes @16");
DBD_ASSERT(offsetof(struct dbd_reload, minor) == 24, "reload.minor @24");

DBD_ASSERT(sizeof(struct dbd_transition_snap) == 24, "transition is 24 bytes");
DBD_ASSERT(offsetof(struct dbd_transition_snap, cow) == 0, "transition.cow @0");
DBD_ASSERT(offsetof(struct dbd_transition_snap, fallocated_mib) == 8, "transition.fallocated_mib @8");
DBD_ASSERT(offsetof(struct dbd_transition_snap, minor) == 16, "transition.minor @16");

DBD_ASSERT(sizeof(struct dbd_reconfigure) == 16, "reconfigure is 16 bytes");
DBD_ASSERT(offsetof(struct dbd_reconfigure, cache_bytes) == 0, "reconfigure.cache_bytes @0");
DBD_ASSERT(offsetof(struct dbd_reconfigure, minor) == 8, "reconfigure.minor @8");

DBD_ASSERT(sizeof(struct dbd_expand_cow) == 16, "expand-cow-file is 16 bytes");
DBD_ASSERT(sizeof(struct dbd_reconfigure_auto_expand) == 24, "reconfigure-auto-expand is 24 bytes");

DBD_ASSERT(sizeof(struct dbd_info) == 8272, "info is 8272 bytes");
DBD_ASSERT(offsetof(struct dbd_info, minor) == 0, "info.minor @0");
DBD_ASSERT(offsetof(struct dbd_info, state) == 8, "info.state @8");
DBD_ASSERT(offsetof(struct dbd_info, error) == 16, "info.error @16");
DBD_ASSERT(offsetof(struct dbd_info, cache_size) == 24, "info.cache_size @24");
DBD_ASSERT(offsetof(struct dbd_info, falloc_size) == 32, "info.falloc_size @32");
DBD_ASSERT(offsetof(struct dbd_info, seqid) == 40, "info.seqid @40");
DBD_ASSERT(offsetof(struct dbd_info, uuid) == 48, "info.uuid @48");
DBD_ASSERT(offsetof(struct dbd_info, cow) == 64, "info.cow @64");
DBD_ASSERT(offsetof(struct dbd_info, bdev) == 4160, "info.bdev @4160");
DBD_ASSERT(offsetof(struct dbd_info, version) == 8256, "info.version @8256");
DBD_ASSERT(offsetof(struct dbd_info, nr_changed_blocks) == 8264, "info.nr_changed_blocks @8264");

DBD_ASSERT(DBD_IOC_SETUP_SNAP == 0x40289101u, "SETUP_SNAP request");
DBD_ASSERT(DBD_IOC_RELOAD_SNAP == 0x40209102u, "RELOAD_SNAP request");
DBD_ASSERT(DBD_IOC_RELOAD_INC == 0x40209103u, "RELOAD_INC request");
DBD_ASSERT(DBD_IOC_DESTROY == 0x40049104u, "DESTROY request");
DBD_ASSERT(DBD_IOC_TRANSITION_INC == 0x40049105u, "TRANSITION_INC request");
DBD_ASSERT(DBD_IOC_TRANSITION_SNAP == 0x40189106u, "TRANSITION_SNAP request");
DBD_ASSERT(DBD_IOC_RECONFIGURE == 0x40109107u, "RECONFIGURE request");
DBD_ASSERT(DBD_IOC_INFO == 0xa0509108u, "INFO request");
DBD_ASSERT(DBD_IOC_GET_FREE == 0x80049109u, "GET_FREE request");
DBD_ASSERT(DBD_IOC_EXPAND_COW_FILE == 0x4010910au, "EXPAND_COW_FILE request");
DBD_ASSERT(DBD_IOC_RECONFIGURE_AUTO_EXPAND == 0x4018910bu, "RECONFIGURE_AUTO_EXPAND request");

DBD_ASSERT(sizeof(struct dbd_cow_header) == 0x40, "COW header fields end at 0x40");
DBD_ASSERT(offsetof(struct dbd_cow_header, magic) == 0x00, "cow.magic @0x00");
DBD_ASSERT(offsetof(struct dbd_cow_header, flags) == 0x04, "cow.flags @0x04");
DBD_ASSERT(offsetof(struct dbd_cow_header, fpos) == 0x08, "cow.fpos @0x08");
DBD_ASSERT(offsetof(struct dbd_cow_header, fsize) == 0x10, "cow.fsize @0x10");
DBD_ASSERT(offsetof(struct dbd_cow_header, seqid) == 0x18, "cow.seqid @0x18");
DBD_ASSERT(offsetof(struct dbd_cow_header, uuid) == 0x20, "cow.uuid @0x20");
DBD_ASSERT(offsetof(struct dbd_cow_header, version) == 0x30, "cow.version @0x30");
DBD_ASSERT(offsetof(struct dbd_cow_header, nr_changed_blocks) == 0x38, "cow.nr_changed_blocks @0x38");

DBD_ASSERT(DBD_STATE_ACTIVE_INC == DBD_STATE_ACTIVE, "2 is active incremental");
DBD_ASSERT(DBD_STATE_ACTIVE_SNAP == (DBD_STATE_ACTIVE | DBD_STATE_SNAPSHOT), "3 is active snapshot");
DBD_ASSERT(DBD_STATE_UNVERIFIED_INC == DBD_STATE_UNVERIFIED, "4 is unverified incremental");
DBD_ASSERT(DBD_STATE_UNVERIFIED_SNAP == (DBD_STATE_UNVERIFIED | DBD_STATE_SNAPSHOT), "5 is unverified snapshot");
#undef DBD_ASSERT
#else
#error "dbdboot supports LP64 targets only: dattobd's ioctl structures differ on 32-bit"
#endif

#endif /* DBDBOOT_DATTOBD_H */
