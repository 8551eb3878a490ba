#!/bin/sh
# Guest side of TEST-63-nofail-absent (systemd as PID 1).
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

case $1 in
1)
	fstab_mount LABEL=gone /gone nofail 2
	track /dev/vda / 0
	track /dev/vdb /gone 1
	dbdboot sync
	grep -q "minor=1 .*stage=root" /etc/dbdboot/manifest || fail "the nofail disk is not stage=root"
	;;
2)
	[ ! -e /dev/vdb ] || fail "the disk is there"
	expect_eq "absent disk left to the real root" "$(report_field 1 outcome)" left-to-root
	total=$(sed -n 's/^  "elapsed_ms": \([0-9]*\),/\1/p' /run/dbdboot/early.json)
	module=$(sed -n 's/.*"module": .*"ms": \([0-9]*\)}.*/\1/p' /run/dbdboot/early.json)
	note "the initramfs agent took $total ms, $module ms of them loading dattobd: $((total - module)) ms for the rest"
	# Not a timing goal (bench/ measures), a bound far under one poll of a wait:
	# the agent did not wait for the absent disk.
	[ $((total - module)) -lt 1000 ] || fail "the agent waited $((total - module)) ms beyond the module load"
	systemctl list-jobs --no-pager | tee /run/jobs.txt
	grep -q 'dbdboot-reload-1.service' /run/jobs.txt ||
		fail "dbdboot-reload-1.service is not waiting for its device (the boot waited for it, or it never started)"
	note "multi-user.target reached $(cut -d' ' -f1 /proc/uptime) s after the kernel started, the device still awaited"
	expect_verdict 0 resumed
	expect_verdict 1 chain-broken device-absent
	;;
*) fail "no boot $1 in this scenario" ;;
esac
