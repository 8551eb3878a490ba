#!/bin/bash
# TEST-10-agent-root: the root tracked incremental, clean reboot. Boot 1
# sets up tracking of the root and remounts it read-only (header clean).
# Boot 2 has the manifest in its initrd: dbdboot-early reloads the root
# from local-premount, before the root's first mount; after the read-write
# remount the minor is active with the same uuid and seqid.
# Boot 3, the same checks, with dbdboot installed with another SYSCONFDIR
# (/usr/local/etc), end to end: in a chroot of the prepared system the
# default install is removed and dbdboot installed again so (built apart:
# the paths are compiled in, from one generated header); the manifest is
# written there only; update-initramfs puts it into the initrd under that
# path (and nothing under /etc/dbdboot); status reads it there; inject
# --manifest-only replaces it there; the agent of that initrd reads it
# at its compiled-in path and reloads the root.
# vm-cost: 70 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_root_overlay
vm_boot 1
vm_expect_pass 1
cat >"$SC_DIR/manifest" <<'MANIFEST'
dbdboot-manifest 1
volume mode=incremental device=LABEL=root cow=/.datto minor=0
MANIFEST
vm_initrd tracked --manifest "$SC_DIR/manifest"
vm_boot 2 --initrd tracked
vm_expect_pass 2
vm_expect_log 2 "dbdboot: minor 0: LABEL=root reloaded incremental on /dev/vda"

E=/usr/local/etc
M=$E/dbdboot/manifest
vm_system_overlay
R=$SC_DIR/root
flock "$BUILD/.make.lock" make -s -C "$TOP" uninstall DESTDIR="$R" PREFIX=/usr BUILD="$BUILD" >"$SC_DIR/make.log" 2>&1 ||
	die "make uninstall failed, see $SC_DIR/make.log"
flock "$BUILD/.make.lock" make -s -C "$TOP" install DESTDIR="$R" PREFIX=/usr SYSCONFDIR="$E" BUILD="$BUILD/sysconfdir" \
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
vm_boot 3 --initrd sysconfdir
vm_expect_pass 3
vm_expect_log 3 "dbdboot: minor 0: LABEL=root reloaded incremental on /dev/vda"
vm_done "agent reloads the root before its first mount: 2 boots; and a third installed with SYSCONFDIR=$E"
