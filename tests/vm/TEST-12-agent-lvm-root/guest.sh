#!/bin/sh
# Guest side of TEST-12-agent-lvm-root.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

case $1 in
1)
	# No udev in this root: LVM makes its device nodes itself. The root is
	# read-only: no metadata backups under /etc/lvm.
	export DM_DISABLE_UDEV=1
	cfg='backup { backup = 0 archive = 0 } activation { udev_sync = 0 udev_rules = 0 }'
	lvm pvcreate -q --config "$cfg" /dev/vdb || fail "pvcreate failed"
	lvm vgcreate -q --config "$cfg" dbdvg /dev/vdb || fail "vgcreate failed"
	lvm lvcreate -q --config "$cfg" -y -Zn -Wn -L 40M -n root dbdvg || fail "lvcreate failed"
	[ -b /dev/mapper/dbdvg-root ] || fail "no /dev/mapper/dbdvg-root after lvcreate"
	dd if=/dev/vdc of=/dev/mapper/dbdvg-root bs=1M 2>/dev/null
	mount /dev/mapper/dbdvg-root /mnt
	dbdtest setup-snapshot /dev/mapper/dbdvg-root /mnt/.datto 0
	dbdtest transition-to-incremental 0
	dbdtest info 0 >/mnt/boot1.info
	umount /mnt
	expect_eq "state after umount" "$(proc_field 0 state)" 0
	lvm vgchange -q --config "$cfg" -an dbdvg
	;;
2)
	show_proc
	note "mounts: $(cut -d" " -f5,9,10 /proc/self/mountinfo | tr "\n" ";")"
	expect_eq "state before the read-write remount" "$(proc_field 0 state)" 4
	grep -q '"outcome": "reloaded"' /run/dbdboot/early.json || fail "the report does not say reloaded"
	expect_before_in_kmsg 'dbdboot: minor 0: /dev/mapper/dbdvg-root reloaded' 'EXT4-fs (dm-0): mounted filesystem'
	mount -o remount,rw /
	expect_resumed 0 /boot1.info "the root"
	mount -o remount,ro /
	;;
*) fail "no boot $1 in this scenario" ;;
esac
