#!/bin/sh
# Guest side of TEST-61-hotplug (systemd as PID 1).
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

case $1 in
1)
	mkdir -p /data
	mount /dev/vdb /data
	track /dev/vda / 0
	track /dev/vdb /data 1
	dbdboot sync
	grep -q "minor=1 .*stage=root" /etc/dbdboot/manifest || fail "the data disk is not stage=root"
	sed -n 's/.*device=UUID=\([^ ]*\) .*minor=1 .*/\1/p' /etc/dbdboot/manifest >/var/lib/dbdtest/uuid
	;;
2)
	u=$(cat /var/lib/dbdtest/uuid)
	[ ! -e /dev/vdb ] || fail "the data disk is there before it is plugged in"
	expect_eq "absent disk left to the real root" "$(report_field 1 outcome)" left-to-root
	expect_verdict 1 chain-broken device-absent
	sleep 5
	note "plug the disk in now"
	udevadm wait --timeout 60 "/dev/disk/by-uuid/$u" || fail "the plugged disk did not appear"
	systemd-mount "/dev/disk/by-uuid/$u" /data || fail "systemd-mount failed"
	systemctl status --no-pager dbdboot-reload-1.service || true
	expect_eq "reloaded in the real root" "$(report_field 1 phase) $(report_field 1 outcome)" \
		"after-switch-root reloaded"
	expect_before_in_kmsg 'dbdboot: minor 1: UUID=.* reloaded' 'EXT4-fs (vdb): mounted'
	dbdboot verdict || true
	expect_verdict 0 resumed
	expect_verdict 1 resumed
	;;
*) fail "no boot $1 in this scenario" ;;
esac
