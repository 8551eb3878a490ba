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
	echo none >/run/dbdtest-after
	# A unit of its own: the writes go on after this script has ended.
	# shellcheck disable=SC2016 # expanded by that shell
	systemd-run --unit=dbdtest-writer sh -c 'i=0
		while [ ! -e /run/dbdtest-held ]; do sleep 0.1; done
		while :; do
		dd if=/dev/urandom of=/data/f$((i % 8)) bs=64k count=4 conv=fsync 2>/dev/null
		dd if=/dev/urandom of=/var/tmp/f$((i % 8)) bs=64k count=4 conv=fsync 2>/dev/null
		i=$((i + 1)); [ $i = 3 ] && echo DBDTEST-WRITING >/dev/console; done'
	;;
2)
	cat /run/dbdboot/verdict.json
	expect_verdict 0 chain-broken unclean-shutdown
	expect_verdict 1 chain-broken unclean-shutdown
	grep -q '"previous_shutdown": "unclean"' /run/dbdboot/verdict.json ||
		fail "the verdict does not call the previous shutdown unclean"
	! dbdboot verdict >/dev/null || fail "dbdboot verdict exits 0 after a crash"
	;;
*) fail "no boot $1 in this scenario" ;;
esac
