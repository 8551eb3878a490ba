#!/bin/bash
# TEST-92-real-unfixed: the real dattobd 0.12.1 built WITHOUT dbdboot's fix
# (as dkms builds it with /etc/dbdboot/no-driver-fix, or before dbdboot put
# the fix in), systemd as PID 1. First, on the host, that build goes in
# place of the fixed one in the system (depmod, update-initramfs: 20 s here
# against 100 s in the guest under TCG). Boot 1 tracks the root and a data
# disk (a setup, safe with the bug).
# Boot 2: both reloaded by the unfixed driver, resumed; dbdboot status warns
# that both chains end at the next shutdown (exit 1); the shutdown guard
# stops both before their umounts, and the shutdown finishes with no oops.
# Boot 3: the verdict says chain-broken, stopped-at-shutdown, for both; a
# new chain on the data disk. Boot 4: it is reloaded (resumed), and its
# umount by hand shows the driver's bug as it is: the oops in
# cow_get_file_extents (QEMU killed at the end of its trace).
# Needs the real dattobd (DBDBOOT_DATTOBD; tests/check.sh skips it without).
# vm-cost: 165 (seconds, for tests/check.sh: the longest scenarios start first)
VM_FLAVOUR=real
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_system_overlay
R=$SC_DIR/root
cp "$R/dbdboot-tests/dattobd-unfixed.ko" "$R/lib/modules/$KVER/updates/dkms/dattobd.ko"
in_chroot "$R" depmod -a "$KVER"
in_chroot "$R" update-initramfs -u -k "$KVER" >"$SC_DIR/update-initramfs.log" 2>&1 ||
	die "update-initramfs with the build without the fix failed, see $SC_DIR/update-initramfs.log"
vm_image_of "$R" "$SC_DIR/root.img"
vm_overlay_umount
vm_disk data 64
vm_boot 1 --systemd --guest-initrd data
vm_expect_pass 1
vm_expect_shutdown 1
vm_boot 2 --systemd --guest-initrd data
vm_expect_pass 2
vm_expect_shutdown 2
vm_expect_log 2 "dbdboot: stopped tracking minor 0 (/dev/vda) before its umount"
vm_expect_log 2 "dbdboot: stopped tracking minor 1 (/dev/vdb) before its umount"
vm_boot 3 --systemd --guest-initrd data
vm_expect_pass 3
vm_expect_shutdown 3
vm_boot 4 --systemd --guest-initrd --kill-on "---[ end trace" data
vm_expect_pass 4
vm_expect_log 4 "BUG: kernel NULL pointer dereference"
vm_expect_log 4 "cow_get_file_extents"
vm_done "real dattobd without the fix: the guard ended two chains and the shutdown finished; the bug as it is oopses at the umount (4 boots)"
