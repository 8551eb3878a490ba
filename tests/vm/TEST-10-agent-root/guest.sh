#!/bin/sh
# Guest side of TEST-10-agent-root.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

case $1 in
1)
	[ -d /sys/module/dattobd ] || fail "the agent did not load dattobd from the initrd"
	grep -q '"status": "done"' /run/dbdboot/early.json || fail "no finished report in boot 1"
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
2)
	show_proc
	cat /run/dbdboot/early.json
	expect_eq "state before the read-write remount" "$(proc_field 0 state)" 4
	grep -q '"outcome": "reloaded"' /run/dbdboot/early.json || fail "the report does not say reloaded"
	grep -q '"journal": "clean"' /run/dbdboot/early.json || fail "the report does not say the journal was clean"
	# The reload came before the root's first mount.
	dmesg >/run/dmesg.txt
	reload=$(grep -n 'dbdboot: minor 0: LABEL=root reloaded' /run/dmesg.txt | head -n1 | cut -d: -f1)
	mounted=$(grep -n 'EXT4-fs (vda): mounted filesystem' /run/dmesg.txt | head -n1 | cut -d: -f1)
	[ -n "$reload" ] || fail "no reload line in the kernel log"
	[ -n "$mounted" ] || fail "no mount line for vda in the kernel log"
	[ "$reload" -lt "$mounted" ] || fail "the reload (line $reload) came after the root mount (line $mounted)"
	note "kernel log: reload at line $reload, root mounted at line $mounted"
	grep -q 'reload-incremental minor 0: /dev/vda .*mounted: no' /run/dmesg.txt ||
		fail "the driver did not see the root unmounted at the reload"
	mount -o remount,rw /
	info=$(dbdtest info 0)
	expect_eq "state after the read-write remount" "$(echo "$info" | kv state)" 2
	expect_eq "uuid across the reboot" "$(echo "$info" | kv uuid)" "$(kv uuid </var/lib/dbdtest/boot1.info)"
	expect_eq "seqid across the reboot" "$(echo "$info" | kv seqid)" "$(kv seqid </var/lib/dbdtest/boot1.info)"
	mount -o remount,ro /
	expect_eq "COW header clean at the end" "$(dbdtest cow-header /.datto | kv clean)" 1
	;;
*) fail "no boot $1 in this scenario" ;;
esac
