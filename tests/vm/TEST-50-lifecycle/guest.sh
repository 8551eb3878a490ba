#!/bin/sh
# Guest side of TEST-50-lifecycle (run by dbdtest.service, systemd as PID 1).
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

case $1 in
1)
	[ ! -s /etc/dbdboot/manifest ] || fail "the system came with a manifest"
	fstab_disk data
	fstab_disk extra
	track /dev/vda / 0
	track /dev/vdb /data 1
	dbdboot sync
	cat /etc/dbdboot/manifest
	grep -q "^volume mode=incremental device=UUID=.* minor=0 .*by=sync" /etc/dbdboot/manifest ||
		fail "the manifest does not name the root by its UUID"
	grep -q "^volume mode=incremental device=UUID=.* minor=1 .*by=sync" /etc/dbdboot/manifest ||
		fail "the manifest does not name the data disk by its UUID"
	dbdboot sync --check || fail "sync --check says stale right after a sync"
	;;
2)
	expect_all_resumed 0 1
	expect_before_in_kmsg 'dbdboot: minor 1: UUID=' 'EXT4-fs (vdb): mounted filesystem'
	;;
3)
	expect_all_resumed 0 1
	track /dev/vdc /extra 2
	dbdtest destroy 1
	;;
4)
	cat /etc/dbdboot/manifest
	expect_all_resumed 0 2
	expect_gone 1
	# Then a crash during writes (the root's; the new volume is active too).
	crash_during_writes
	;;
5)
	expect_all_unclean 0 2
	;;
*) fail "no boot $1 in this scenario" ;;
esac
