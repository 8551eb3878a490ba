#!/bin/sh
# Guest side of the demo: prints lines starting with DEMO| for the host.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

say() { echo "DEMO|$*"; }
state() {
	uuid=$(proc_field 0 uuid)
	ids="uuid and seq_id known at the read-write mount"
	[ -z "$uuid" ] || ids="uuid $uuid, seq_id $(proc_field 0 seq_id)"
	say "   minor 0: state $(proc_field 0 state) ($(dbdtest info 0 | kv state_name)), $ids"
}

case $1 in
1)
	say "\$ mount -o remount,rw /"
	mount -o remount,rw /
	say "\$ dbdtest setup-snapshot /dev/vda /.datto 0; dbdtest transition-to-incremental 0   (dbdtest: dbdctl's calls)"
	dbdtest setup-snapshot /dev/vda /.datto 0
	dbdtest transition-to-incremental 0
	state
	say "\$ mount -o remount,ro /   (shutdown: the driver writes its COW header clean)"
	mount -o remount,ro /
	state
	;;
2)
	say "kernel log:"
	dmesg | grep -E 'dbdboot:|dattobd: reload|EXT4-fs \(vda\): mounted' | sed 's/^/DEMO|   /'
	say "report /run/dbdboot/early.json:"
	sed 's/^/DEMO|   /' /run/dbdboot/early.json
	say "before the root's read-write remount:"
	state
	say "\$ mount -o remount,rw /"
	mount -o remount,rw /
	state
	[ "$(proc_field 0 state)" = 2 ] || fail "the root is not active after the remount"
	mount -o remount,ro /
	;;
esac
