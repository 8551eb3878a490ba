#!/bin/sh
# Guest side of TEST-54-umount-oops (systemd as PID 1).
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

case $1 in
1)
	is_double || { note "not the test double: its fault switch is needed"; exit 0; }
	fstab_disk data
	track /dev/vda / 0
	track /dev/vdb /data 1
	dbdboot sync
	;;
2)
	expect_verdict 0 resumed
	expect_verdict 1 resumed
	echo Y >/sys/module/dattobd/parameters/oops_at_umount
	;;
3)
	cat /run/dbdboot/verdict.json
	expect_eq "the report: the data disk's journal" "$(report_field 1 journal)" needs-recovery
	expect_verdict 1 chain-broken journal-replayed
	[ "$(json_field 0 verdict)" = chain-broken ] || fail "the root left unclosed is not chain-broken"
	note "root: $(json_field 0 reason)"
	;;
*) fail "no boot $1 in this scenario" ;;
esac
