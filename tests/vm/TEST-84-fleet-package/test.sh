#!/bin/bash
# TEST-84-fleet-package: the module built once and served by the fleet's
# apt repository. On the build host (the prepared system: dkms, headers,
# the double built for KVER, dbdboot from its package), `dbdboot package`
# makes dattobd-modules-KVER signed with a fleet key made here; installed
# there beside dkms' build it is the module depmod resolves, the one in
# the initrd, and rebuild leaves it alone; purged, dkms' module is back in
# the initrd. Then the same system becomes a fleet host: no dkms, no
# compiler, no headers, no KVER, a local apt repository (dpkg-scanpackages)
# as its only source, holding KVER's image, dbdboot and the module package:
#  a. apt-get install dattobd-modules-KVER brings the kernel with it;
#  b. the kernel first (apt-get install linux-image-KVER): the hooks say
#     the module package is awaited, status says NOT READY; then the
#     module package: ready.
# After each, KVER boots with the package's module (signed by the fleet
# key) and reloads the root before its first mount. 2 boots.
# vm-cost: 150 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"
# shellcheck source=tests/vm/lib/deb.sh
. "$VM_LIB/deb.sh"

PKG=dattobd-modules-$KVER
M='Fleet Ops <ops@example.org>'
deb_build
DEBS=$(vm_debs "$KVER" "linux-image-$KVER")
deb_system
apt_run install-dbdboot install "/tmp/debs/$(basename "$DEB")"
cat >"$R/etc/dbdboot/manifest" <<'MANIFEST'
dbdboot-manifest 1
volume mode=incremental device=LABEL=root cow=/.datto minor=0
MANIFEST

# chk NAME CMD...: CMD in the chroot, its output in $SC_DIR/NAME.log; dies when it fails.
chk() {
	local name=$1
	shift
	in_chroot "$R" "$@" >"$SC_DIR/$name.log" 2>&1 || { tail -n 20 "$SC_DIR/$name.log" >&2; die "$name: $* failed"; }
}
# status_has NAME TEXT: dbdboot status -k KVER exits 0 and says TEXT.
status_has() {
	chk "status-$1" dbdboot status -k "$KVER"
	grep -qF -- "$2" "$SC_DIR/status-$1.log" || die "$1: status does not say '$2' (see $SC_DIR/status-$1.log)"
}

# The build host: the fleet's key, the package, and the package beside dkms.
mkdir -p "$R/etc/fleet"
openssl req -new -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=Fleet module key/" \
	-keyout "$R/etc/fleet/key.pem" -outform DER -out "$R/etc/fleet/cert.der" 2>/dev/null ||
	die "openssl could not make the fleet's key"
chk rebuild dbdboot rebuild -k "$KVER"
mkdir -p "$R/srv/repo"
chk package dbdboot package -k "$KVER" -o /srv/repo -m "$M" \
	--sign-key /etc/fleet/key.pem --sign-cert /etc/fleet/cert.der
PDEB=$(cd "$R/srv/repo" && ls "${PKG}_"*.deb) || die "no $PKG in the repository"
log "build host: $PDEB"
DKMS_KO=$R/lib/modules/$KVER/updates/dkms/dattobd.ko
apt_run both install "/srv/repo/$PDEB"
grep -q "dbdboot:.*$KVER" "$SC_DIR/apt-both.log" || die "both: the package's postinst ran no dbdboot hook"
[ -e "$DKMS_KO" ] || die "both: dkms' module is gone"
chk modinfo-both modinfo -k "$KVER" -n dattobd
grep -qx "/lib/modules/$KVER/updates/dbdboot/dattobd.ko" "$SC_DIR/modinfo-both.log" ||
	die "both: dattobd resolves to $(cat "$SC_DIR/modinfo-both.log"), not the package's"
status_has both "updates/dbdboot/dattobd.ko (package $PKG)"
status_has both-initrd "module ok"
chk rebuild-both dbdboot rebuild -k "$KVER"
grep -q "comes from package $PKG: not built with dkms" "$SC_DIR/rebuild-both.log" ||
	die "both: rebuild did not leave the module to the package (see $SC_DIR/rebuild-both.log)"
