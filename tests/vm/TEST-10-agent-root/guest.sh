#!/bin/sh
# Guest side of TEST-10-agent-root.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

case $1 in
1)
	[ -d /sys/module/dattobd ] || fail "the agent did not load dattobd from the initrd"
	grep -q '"status": "done"' /run/dbdboot/early.json || fail "no finished report in boot 1"
	expect_early_load
	mount -o remount,rw /
	dbdtest setup-snapshot /dev/vda /.datto 0
	dbdtest transition-to-incremental 0
	mkdir -p /var/lib/dbdtest
	dbdtest info 0 >/var/lib/dbdtest/boot1.info
	sync
	mount -o remount,ro /
	expect_eq "state after remount read-only" "$(proc_field 0 state)" 0
	expect_eq "COW header clean" "$(dbdtest cow-header /.datto | kv clean)" 1
	;;
2 | 3)
	show_proc
	cat /run/dbdboot/early.json
	expect_eq "state before the read-write remount" "$(proc_field 0 state)" 4
	grep -q '"outcome": "reloaded"' /run/dbdboot/early.json || fail "the report does not say reloaded"
	grep -q '"journal": "clean"' /run/dbdboot/early.json || fail "the report does not say the journal was clean"
	expect_early_load
	expect_before_in_kmsg 'dbdboot: minor 0: LABEL=root reloaded' 'EXT4-fs (vda): mounted filesystem'
	# The agent's check that the minor is free must not make the driver
	# log errors (its info ioctl on an unused minor does).
	if grep 'error during reconfigure ioctl handler' /run/dmesg.txt; then
		fail "the driver logged an error for the agent's free-minor check"
	fi
	if is_double; then
		grep -q 'reload-incremental minor 0: /dev/vda .*mounted: no' /run/dmesg.txt ||
			fail "the driver did not see the root unmounted at the reload"
	fi
	mount -o remount,rw /
	expect_resumed 0 /var/lib/dbdtest/boot1.info "the root"
	mount -o remount,ro /
	expect_eq "COW header clean at the end" "$(dbdtest cow-header /.datto | kv clean)" 1
	;;
*) fail "no boot $1 in this scenario" ;;
esac
