#!/bin/bash
# TEST-84-fleet-package: the module built once and served by the fleet's
# signed apt repository. On the build host (the prepared system: dkms,
# headers, the double built for KVER, dbdboot from its package), `dbdboot
# package --meta` makes dattobd-modules-KVER and the flavour's metapackage
# dattobd-modules-FLAVOUR, signed with a fleet key made here, and the same
# for OLD_KVER; installed there beside dkms' build, KVER's package is the
# module depmod resolves, the one in the initrd, and rebuild leaves it
# alone; purged, dkms' module is back in the initrd. Then the same system
# becomes a fleet host: no dkms, no compiler, no headers, no KVER; a local
# repository signed with gpg (Signed-By) its only source, holding OLD_KVER's
# packages and Debian's linux-image-FLAVOUR repacked to point at OLD_KVER;
# it installs linux-image-FLAVOUR and dattobd-modules-FLAVOUR. Then, as
# Debian's kernel and the fleet's module reach the repository:
#  a. the kernel first: unattended-upgrade installs KVER, the hooks say the
#     module package is awaited, status says NOT READY; then the module:
#     apt-get upgrade --with-new-pkgs (plain upgrade keeps the metapackage
#     back, as it does the kernel's) brings it: ready;
#  b. both together, from OLD_KVER's packages again: unattended-upgrade.
# After each, KVER boots with the package's module (signed by the fleet
# key) and reloads the root before its first mount. 2 boots. Last, the
# module package purged while KVER stays: its initrd made without it.
# vm-cost: 150 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"
# shellcheck source=tests/vm/lib/deb.sh
. "$VM_LIB/deb.sh"

PKG=dattobd-modules-$KVER
M='Fleet Ops <ops@example.org>'
deb_flavour
deb_build
DEBS=$(vm_debs "$KVER" "linux-image-$KVER")
deb_metas "linux-image-$FL"
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
mkdir -p "$R/srv/repo" "$R/srv/new" "$R/srv/kernel"
for k in "$OLD_KVER" "$KVER"; do
	chk "rebuild-$k" dbdboot rebuild -k "$k"
	out=/srv/repo
	[ "$k" = "$OLD_KVER" ] || out=/srv/new
	chk "package-$k" dbdboot package --meta -k "$k" -o "$out" -m "$M" \
		--sign-key /etc/fleet/key.pem --sign-cert /etc/fleet/cert.der
done
PDEB=$(cd "$R/srv/new" && ls "${PKG}_"*.deb) || die "no $PKG made"
log "build host: $(cd "$R/srv" && echo repo/*.deb new/*.deb)"
DKMS_KO=$R/lib/modules/$KVER/updates/dkms/dattobd.ko
apt_run both install "/srv/new/$PDEB"
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

# The fleet host: no dkms, no compiler, no headers, no KVER; the fleet's
# signed repository its only source, holding OLD_KVER's packages; Debian's
# kernel and the fleet's module for KVER staged beside it.
# shellcheck disable=SC2016
OLD_V=$(in_chroot "$R" dpkg-query -W -f '${Version}' "linux-image-$OLD_KVER")
NEW_V=$(dpkg-deb -f "$(ls "$DEBS/linux-image-${KVER}_"*.deb)" Version)
meta_deb "linux-image-$FL" "$OLD_KVER" "$OLD_V" "$R/srv/repo"
meta_deb "linux-image-$FL" "$KVER" "$NEW_V" "$R/srv/kernel"
cp "$DEBS/linux-image-${KVER}_"*.deb "$R/srv/kernel/"
cp "$R/tmp/debs/$(basename "$DEB")" "$R/srv/repo/"
uu_setup
repo_key fleet-archive
repo_publish srv/repo
echo 'deb [signed-by=/usr/share/keyrings/fleet-archive.gpg] file:/srv/repo ./' >"$R/etc/apt/sources.list"
rm -f "$R"/etc/apt/sources.list.d/*
chk apt-update apt-get -q update
grep -q "InRelease" "$SC_DIR/apt-update.log" || die "apt did not read the repository's signed InRelease"
vm_pkg dkms remove dattobd --all >"$SC_DIR/dkms-remove.log" 2>&1 || true
apt_run strip purge dkms make gcc-12 cpp-12 "linux-headers-*" "linux-kbuild-*" "linux-image-$KVER"
rm -rf "$R/lib/modules/$KVER" "$R/var/lib/dkms"
for p in dkms make gcc cc cpp; do
	! in_chroot "$R" sh -c "command -v $p" >/dev/null || die "the fleet host still has $p"
done
ls "$R"/usr/src/linux-headers-* >/dev/null 2>&1 && die "the fleet host still has headers"
apt_run onboard install "linux-image-$FL" "dattobd-modules-$FL"
chk status-onboard dbdboot status -k "$OLD_KVER"
grep -qF "updates/dbdboot/dattobd.ko (package dattobd-modules-$OLD_KVER)" "$SC_DIR/status-onboard.log" ||
	die "onboard: $OLD_KVER's module is not its package's (see $SC_DIR/status-onboard.log)"

expect_fleet_ready() { # expect_fleet_ready NAME
	status_has "$1" "$KVER: ready"
	grep -qF "updates/dbdboot/dattobd.ko (package $PKG)" "$SC_DIR/status-$1.log" ||
		die "$1: status does not name the package's module (see $SC_DIR/status-$1.log)"
	grep -q "Fleet module key" "$SC_DIR/status-$1.log" ||
		die "$1: status does not name the fleet's key (see $SC_DIR/status-$1.log)"
	grep -q "[1-9][0-9]* modversions CRCs checked by the package's build host" "$SC_DIR/status-$1.log" ||
		die "$1: status does not say the build host checked the CRCs (see $SC_DIR/status-$1.log)"
	vm_boot_tree "$1"
}
publish() { # publish DIR: its packages into the repository, apt told
	cp "$R/$1"/*.deb "$R/srv/repo/"
	repo_publish srv/repo
	chk "update-${1##*/}" apt-get -q update
}

