#!/bin/sh
# Guest side of TEST-53-off (systemd as PID 1).
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
	expect_verdict 0 chain-broken not-reloaded
	echo "written untracked" >/data/untracked
	;;
3)
	cat /run/dbdboot/verdict.json
	expect_eq "the driver resumed the old chain" "$(dbdtest info 0 | kv state)" 2
	expect_verdict 0 chain-broken earlier-break
	# The backup agent starts a new chain: a new uuid.
	dbdtest destroy 0
	track /dev/vdb /data 0
	dbdboot sync
	;;
4)
	cat /run/dbdboot/verdict.json
	expect_verdict 0 resumed
	expect_eq "the new chain's uuid" "$(json_field 0 uuid)" "$(kv uuid </var/lib/dbdtest/0.info)"
	;;
*) fail "no boot $1 in this scenario" ;;
esac
