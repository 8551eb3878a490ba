#!/bin/sh
# Guest side of TEST-76-dracut-inject.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

K=$(uname -r)
case $1 in
1)
	mount -o remount,rw /
	track /dev/vda / 0
	dbdboot sync >/run/sync.log 2>&1 || { cat /run/sync.log; fail "dbdboot sync failed"; }
	cat /run/sync.log
	grep -q "manifest appended in '/boot/initrd.img-$K'" /run/sync.log ||
		fail "dbdboot sync did not append the manifest to the dracut initrd"
	dbdboot status -k "$K" -J >/run/status.json || true
	cat /run/status.json
	grep -q '"ready": true' /run/status.json || fail "dbdboot status: $K is not ready"
	grep -q '"generator": "dracut"' /run/status.json || fail "dbdboot status: the generator is not dracut"
	sync
	mount -o remount,ro /
	expect_eq "COW header clean" "$(dbdtest cow-header /.datto | kv clean)" 1
	;;
2)
	cat /run/dbdboot/early.json
	expect_eq "state before the read-write remount" "$(proc_field 0 state)" 4
	expect_before_in_kmsg 'dbdboot: minor 0: UUID=.* reloaded' 'EXT4-fs (vda): mounted filesystem'
	mount -o remount,rw /
	expect_resumed 0 /var/lib/dbdtest/0.info "the root"
	mount -o remount,ro /
	;;
*) fail "no boot $1 in this scenario" ;;
esac