# a. The kernel first, then the module package.
publish srv/kernel
uu_run kernel-first
[ -f "$R/boot/vmlinuz-$KVER" ] || die "kernel first: unattended-upgrade did not install $KVER"
grep -q "it will be added when $PKG" "$SC_DIR/apt-kernel-first.log" ||
	die "kernel first: the hooks did not say the module package is awaited (see $SC_DIR/apt-kernel-first.log)"
! in_chroot "$R" dbdboot status -k "$KVER" >"$SC_DIR/status-kernel-first.log" 2>&1 ||
	die "kernel first: status says $KVER is ready without its module"
grep -q "NOT READY" "$SC_DIR/status-kernel-first.log" || die "kernel first: status does not say NOT READY"
publish srv/new
chk upgrade-plain apt-get -s upgrade
grep -A1 "kept back" "$SC_DIR/upgrade-plain.log" | grep -q "dattobd-modules-$FL" ||
	die "plain apt-get upgrade did not keep dattobd-modules-$FL back (see $SC_DIR/upgrade-plain.log): correct dbdboot(8)"
apt_run module-after upgrade --with-new-pkgs
expect_fleet_ready module-after

# b. Together, from OLD_KVER's packages again.
vm_pkg dpkg --purge "dattobd-modules-$FL" "linux-image-$FL" "$PKG" "linux-image-$KVER" >"$SC_DIR/undo.log" 2>&1 ||
	die "dpkg --purge failed, see $SC_DIR/undo.log"
rm -rf "$R/lib/modules/$KVER"
OLD_META=dattobd-modules-${FL}_$(echo "${OLD_KVER%-"$FL"}" | tr - .)-1_amd64.deb
vm_pkg dpkg -i "/srv/repo/linux-image-${FL}_${OLD_V}_amd64.deb" "/srv/repo/$OLD_META" \
	>>"$SC_DIR/undo.log" 2>&1 || die "the old metapackages did not install, see $SC_DIR/undo.log"
uu_run together
grep -q "^Setting up $PKG" "$SC_DIR/apt-together.log" || die "together: unattended-upgrade did not install $PKG"
expect_fleet_ready together

# The module package purged while its kernel stays: no other dattobd, so the
# initrd is made again without the removed module, and KVER is NOT READY.
apt_run module-removed purge "$PKG"
grep -q "is removed and no other dattobd is installed for this kernel" "$SC_DIR/apt-module-removed.log" ||
	die "module removed: the hook did not say the initrd is made without it (see $SC_DIR/apt-module-removed.log)"
in_chroot "$R" lsinitramfs "/boot/initrd.img-$KVER" >"$SC_DIR/initrd-module-removed.list"
! grep -q 'dattobd\.ko' "$SC_DIR/initrd-module-removed.list" ||
	die "module removed: the initrd still holds $(grep 'dattobd\.ko' "$SC_DIR/initrd-module-removed.list")"
! in_chroot "$R" dbdboot status -k "$KVER" >"$SC_DIR/status-module-removed.log" 2>&1 ||
	die "module removed: status says $KVER is ready"
vm_done "fleet package: beside dkms; by upgrades from a signed repository, kernel first and both together: 2 boots"
