#!/bin/bash
# TEST-93-real-dracut-upgrade: a kernel upgrade with the real dattobd, on
# the dracut system, systemd as PID 1: the image first, then the headers
# (the order in which nothing but dbdboot's hooks puts the module into the
# new initrd), the new kernel's module built through dbdboot's hooks with
# dbdboot's fix, and a chain that survives the reboot into it.
# Before: the system runs OLD_KVER, with the real driver built for it
# (prepare.sh, with the fix; cached) and in its dracut initrd, and NEW_KVER
# purged. Boot 1 (OLD_KVER) tracks a data disk and syncs; a clean
# shutdown. Then, while the machine is off, NEW_KVER's image and then its
# headers are installed with dpkg on its root image (on the host: the
# real driver's dkms build takes about 4 minutes here, half an hour
# under TCG), only dbdboot's hooks to help: `dbdboot status` must say NEW_KVER
# is ready and that its module carries the fix. Boot 2 (NEW_KVER, the initrd
# the hooks left): the data disk reloaded before its mount by the module
# built at the upgrade, resumed with the same uuid and seqid, and the
# shutdown finishes. The root is not tracked: the installation writes to
# it while no driver runs, which no verdict could see.
# Needs the real dattobd (DBDBOOT_DATTOBD; tests/check.sh skips it without).
# vm-cost: 600 (seconds, for tests/check.sh: the longest scenarios start first)
VM_FLAVOUR=real-dracut
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

DEBS=$(vm_kernel_debs "$NEW_KVER")
IMG=$(basename "$(ls "$DEBS"/linux-image-"$NEW_KVER"_*.deb)")
HDR=$(basename "$(ls "$DEBS"/linux-headers-"$NEW_KVER"_*.deb)")
R=$SC_DIR/root

# The machine before the upgrade: OLD_KVER with dattobd in its initrd (the
# real-dracut system's kernel, prepare.sh).
vm_system_overlay
if [ "$KVER" != "$OLD_KVER" ] || [ "$NEW_KVER" = "$OLD_KVER" ]; then
	die "the system runs $KVER, not the older of two kernels ($OLD_KVER, $NEW_KVER)"
fi
in_chroot "$R" dbdboot status -k "$OLD_KVER" >"$SC_DIR/old.log" 2>&1 ||
	die "dbdboot status -k $OLD_KVER says not ready, see $SC_DIR/old.log"
vm_pkg dpkg --purge "linux-headers-$NEW_KVER" "linux-image-$NEW_KVER" >"$SC_DIR/purge.log" 2>&1 ||
	die "dpkg --purge of $NEW_KVER failed, see $SC_DIR/purge.log"
# Nothing of NEW_KVER's dattobd may be left, or the upgrade below would
# not build it: no module file anywhere under its modules folder, no build
# in dkms' tree (dkms installs a build it has without making it again).
left=$({ find "$R/lib/modules/$NEW_KVER" -name 'dattobd.ko*'
	find "$R/var/lib/dkms/dattobd" -mindepth 2 -maxdepth 2 -name "$NEW_KVER"; } 2>/dev/null || true)
[ -z "$left" ] || die "the purge of $NEW_KVER left its dattobd: $left"
cp "$R/boot/vmlinuz-$OLD_KVER" "$SC_DIR/vmlinuz-old"
cp "$R/boot/initrd.img-$OLD_KVER" "$SC_DIR/initrd-old"
vm_image_of "$R" "$SC_DIR/root.img"
vm_overlay_umount
vm_disk data 64

vm_boot 1 --systemd --kernel "$SC_DIR/vmlinuz-old" --initrd-file "$SC_DIR/initrd-old" data
vm_expect_pass 1
vm_expect_shutdown 1
vm_expect_log 1 "Linux version $OLD_KVER "

# The upgrade, image first, then headers.
t0=$(date +%s)
vm_root_mount
mkdir -p "$R/tmp/debs"
mount --bind "$DEBS" "$R/tmp/debs"
log=$SC_DIR/install.log
if ! { vm_pkg dpkg -i "/tmp/debs/$IMG" >"$log" 2>&1 && vm_pkg dpkg -i "/tmp/debs/$HDR" >>"$log" 2>&1; }; then
	umount "$R/tmp/debs"
	tail -n 40 "$log" >&2
	die "the installation of $NEW_KVER, image first, failed, see $log"
fi
umount "$R/tmp/debs"
grep 'dbdboot' "$log" | sed 's/^/  install| /' >&2 || true
in_chroot "$R" dbdboot status -k "$NEW_KVER" >"$SC_DIR/status.txt" 2>&1 ||
	{ cat "$SC_DIR/status.txt" >&2; die "dbdboot status says $NEW_KVER is not ready after the upgrade"; }
grep -q '^  driver fix    carried' "$SC_DIR/status.txt" ||
	die "dbdboot status does not say $NEW_KVER's module carries the fix, see $SC_DIR/status.txt"
cp "$R/boot/vmlinuz-$NEW_KVER" "$SC_DIR/vmlinuz-new"
cp "$R/boot/initrd.img-$NEW_KVER" "$SC_DIR/initrd-new"
vm_overlay_umount
log "$NEW_KVER installed, image first, with the real driver built by the hooks, in $(since "$t0") s"

vm_boot 2 --systemd --kernel "$SC_DIR/vmlinuz-new" --initrd-file "$SC_DIR/initrd-new" data
vm_expect_pass 2
vm_expect_shutdown 2
vm_expect_log 2 "Linux version $NEW_KVER "
vm_done "real dattobd: kernel upgrade $OLD_KVER to $NEW_KVER (image, then headers), the fixed module built by the hooks, the chain resumed (2 boots)"
