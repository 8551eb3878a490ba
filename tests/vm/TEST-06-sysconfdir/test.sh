#!/bin/bash
# TEST-06-sysconfdir: dbdboot installed with SYSCONFDIR=/usr/local/etc,
# end to end. Boot 1 (TEST-10's) sets up tracking of the root. Then, in a
# chroot of the prepared system, the default install is removed and
# dbdboot installed again with the other SYSCONFDIR (built apart: the paths
# are compiled in, from one generated header); the manifest is written
# there only; update-initramfs puts it into the initrd under that path (and
# nothing under /etc/dbdboot); status reads it there; inject
# --manifest-only replaces it there. Boot 2 boots that initrd: the agent
# read the manifest at its compiled-in path and reloaded the root before
# its first mount (TEST-10's checks).
# vm-cost: 60 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

E=/usr/local/etc
M=$E/dbdboot/manifest

vm_root_overlay
vm_boot 1
vm_expect_pass 1

vm_system_overlay
R=$SC_DIR/root
make -s -C "$TOP" uninstall DESTDIR="$R" PREFIX=/usr BUILD="$BUILD" >"$SC_DIR/make.log" 2>&1 ||
	die "make uninstall failed, see $SC_DIR/make.log"
make -s -C "$TOP" install DESTDIR="$R" PREFIX=/usr SYSCONFDIR="$E" BUILD="$BUILD/sysconfdir" \
	>>"$SC_DIR/make.log" 2>&1 || die "make install SYSCONFDIR=$E failed, see $SC_DIR/make.log"
rm -rf "$R/etc/dbdboot"
printf 'dbdboot-manifest 1\nvolume mode=incremental device=LABEL=root cow=/.datto minor=0\n' >"$R$M"
in_chroot "$R" update-initramfs -u -k "$KVER" >"$SC_DIR/initramfs.log" 2>&1 ||
	die "update-initramfs failed, see $SC_DIR/initramfs.log"
in_chroot "$R" lsinitramfs "/boot/initrd.img-$KVER" >"$SC_DIR/initrd.list"
grep -qx "${M#/}" "$SC_DIR/initrd.list" || die "the initrd lacks ${M#/} (see $SC_DIR/initrd.list)"
if grep -q '^etc/dbdboot' "$SC_DIR/initrd.list"; then
	die "the initrd has etc/dbdboot/ with SYSCONFDIR=$E (see $SC_DIR/initrd.list)"
fi
in_chroot "$R" dbdboot status -k "$KVER" >"$SC_DIR/status.log" 2>&1 ||
	die "status says not ready, see $SC_DIR/status.log"
grep -q 'manifest ok' "$SC_DIR/status.log" || die "status does not find the manifest ok, see $SC_DIR/status.log"
# A manifest changed afterwards: appended under the same path, read there.
printf 'dbdboot-manifest 1\n# changed\nvolume mode=incremental device=LABEL=root cow=/.datto minor=0\n' >"$R$M"
in_chroot "$R" dbdboot inject --manifest-only -k "$KVER" >"$SC_DIR/inject.log" 2>&1 ||
	die "inject --manifest-only failed, see $SC_DIR/inject.log"
in_chroot "$R" dbdboot status -k "$KVER" >"$SC_DIR/status.log" 2>&1 ||
	die "status says not ready after --manifest-only, see $SC_DIR/status.log"
cp "$R/boot/initrd.img-$KVER" "$SC_DIR/initrd-sysconfdir"
vm_overlay_umount

vm_boot 2 --initrd sysconfdir
vm_expect_pass 2
vm_expect_log 2 "dbdboot: minor 0: LABEL=root reloaded incremental on /dev/vda"
vm_done "installed with SYSCONFDIR=$E: the manifest in the initrd and read there, the root reloaded: 2 boots"
