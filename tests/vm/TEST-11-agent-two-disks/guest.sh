#!/bin/sh
# Guest side of TEST-11-agent-two-disks.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

mkdir -p /run/data
case $1 in
1)
	mount -o remount,rw /
	mount /dev/vdb /run/data
	dbdtest setup-snapshot /dev/vda /.datto 0
	dbdtest transition-to-incremental 0
	dbdtest setup-snapshot /dev/vdb /run/data/.datto-data 5
	dbdtest transition-to-incremental 5
	mkdir -p /var/lib/dbdtest
	dbdtest info 0 >/var/lib/dbdtest/root.info
	dbdtest info 5 >/var/lib/dbdtest/data.info
	umount /run/data
	sync
	mount -o remount,ro /
	expect_eq "root dormant" "$(proc_field 0 state)" 0
	expect_eq "data dormant" "$(proc_field 5 state)" 0
	;;
2)
	show_proc
	expect_eq "root unverified before its remount" "$(proc_field 0 state)" 4
	expect_eq "data unverified before its mount" "$(proc_field 5 state)" 4
	expect_eq "reloads in the report" "$(grep -c '"outcome": "reloaded"' /run/dbdboot/early.json)" 2
	mount -o remount,rw /
	mount /dev/vdb /run/data
	expect_resumed 0 /var/lib/dbdtest/root.info "the root"
	expect_resumed 5 /var/lib/dbdtest/data.info "the data disk"
	umount /run/data
	mount -o remount,ro /
	;;
*) fail "no boot $1 in this scenario" ;;
esac
