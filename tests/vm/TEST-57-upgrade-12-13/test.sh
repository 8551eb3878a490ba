#!/bin/bash
# TEST-57-upgrade-12-13: a Debian 12 system upgraded to Debian 13 by apt.
# Boot 1 (Debian 12, systemd as PID 1): a data disk (in /etc/fstab)
# tracked by the backup agent's calls, `dbdboot sync`, a clean shutdown.
# Then, while the machine is off (the root is not tracked: this test's
# shortcut for an upgrade that would take an hour under TCG), the root
# image upgraded in a chroot as a user upgrades: sources.list to trixie,
# `apt-get full-upgrade`, then Debian 13's cloud kernel metapackages
# (linux-image-cloud-amd64, linux-headers-cloud-amd64); dbdboot's kernel
# hooks (kept from `make install`) and dkms 3.2 (upgraded from 3.0) build
# the module for the new 6.12 kernel, compressed (dattobd.ko.xz), and put
# it in its initrd; `dbdboot status` says the new kernel is ready, with
# both naming styles of kernels installed side by side. Boot 2, the new
# kernel: the data disk reloaded by the agent before its mount, resumed
# with the same uuid and seqid.
# vm-cost: 130 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_root_copy
vm_disk data 64
vm_boot 1 --systemd --guest-initrd data
vm_expect_pass 1
vm_expect_shutdown 1

# Room for Debian 13 (its kernel, headers and compiler: about 1 GB more).
truncate -s +2G "$SC_DIR/root.img"
e2fsck -f -p "$SC_DIR/root.img" >>"$SC_DIR/debugfs.log" 2>&1 || true
resize2fs "$SC_DIR/root.img" >>"$SC_DIR/debugfs.log" 2>&1 || die "resize2fs of the root image failed"
vm_root_mount
R=$SC_DIR/root
mirror=$(sed -n 's/^deb \([^ ]*\) bookworm main$/\1/p' "$R/etc/apt/sources.list")
[ -n "$mirror" ] || die "no bookworm line in the image's sources.list"
printf 'deb %s trixie main\ndeb %s trixie-updates main\ndeb %s trixie-security main\n' \
	"$mirror" "$mirror" "$(security_mirror "$mirror")" >"$R/etc/apt/sources.list"
upgrade() { # upgrade NAME APT-ARGS...
	local name=$1 t0
	shift
	t0=$(date +%s)
	vm_pkg apt-get -y -q -o APT::Sandbox::User=root -o Dpkg::Options::=--force-confdef \
		-o Dpkg::Options::=--force-confold "$@" >"$SC_DIR/$name.log" 2>&1 ||
		{ tail -n 30 "$SC_DIR/$name.log" >&2; log "apt-get $* failed"; return 1; }
	log "$name: apt-get $* in $(since "$t0") s"
}
upgrade_all() {
	upgrade update update && upgrade full-upgrade full-upgrade &&
		upgrade kernel install linux-image-cloud-amd64 linux-headers-cloud-amd64
}
# The packages kept between runs in the cache (upgrade-trixie).
vm_apt_cached upgrade-trixie upgrade_all || die "the upgrade to Debian 13 failed"
grep 'dbdboot\|dkms\|update-initramfs' "$SC_DIR/kernel.log" | sed 's/^/  kernel| /' >&2 || true
NEWK=$(find "$R/boot" -maxdepth 1 -name 'vmlinuz-*+deb13-cloud-amd64' -printf '%f\n' |
	sed 's/^vmlinuz-//' | sort -V | tail -n1)
[ -n "$NEWK" ] || die "no Debian 13 kernel in /boot after the upgrade"
[ -f "$R/boot/vmlinuz-$KVER" ] || die "the upgrade took the Debian 12 kernel $KVER away"
log "upgraded: $(sed -n 's/^VERSION_ID=//p' "$R/etc/os-release"), kernel $NEWK beside $KVER"
# dbdboot's kernel hook runs before initramfs-tools' (run-parts' order):
# the module is there when the initrd is made, and the hook must see it.
! grep -q "no dattobd module for kernel $NEWK" "$SC_DIR/kernel.log" ||
	die "the initrd hook warned that $NEWK has no dattobd module, though dbdboot had just built it (see $SC_DIR/kernel.log)"
in_chroot "$R" dbdboot status -k "$NEWK" >"$SC_DIR/status-new.txt" 2>&1 ||
	{ cat "$SC_DIR/status-new.txt" >&2; die "dbdboot status: $NEWK is not ready after the upgrade"; }
grep -q "dattobd.ko.xz: vermagic" "$SC_DIR/status-new.txt" ||
	die "dkms 3.2 did not install dattobd.ko.xz for $NEWK (see $SC_DIR/status-new.txt)"
# Both naming styles on one host: the newest is Debian 13's.
in_chroot "$R" dbdboot status >"$SC_DIR/status-all.txt" 2>&1 || true
cat "$SC_DIR/status-all.txt" >&2
cp "$R/boot/vmlinuz-$NEWK" "$SC_DIR/vmlinuz-new"
cp "$R/boot/initrd.img-$NEWK" "$SC_DIR/initrd-new"
vm_overlay_umount

vm_boot 2 --systemd --kernel "$SC_DIR/vmlinuz-new" --initrd-file "$SC_DIR/initrd-new" data
vm_expect_pass 2
vm_expect_shutdown 2
vm_done "Debian 12 upgraded to 13 by apt: the module rebuilt for $NEWK, in its initrd, the data disk resumed (2 boots)"
