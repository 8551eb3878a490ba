#!/bin/sh
# Guest side of TEST-51-crash (systemd as PID 1).
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

case $1 in
1)
	fstab_disk data
	track /dev/vda / 0
	track /dev/vdb /data 1
	dbdboot sync
	crash_during_writes
	;;
2)
	expect_all_unclean 0 1
	;;
*) fail "no boot $1 in this scenario" ;;
esac
