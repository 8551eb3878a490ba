#!/bin/sh
# Guest side of TEST-03-crash. Boot 1 leaves the volume active and waits to
# be killed; boot 2 reloads and mounts.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

mkdir -p /mnt
modprobe dattobd
case $1 in
1)
	mount /dev/vdb /mnt
	dbdtest setup-snapshot /dev/vdb /mnt/.datto 0
	dbdtest transition-to-incremental 0
	expect_eq "state before the crash" "$(proc_field 0 state)" 2
	echo data >/mnt/file
	sync
	echo "DBDBOOT-TEST: READY-TO-KILL"
	sleep 600
	fail "not killed"
	;;
2)
	dbdtest reload-incremental /dev/vdb /.datto 0
	expect_eq "state after reload" "$(proc_field 0 state)" 4
	mount /dev/vdb /mnt
	show_proc
	expect_eq "state after read-write mount" "$(proc_field 0 state)" 4
	expect_eq "error in /proc/datto-info" "$(proc_field 0 error)" -22
	expect_eq "error in INFO" "$(dbdtest info 0 | kv error)" -22
	expect_eq "COW header still dirty" "$(dbdtest cow-header /mnt/.datto | kv verdict | cut -c1-13)" "not left clea"
	umount /mnt
	;;
*) fail "no boot $1 in this scenario" ;;
esac
