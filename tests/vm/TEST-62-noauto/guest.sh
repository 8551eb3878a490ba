#!/bin/sh
# Guest side of TEST-62-noauto (systemd as PID 1).
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

case $1 in
1)
	fstab_mount LABEL=later /later noauto 0
	track /dev/vda / 0
	track /dev/vdb /later 1
	dbdboot sync
	grep -q "minor=1 .*stage=root" /etc/dbdboot/manifest || fail "the noauto volume is not stage=root"
	;;
2)
	! grep -q ' /later ' /proc/mounts || fail "the noauto volume was mounted at boot"
	expect_eq "reloaded in the initramfs" "$(report_field 1 phase) $(report_field 1 outcome)" \
		"initramfs reloaded"
	expect_verdict 1 pending
	mount /later
	expect_before_in_kmsg 'dbdboot: minor 1: UUID=.* reloaded' 'EXT4-fs (vdb): mounted'
	dbdboot verdict || true
	expect_verdict 0 resumed
	expect_verdict 1 resumed
	;;
*) fail "no boot $1 in this scenario" ;;
esac
