#!/bin/sh
# Guest side of TEST-90-real-lifecycle (and TEST-91's), systemd as PID 1.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

case $1 in
1)
	real_with_fix
	real_packaged
	expect_early_load
	track_root_and_data
	;;
2 | 3 | 4)
	real_with_fix
	expect_all_resumed 0 1
	expect_before_in_kmsg 'dbdboot: minor 1: UUID=' 'EXT4-fs (vdb): mounted filesystem'
	[ "$1" != 4 ] || [ -n "${DBDTEST_NO_CRASH:-}" ] || crash_during_writes
	;;
5)
	expect_all_unclean 0 1
	;;
*) fail "no boot $1 in this scenario" ;;
esac