# The initrd holds the package's module (signed: not dkms' bytes).
chk unpack unmkinitramfs "/boot/initrd.img-$KVER" /tmp/unpacked
KO_IN=$(find "$R/tmp/unpacked" -name 'dattobd.ko*' | head -n 1)
[ -n "$KO_IN" ] || die "both: the initrd holds no dattobd"
grep -qa 'Module signature appended' "$KO_IN" || die "both: the initrd's dattobd is not the signed package's"
rm -rf "$R/tmp/unpacked"
apt_run both-purge purge "$PKG"
chk modinfo-purged modinfo -k "$KVER" -n dattobd
grep -qx "/lib/modules/$KVER/updates/dkms/dattobd.ko" "$SC_DIR/modinfo-purged.log" ||
	die "purged: dattobd resolves to $(cat "$SC_DIR/modinfo-purged.log"), not dkms' again"
status_has purged "updates/dkms/dattobd.ko: vermagic"
status_has purged-initrd "module ok"
log "build host: beside dkms the package's module wins, purged dkms' is back"

# The fleet host: no dkms, no compiler, no headers, no KVER; the local
# repository its only source.
cp "$DEBS/linux-image-${KVER}_"*.deb "$R/srv/repo/"
cp "$R/tmp/debs/$(basename "$DEB")" "$R/srv/repo/"
(cd "$R/srv/repo" && dpkg-scanpackages -m . >Packages 2>"$SC_DIR/scan.log") ||
	die "dpkg-scanpackages failed, see $SC_DIR/scan.log"
echo 'deb [trusted=yes] file:/srv/repo ./' >"$R/etc/apt/sources.list"
rm -f "$R"/etc/apt/sources.list.d/*
chk apt-update apt-get -q update
vm_pkg dkms remove dattobd --all >"$SC_DIR/dkms-remove.log" 2>&1 || true
apt_run strip purge dkms make gcc-12 cpp-12 "linux-headers-*" "linux-kbuild-*" "linux-image-$KVER"
rm -rf "$R/lib/modules/$KVER" "$R/var/lib/dkms"
for p in dkms make gcc cc cpp; do
	! in_chroot "$R" sh -c "command -v $p" >/dev/null || die "the fleet host still has $p"
done
ls "$R"/usr/src/linux-headers-* >/dev/null 2>&1 && die "the fleet host still has headers"

expect_fleet_ready() { # expect_fleet_ready NAME
	status_has "$1" "$KVER: ready"
	grep -qF "updates/dbdboot/dattobd.ko (package $PKG)" "$SC_DIR/status-$1.log" ||
		die "$1: status does not name the package's module (see $SC_DIR/status-$1.log)"
	grep -q "Fleet module key" "$SC_DIR/status-$1.log" ||
		die "$1: status does not name the fleet's key (see $SC_DIR/status-$1.log)"
	vm_boot_tree "$1"
}

# a. The module package brings the kernel.
apt_run together install "$PKG"
expect_fleet_ready together

# b. The kernel first, then the module package.
apt_run undo purge "$PKG" "linux-image-$KVER"
rm -rf "$R/lib/modules/$KVER"
apt_run kernel-first install "linux-image-$KVER"
grep -q "it will be added when $PKG" "$SC_DIR/apt-kernel-first.log" ||
	die "kernel first: the hooks did not say the module package is awaited (see $SC_DIR/apt-kernel-first.log)"
! in_chroot "$R" dbdboot status -k "$KVER" >"$SC_DIR/status-kernel-first.log" 2>&1 ||
	die "kernel first: status says $KVER is ready without its module"
grep -q "NOT READY" "$SC_DIR/status-kernel-first.log" || die "kernel first: status does not say NOT READY"
apt_run module-after install "$PKG"
expect_fleet_ready module-after
vm_done "fleet package: beside dkms and alone, module with the kernel and after it: 2 boots"
