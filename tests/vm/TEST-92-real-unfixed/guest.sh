#!/bin/sh
# Guest side of TEST-92-real-unfixed, systemd as PID 1.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

kver=$(uname -r)
# The loaded dattobd is the build on disk (same srcversion), with the fix or without.
loaded_build() { # loaded_build FIX ("" none)
	! is_double || fail "the test double is loaded, not the real dattobd"
	expect_eq "the loaded build" "$(cat /sys/module/dattobd/srcversion)" "$(modinfo -F srcversion dattobd)"
	expect_eq "the loaded dattobd's dbdboot fix" "$(modinfo -F dbdboot_fix dattobd)" "$1"
}

case $1 in
1)
	loaded_build ""
	fstab_disk data
	track /dev/vda / 0
	track /dev/vdb /data 1
	dbdboot sync
	! dbdboot status -k "$kver" >/run/status.txt 2>&1 || fail "status exits 0 with the fix missing"
	grep -q "driver fix    MISSING" /run/status.txt || fail "status does not say the fix is missing"
	;;
2)
	loaded_build ""
	expect_all_resumed 0 1
	! dbdboot status -k "$kver" >/run/status.txt 2>&1 || fail "status exits 0 with two chains at risk"
	cat /run/status.txt
	grep -q "the chain of minor 0 ('/dev/vda') ends at the next shutdown" /run/status.txt ||
		fail "status does not warn for the root"
	grep -q "the chain of minor 1 ('/dev/vdb') ends at the next shutdown" /run/status.txt ||
		fail "status does not warn for the data disk"
	;;
3)
	cat /run/dbdboot/verdict.json
	expect_verdict 0 chain-broken stopped-at-shutdown
	expect_verdict 1 chain-broken stopped-at-shutdown
	! grep -q "^volume" /etc/dbdboot/manifest || fail "the manifest still lists a stopped volume"
	track /dev/vdb /data 1
	dbdboot sync
	;;
4)
	loaded_build ""
	expect_verdict 1 resumed
	# The bug as it is: the umount of a volume the unfixed driver reloaded.
	echo none >/run/dbdtest-after
	systemd-run --unit=dbdtest-umount sh -c 'while [ ! -e /run/dbdtest-held ]; do sleep 0.1; done
		echo DBDTEST-UMOUNT >/dev/console; umount /data'
	;;
*) fail "no boot $1 in this scenario" ;;
esac
