#!/bin/sh
# Guest side of TEST-60-late-lvm (systemd as PID 1).
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

case $1 in
1)
	wipefs -q -a /dev/vdb
	pvcreate -q /dev/vdb || fail "could not make /dev/vdb a PV"
	vgcreate -q vg2 /dev/vdb || fail "could not make vg2"
	lvcreate -q -y -L 40M -n data vg2 || fail "could not make vg2/data"
	mkfs.ext4 -q -E lazy_itable_init=0,lazy_journal_init=0 /dev/vg2/data
	# Not activated by udev (so not in the initramfs): by a service of the
	# real root, as a VG on a disk that some service brings up would be.
	vg_by_service vg2 /dev/vdb
	vgs -o vg_name,autoactivation vg2
	# Fsck pass 0: the mount follows the device at once, so only the ordering
	# (not an fsck in between) keeps it after the reload.
	fstab_mount /dev/vg2/data /data defaults 0
	track /dev/vda / 0
	track /dev/vg2/data /data 1
	dbdboot sync
	cat /etc/dbdboot/manifest
	grep -q "minor=0 .*stage=initramfs" /etc/dbdboot/manifest || fail "the root is not stage=initramfs"
	grep -q "minor=1 .*stage=root" /etc/dbdboot/manifest || fail "the data LV is not stage=root"
	;;
2)
	vgs -o vg_name,autoactivation vg2
	cat /run/dbdboot/early.json
	systemctl status --no-pager dbdboot-reload-1.service || true
	expect_eq "root reloaded in the initramfs" "$(report_field 0 phase) $(report_field 0 outcome)" \
		"initramfs reloaded"
	expect_eq "LV reloaded in the real root" "$(report_field 1 phase) $(report_field 1 outcome)" \
		"after-switch-root reloaded"
	dmesg | grep -q 'minor 1: UUID=.* not there yet: left to the real root' ||
		fail "the initramfs did not leave the LV to the real root"
	expect_before_in_kmsg 'dbdboot: minor 1: UUID=.* reloaded' 'EXT4-fs (dm-0): mounted'
	# Not only this time: the fstab names the LV by its path, the manifest by
	# its UUID, and the mount is ordered after the reload all the same.
	systemctl show -P After data.mount | tr ' ' '\n' | grep -qx dbdboot-reload-1.service ||
		fail "data.mount is not ordered after dbdboot-reload-1.service: $(systemctl show -P After data.mount)"
	cat /run/dbdboot/verdict.json
	expect_verdict 0 resumed
	expect_verdict 1 resumed
	;;
*) fail "no boot $1 in this scenario" ;;
esac
