#!/bin/sh
# Guest side of TEST-60-late-volumes (systemd as PID 1). Boot 1's disks:
# vdb pv, vdc later, vdd and vde the array, vdf gone, vdg hot; boot 2 has
# vdb to vde, and hot is plugged in when asked.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

boot1() {
	wipefs -q -a /dev/vdb /dev/vdd /dev/vde
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
	fstab_mount LABEL=later /later noauto 0
	mdadm --create /dev/md0 --run --level=1 --raid-devices=2 --metadata=1.2 --assume-clean \
		/dev/vdd /dev/vde || fail "could not make the array"
	mkfs.ext4 -q -E lazy_itable_init=0,lazy_journal_init=0 /dev/md0
	fstab_mount "UUID=$(blkid -s UUID -o value /dev/md0)" /md defaults 2
	fstab_mount LABEL=gone /gone nofail 2
	mkdir -p /hot
	mount /dev/vdg /hot
	track /dev/vda / 0
	track /dev/vg2/data /data 1
	track /dev/vdc /later 2
	track /dev/md0 /md 3
	track /dev/vdf /gone 4
	track /dev/vdg /hot 5
	dbdboot sync
	cat /etc/dbdboot/manifest
	grep -q "minor=0 .*stage=initramfs" /etc/dbdboot/manifest || fail "the root is not stage=initramfs"
	for m in 1 2 3 4 5; do
		grep -q "minor=$m .*stage=root" /etc/dbdboot/manifest || fail "minor $m is not stage=root"
	done
	sed -n 's/.*device=UUID=\([^ ]*\) .*minor=5 .*/\1/p' /etc/dbdboot/manifest >/var/lib/dbdtest/uuid
}

# What the initramfs did, and the units still waiting for absent devices.
boot2_early() {
	cat /run/dbdboot/early.json
	total=$(sed -n 's/^  "elapsed_ms": \([0-9]*\),/\1/p' /run/dbdboot/early.json)
	module=$(sed -n 's/.*"module": .*"waited_ms": \([0-9]*\)}.*/\1/p' /run/dbdboot/early.json)
	note "the initramfs agent took $total ms, $module ms of them loading dattobd or waiting for its early load: $((total - module)) ms for the rest"
	# Not a timing goal (bench/ measures), a bound far under one poll of a wait:
	# the agent did not wait for the absent disks nor for the LV.
	[ $((total - module)) -lt 1000 ] || fail "the agent waited $((total - module)) ms beyond the module load"
	systemctl list-jobs --no-pager | tee /run/jobs.txt
	for m in 4 5; do
		expect_eq "absent disk $m left to the real root" "$(report_field $m outcome)" left-to-root
		expect_verdict $m chain-broken device-absent
	done
	# The nofail disk's: waiting for its device beside its mount's own job
	# (systemd's, for as long as systemd waits for it).
	grep -q "dbdboot-reload-4.service" /run/jobs.txt ||
		fail "dbdboot-reload-4.service is not waiting for its device (the boot waited for it, or it never started)"
	# The one no fstab line names, not there when the generator ran: no job
	# at all (none to wait for a disk that may be gone for good), only its
	# device's appearance starts it (then reloaded before its mount: boot2_hotplug).
	! grep -q "dbdboot-reload-5.service" /run/jobs.txt ||
		fail "dbdboot-reload-5.service waits for a device no fstab line needs"
	systemctl show -P WantedBy dbdboot-reload-5.service | grep -q '\.device' ||
		fail "dbdboot-reload-5.service is not started by its device"
	note "multi-user.target reached $(cut -d' ' -f1 /proc/uptime) s after the kernel started, the devices still awaited"
	expect_eq "root reloaded in the initramfs" "$(report_field 0 phase) $(report_field 0 outcome)" \
		"initramfs reloaded"
}

boot2_lv() {
	vgs -o vg_name,autoactivation vg2
	systemctl status --no-pager dbdboot-reload-1.service || true
	expect_eq "LV reloaded in the real root" "$(report_field 1 phase) $(report_field 1 outcome)" \
		"after-switch-root reloaded"
	dmesg | grep -q 'minor 1: UUID=.* not there yet: left to the real root' ||
		fail "the initramfs did not leave the LV to the real root"
	expect_before_in_kmsg 'dbdboot: minor 1: UUID=.* reloaded' 'EXT4-fs (dm-0): mounted'
	# Not only this time: the fstab names the LV by its path, the manifest by
	# its UUID, and the mount is ordered after the reload all the same.
	systemctl show -P After data.mount | tr ' ' '\n' | grep -qx dbdboot-reload-1.service ||
		fail "data.mount is not ordered after dbdboot-reload-1.service: $(systemctl show -P After data.mount)"
}

boot2_md() {
	path=$(report_field 3 path)
	note "minor 3 was reloaded on $path ($(report_field 3 phase))"
	case $path in
	/dev/md*) ;;
	*) fail "minor 3 was reloaded on '$path', not on the array" ;;
	esac
	expect_eq "array reloaded" "$(report_field 3 outcome)" reloaded
	expect_before_in_kmsg 'dbdboot: minor 3: UUID=.* reloaded' 'EXT4-fs (md'
}

boot2_noauto() {
	! grep -q ' /later ' /proc/mounts || fail "the noauto volume was mounted at boot"
	expect_eq "noauto volume reloaded in the initramfs" "$(report_field 2 phase) $(report_field 2 outcome)" \
		"initramfs reloaded"
	expect_verdict 2 pending
	mount /later
	expect_before_in_kmsg 'dbdboot: minor 2: UUID=.* reloaded' 'EXT4-fs (vdc): mounted'
}

boot2_hotplug() {
	u=$(cat /var/lib/dbdtest/uuid)
	[ ! -e "/dev/disk/by-uuid/$u" ] || fail "the hot-plug disk is there before it is plugged in"
	sleep 5
	note "plug the disk in now"
	udevadm wait --timeout 60 "/dev/disk/by-uuid/$u" || fail "the plugged disk did not appear"
	dev=$(basename "$(readlink -f "/dev/disk/by-uuid/$u")")
	systemd-mount "/dev/disk/by-uuid/$u" /hot || fail "systemd-mount failed"
	systemctl status --no-pager dbdboot-reload-5.service || true
	expect_eq "plugged disk reloaded in the real root" "$(report_field 5 phase) $(report_field 5 outcome)" \
		"after-switch-root reloaded"
	expect_before_in_kmsg 'dbdboot: minor 5: UUID=.* reloaded' "EXT4-fs ($dev): mounted"
}

case $1 in
1) boot1 ;;
2)
	boot2_early
	boot2_lv
	boot2_md
	boot2_noauto
	boot2_hotplug
	dbdboot verdict || true
	cat /run/dbdboot/verdict.json
	for m in 0 1 2 3 5; do expect_verdict $m resumed; done
	expect_verdict 4 chain-broken device-absent
	;;
*) fail "no boot $1 in this scenario" ;;
esac
