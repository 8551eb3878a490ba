#!/bin/sh
# Guest side of TEST-64-md-raid1 (systemd as PID 1).
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

case $1 in
1)
	wipefs -q -a /dev/vdb /dev/vdc
	mdadm --create /dev/md0 --run --level=1 --raid-devices=2 --metadata=1.2 --assume-clean \
		/dev/vdb /dev/vdc || fail "could not make the array"
	mkfs.ext4 -q -E lazy_itable_init=0,lazy_journal_init=0 /dev/md0
	fstab_mount "UUID=$(blkid -s UUID -o value /dev/md0)" /data defaults 2
	track /dev/vda / 0
	track /dev/md0 /data 1
	dbdboot sync
	cat /etc/dbdboot/manifest
	grep -q "minor=1 .*stage=root" /etc/dbdboot/manifest || fail "the array is not stage=root"
	;;
2)
	cat /run/dbdboot/early.json
	path=$(report_field 1 path)
	note "minor 1 was reloaded on $path ($(report_field 1 phase))"
	case $path in
	/dev/md*) ;;
	*) fail "minor 1 was reloaded on '$path', not on the array" ;;
	esac
	expect_eq "reloaded" "$(report_field 1 outcome)" reloaded
	expect_before_in_kmsg 'dbdboot: minor 1: UUID=.* reloaded' 'EXT4-fs (md'
	expect_verdict 0 resumed
	expect_verdict 1 resumed
	;;
*) fail "no boot $1 in this scenario" ;;
esac
