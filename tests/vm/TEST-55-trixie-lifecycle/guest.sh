#!/bin/sh
# Guest side of TEST-55-trixie-lifecycle, systemd as PID 1 on Debian 13.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

# What Debian 13 changes, as this system has it.
debian13() {
	k=$(uname -r)
	case $k in
	*+deb13-cloud-amd64) ;;
	*) fail "not a Debian 13 kernel: $k" ;;
	esac
	[ "$(readlink /lib)" = usr/lib ] || fail "/lib is not a link to usr/lib"
	[ -f "/usr/lib/modules/$k/updates/dkms/dattobd.ko.xz" ] ||
		fail "dkms did not install dattobd.ko.xz: $(ls "/usr/lib/modules/$k/updates/dkms" 2>&1)"
	is_double || fail "the test double is not loaded"
	dbdboot status -k "$k" >/run/status.txt 2>&1 || fail "dbdboot status: $k is not ready: $(cat /run/status.txt)"
	dbdboot status -k "$k" -J >/run/status.json 2>&1 || fail "dbdboot status -J failed: $(cat /run/status.json)"
	grep -q '"ready": true' /run/status.json || fail "dbdboot status -J: $k is not ready"
	grep -q 'dattobd.ko.xz' /run/status.json || fail "dbdboot status -J does not name dattobd.ko.xz"
	cat /run/status.txt
}

# Minor 2: an LV on /dev/vdc that the initramfs leaves alone (its volume
# group's autoactivation off, activated by a service of the real root), in
# /etc/fstab at /lv: left to the real root, reloaded there before its mount.
track_lv() {
	wipefs -q -a /dev/vdc
	pvcreate -q /dev/vdc || fail "could not make /dev/vdc a PV"
	vgcreate -q vg2 /dev/vdc || fail "could not make vg2"
	lvcreate -q -y -L 40M -n lv vg2 || fail "could not make vg2/lv"
	mkfs.ext4 -q -E lazy_itable_init=0,lazy_journal_init=0 /dev/vg2/lv
	vg_by_service vg2 /dev/vdc
	fstab_mount /dev/vg2/lv /lv defaults 2
	track /dev/vg2/lv /lv 2
	dbdboot sync
	grep -q "minor=2 .*stage=root" /etc/dbdboot/manifest || fail "the LV is not stage=root"
}

# After a clean reboot: the three resumed, each reloaded before its mount
# (the LV in the real root).
expect_three_resumed() {
	expect_all_resumed 0 1 2
	expect_before_in_kmsg 'dbdboot: minor 1: UUID=' 'EXT4-fs (vdb): mounted filesystem'
	expect_eq "LV reloaded in the real root" "$(report_field 2 phase) $(report_field 2 outcome)" \
		"after-switch-root reloaded"
	expect_before_in_kmsg 'dbdboot: minor 2: UUID=.* reloaded' 'EXT4-fs (dm-0): mounted'
}

case $1 in
1)
	debian13
	track_root_and_data
	track_lv
	;;
2)
	debian13
	expect_three_resumed
	if [ -n "${DBDTEST_NOSYSTEMD_NEXT:-}" ]; then
		# The next initrd made without systemd (dracut's shell init),
		# as an administrator would configure it.
		echo 'omit_dracutmodules+=" systemd "' >/etc/dracut.conf.d/90-dbdtest-nosystemd.conf
		dracut -q -f "/boot/initrd.img-$k" "$k" || fail "dracut without systemd failed"
	fi
	[ -n "${DBDTEST_NO_CRASH:-}" ] || crash_during_writes
	;;
3)
	if [ -n "${DBDTEST_NOSYSTEMD_NEXT:-}" ]; then
		debian13
		! lsinitrd "/boot/initrd.img-$k" | grep -q 'usr/lib/systemd/systemd$' ||
			fail "the initrd booted has systemd"
		expect_three_resumed
	else
		expect_all_unclean 0 1 2
	fi
	;;
*) fail "no boot $1 in this scenario" ;;
esac
