#!/bin/sh
# Guest side of TEST-57-upgrade-12-13, systemd as PID 1.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

case $1 in
1)
	[ ! -s /etc/dbdboot/manifest ] || fail "the system came with a manifest"
	fstab_disk data
	track /dev/vdb /data 1
	dbdboot sync
	;;
2)
	k=$(uname -r)
	case $k in
	*+deb13-cloud-amd64) ;;
	*) fail "not the Debian 13 kernel: $k" ;;
	esac
	grep -q '^VERSION_ID="13"' /etc/os-release || fail "not Debian 13: $(cat /etc/os-release)"
	grep -q "\"path\": \"/lib/modules/$k/updates/dkms/dattobd.ko.xz\"" /run/dbdboot/early.json ||
		fail "the agent did not load dkms 3.2's dattobd.ko.xz: $(cat /run/dbdboot/early.json)"
	expect_all_resumed 1
	expect_before_in_kmsg 'dbdboot: minor 1: UUID=' 'EXT4-fs (vdb): mounted filesystem'
	;;
*) fail "no boot $1 in this scenario" ;;
esac
