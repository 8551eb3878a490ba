#!/bin/sh
# Guest side of TEST-93-real-dracut-upgrade (systemd as PID 1).
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

case $1 in
1)
	real_with_fix
	note "running $(uname -r), before the upgrade"
	fstab_disk data
	track /dev/vdb /data 0
	dbdboot sync
	grep -q "^volume mode=incremental device=UUID=.* minor=0 .*by=sync" /etc/dbdboot/manifest ||
		fail "the manifest does not name the data disk by its UUID"
	uname -r >/var/lib/dbdtest/kernel-before
	;;
2)
	[ "$(uname -r)" != "$(cat /var/lib/dbdtest/kernel-before)" ] ||
		fail "still $(uname -r), the kernel before the upgrade"
	note "running $(uname -r), after the upgrade"
	real_with_fix
	expect_all_resumed 0
	expect_before_in_kmsg 'dbdboot: minor 0: UUID=' 'EXT4-fs (vdb): mounted filesystem'
	;;
*) fail "no boot $1 in this scenario" ;;
esac
