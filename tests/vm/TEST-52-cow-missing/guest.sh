#!/bin/sh
# Guest side of TEST-52-cow-missing (systemd as PID 1).
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

case $1 in
1)
	fstab_disk data
	track /dev/vdb /data 0
	dbdboot sync
	;;
2)
	cat /run/dbdboot/verdict.json
	[ ! -e /data/.datto ] || fail "the COW file is still there"
	expect_verdict 0 chain-broken cow-missing
	;;
*) fail "no boot $1 in this scenario" ;;
esac
