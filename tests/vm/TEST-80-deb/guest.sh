#!/bin/sh
# Guest side of TEST-80-deb.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

case $1 in
1)
	# The initrd of the upgraded package.
	cat /run/dbdboot/early.json
	grep -q '"outcome": "reloaded"' /run/dbdboot/early.json || fail "the report does not say reloaded"
	expect_before_in_kmsg 'dbdboot: minor 0: LABEL=root reloaded' 'EXT4-fs (vda): mounted filesystem'
	;;
2)
	# The system after apt-get remove, systemd as PID 1.
	dmesg >/run/dmesg.txt
	if grep -q 'dbdboot' /run/dmesg.txt; then
		fail "the kernel log names dbdboot: $(grep dbdboot /run/dmesg.txt | head -n1)"
	fi
	[ ! -e /run/dbdboot ] || fail "/run/dbdboot exists: something of dbdboot ran"
	[ ! -d /sys/module/dattobd ] || fail "dattobd was loaded"
	failed=$(systemctl list-units --failed --no-legend --plain | grep dbdboot || true)
	[ -z "$failed" ] || fail "failed units: $failed"
	[ ! -x /usr/sbin/dbdboot ] || fail "/usr/sbin/dbdboot is still installed"
	note "booted without dbdboot: $(systemctl is-system-running || true)"
	;;
*) fail "no boot $1 in this scenario" ;;
esac
