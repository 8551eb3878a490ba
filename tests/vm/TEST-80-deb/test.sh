#!/bin/bash
# TEST-80-deb: the Debian package (make deb) installed, upgraded, removed
# and purged with apt (`apt-get install ./dbdboot_*.deb`), in a chroot of
# the prepared system from which `make install`'s dbdboot was removed first
# (a system that never had dbdboot). Each apt run's initrd work is counted
# in its output: the update-initramfs trigger must rebuild the initrd once.
#  - install of the previous version (this package with an older version
#    number): the units are enabled, the initrd holds the agent;
#  - the manifest written and put in the initrd; then the upgrade to this
#    version: the manifest and every record of /var/lib/dbdboot are still
#    there, status says ready; boot 1 (that initrd): the agent reloads the
#    root before its first mount;
#  - apt-get remove: the initrd is rebuilt without any dbdboot piece, the
#    kernel hooks left behind (conffiles) do nothing; boot 2, the removed
#    system itself with systemd as PID 1: it boots, with no dbdboot;
#  - apt-get purge: the records, the manifest and the hooks are gone, and
#    what dbdboot wrote that no package owns: the System.maps it recovered
#    (one kernel by `dbdboot sysmap`, the older by `dbdboot rebuild`) and
#    the older kernel's module as a bundle import installed it (exported,
#    dkms' build removed, imported); then both kernels purged with dpkg
#    leave no /lib/modules folder behind.
#  - dbdboot's fix of the driver's reload bug, as rebuild leaves it for
#    dkms (an override in /etc/dkms marked as dbdboot's, its patch in the
#    source's patches/): kept by the upgrade, gone after the removal (the
#    next build is the driver as it is); an override that is not dbdboot's
#    stays.
# TEST-83-trixie-deb runs this on Debian 13 (VM_FLAVOUR=trixie), without
# the boots (DEB_BOOTS=0), and a module package made by dbdboot package
# there installed and purged beside dkms' build.
# vm-cost: 140 (seconds, for tests/check.sh: the longest scenarios start first)
VM_FLAVOUR=${VM_FLAVOUR:-}
DEB_BOOTS=${DEB_BOOTS:-1}
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

# shellcheck source=tests/vm/lib/deb.sh
. "$VM_LIB/deb.sh"

PREV=0.0.9
deb_build
# The previous version: the same package with an older version number.
dpkg-deb -R "$DEB" "$SC_DIR/prev"
sed -i "s/^Version: .*/Version: $PREV/" "$SC_DIR/prev/DEBIAN/control"
dpkg-deb -b "$SC_DIR/prev" "$SC_DIR/dbdboot_${PREV}_amd64.deb" >/dev/null

deb_system
cp "$SC_DIR/dbdboot_${PREV}_amd64.deb" "$R/tmp/debs/"

initrd_list() { in_chroot "$R" lsinitramfs "/boot/initrd.img-$KVER" >"$SC_DIR/initrd-$1.list"; }
records() { (cd "$R/var/lib/dbdboot" && find . -type f | sort); }

apt_run install-prev install "/tmp/debs/dbdboot_${PREV}_amd64.deb"
expect_builds install-prev 1
# The module is installed (prepare.sh built it): the initrd hook must not
# warn it is missing (Debian 13's initramfs-tools copies modules late).
! grep -q "no dattobd module for kernel $KVER" "$SC_DIR/apt-install-prev.log" ||
	die "the initrd hook warned that $KVER has no dattobd module, though it has (see $SC_DIR/apt-install-prev.log)"
for u in dbdboot-shutdown dbdboot-verdict; do
	[ -L "$R/etc/systemd/system/multi-user.target.wants/$u.service" ] || die "the package did not enable $u"
done
initrd_list install-prev
grep -q 'usr/lib/dbdboot/dbdboot-early$' "$SC_DIR/initrd-install-prev.list" ||
	die "after the install, the initrd lacks the agent"

printf 'dbdboot-manifest 1\nvolume mode=incremental device=LABEL=root cow=/.datto minor=0\n' \
	>"$R/etc/dbdboot/manifest"
in_chroot "$R" dbdboot inject --manifest-only -k "$KVER" >"$SC_DIR/inject.log" 2>&1 ||
	die "inject --manifest-only failed, see $SC_DIR/inject.log"
in_chroot "$R" dbdboot status -k "$KVER" >"$SC_DIR/status-prev.log" 2>&1 ||
	die "status says $KVER is not ready under $PREV, see $SC_DIR/status-prev.log"
cp "$R/etc/dbdboot/manifest" "$SC_DIR/manifest.before"
records >"$SC_DIR/records.before"
FIXSRC=$(find "$R/usr/src" -maxdepth 1 -name 'dattobd-*' | head -n1)
[ -s "$SC_DIR/records.before" ] || die "no records in /var/lib/dbdboot before the upgrade"

# dbdboot's driver fix as rebuild leaves it (fix.c), and somebody else's override.
FIXCONF=$R/etc/dkms/$(basename "$FIXSRC").conf
mkdir -p "$R/etc/dkms" "$FIXSRC/patches"
printf '# dbdboot: the fix, as rebuild writes it\nPATCH+=("dbdboot-reload-cow-dev.patch")\n' >"$FIXCONF"
echo 'the patch' >"$FIXSRC/patches/dbdboot-reload-cow-dev.patch"
echo 'MAKE[0]="theirs"' >"$R/etc/dkms/dattobd-9.9.conf"

apt_run upgrade install "/tmp/debs/$(basename "$DEB")"
for f in "$FIXCONF" "$FIXSRC/patches/dbdboot-reload-cow-dev.patch"; do
	[ -f "$f" ] || die "the upgrade removed dbdboot's driver fix ($f)"
done
expect_builds upgrade 1
# shellcheck disable=SC2016
[ "$(in_chroot "$R" dpkg-query -W -f '${Version}' dbdboot)" = "$VERSION" ] || die "dbdboot $VERSION is not installed"
cmp -s "$SC_DIR/manifest.before" "$R/etc/dbdboot/manifest" || die "the upgrade changed the manifest"
records >"$SC_DIR/records.after"
lost=$(comm -23 "$SC_DIR/records.before" "$SC_DIR/records.after")
[ -z "$lost" ] || die "the upgrade lost records: $lost"
in_chroot "$R" dbdboot status -k "$KVER" >"$SC_DIR/status-upgrade.log" 2>&1 ||
	die "status says $KVER is not ready after the upgrade, see $SC_DIR/status-upgrade.log"
cp "$R/boot/initrd.img-$KVER" "$SC_DIR/initrd-upgraded"
# Debian 13: a module package (dbdboot package) ships where trixie's kernels
# put their modules (/usr/lib: /lib is an aliased location there);
# installed beside dkms' build it is the module depmod resolves and status
# names; purged, dkms' is back. (TEST-84 does this and more on Debian 12.)
if [ "$VM_FLAVOUR" = trixie ]; then
	PKG=dattobd-modules-$KVER
	in_chroot "$R" dbdboot package -k "$KVER" -o /tmp -m 'Fleet Ops <ops@example.org>' \
		>"$SC_DIR/package.log" 2>&1 || die "dbdboot package -k $KVER failed, see $SC_DIR/package.log"
	dpkg-deb --contents "$R/tmp/${PKG}_"*.deb >"$SC_DIR/package-contents.log"
	grep -q " ./usr/lib/modules/$KVER/updates/dbdboot/dattobd.ko\$" "$SC_DIR/package-contents.log" ||
		die "$PKG does not ship its module in /usr/lib/modules (see $SC_DIR/package-contents.log)"
	! grep -q ' ./lib/' "$SC_DIR/package-contents.log" ||
		die "$PKG ships files in /lib, an aliased location on Debian 13 (see $SC_DIR/package-contents.log)"
	vm_pkg sh -c "dpkg -i /tmp/${PKG}_*.deb" >"$SC_DIR/package-install.log" 2>&1 ||
		die "dpkg -i $PKG failed, see $SC_DIR/package-install.log"
	in_chroot "$R" modinfo -k "$KVER" -n dattobd >"$SC_DIR/modinfo-package.log" 2>&1
	grep -q "lib/modules/$KVER/updates/dbdboot/dattobd.ko\$" "$SC_DIR/modinfo-package.log" ||
		die "with $PKG, dattobd resolves to $(cat "$SC_DIR/modinfo-package.log")"
	in_chroot "$R" dbdboot status -k "$KVER" >"$SC_DIR/status-package.log" 2>&1 ||
		die "with $PKG, status says $KVER is not ready, see $SC_DIR/status-package.log"
	grep -qF "updates/dbdboot/dattobd.ko (package $PKG)" "$SC_DIR/status-package.log" ||
		die "status does not name $PKG (see $SC_DIR/status-package.log)"
	vm_pkg dpkg --purge "$PKG" >>"$SC_DIR/package-install.log" 2>&1 ||
		die "dpkg --purge $PKG failed, see $SC_DIR/package-install.log"
	in_chroot "$R" modinfo -k "$KVER" -n dattobd >"$SC_DIR/modinfo-purged.log" 2>&1
	grep -q "lib/modules/$KVER/updates/dkms/dattobd.ko" "$SC_DIR/modinfo-purged.log" ||
		die "$PKG purged, dattobd resolves to $(cat "$SC_DIR/modinfo-purged.log"), not dkms' again"
	log "Debian 13: $PKG in /usr/lib, resolved beside dkms, purged"
fi
# A System.map that dbdboot recovers (and records): the purge takes it.
in_chroot "$R" dbdboot sysmap -k "$KVER" --force >"$SC_DIR/sysmap.log" 2>&1 ||
	die "dbdboot sysmap -k $KVER failed, see $SC_DIR/sysmap.log"
# The older kernel's module as only a bundle import leaves it (no dkms
# build of it): dbdboot rebuild (its System.map recovered), the bundle
# exported, dkms' own build removed, the bundle imported. The purge takes
# both, and the kernels' own purges then leave no /lib/modules folder.
# (The make-believe fix above is set aside meanwhile: dkms would apply its
# patch; and the older kernel's initrd removed after: the package's
# scripts would rebuild it, and count.)
mv "$FIXCONF" "$FIXSRC/patches/dbdboot-reload-cow-dev.patch" "$SC_DIR/"
in_chroot "$R" dbdboot rebuild -k "$OLD_KVER" >"$SC_DIR/old.log" 2>&1 ||
	die "dbdboot rebuild -k $OLD_KVER failed, see $SC_DIR/old.log"
in_chroot "$R" dbdboot bundle export -k "$OLD_KVER" /tmp/old.bundle >"$SC_DIR/export.log" 2>&1 ||
	die "dbdboot bundle export -k $OLD_KVER failed, see $SC_DIR/export.log"
sha=$(grep -o '[0-9a-f]\{64\}' "$SC_DIR/export.log" | tail -n1)
in_chroot "$R" dkms remove -m dattobd -v "${FIXSRC##*/dattobd-}" -k "$OLD_KVER" >>"$SC_DIR/old.log" 2>&1 ||
	die "dkms remove -k $OLD_KVER failed, see $SC_DIR/old.log"
OLDKO=/lib/modules/$OLD_KVER/updates/dkms/dattobd.ko
[ ! -e "$R$OLDKO" ] || die "dkms remove left $OLDKO"
in_chroot "$R" dbdboot bundle import --sha256 "$sha" /tmp/old.bundle >"$SC_DIR/import.log" 2>&1 ||
	die "dbdboot bundle import failed, see $SC_DIR/import.log"
[ -f "$R$OLDKO" ] || die "the bundle import did not install $OLDKO"
rm -f "$R/boot/initrd.img-$OLD_KVER"
mkdir -p "$FIXSRC/patches"
mv "$SC_DIR/${FIXCONF##*/}" "$FIXCONF"
mv "$SC_DIR/dbdboot-reload-cow-dev.patch" "$FIXSRC/patches/"
[ -f "$R/lib/modules/$OLD_KVER/System.map" ] || die "dbdboot rebuild recovered no System.map for $OLD_KVER"

apt_run remove remove dbdboot
expect_builds remove 1
initrd_list remove
if grep -q 'dbdboot\|dattobd' "$SC_DIR/initrd-remove.list"; then
	die "after the removal the initrd still holds: $(grep 'dbdboot\|dattobd' "$SC_DIR/initrd-remove.list" | head -n3)"
fi
[ -f "$R/etc/kernel/postinst.d/dbdboot" ] || die "the kernel hook (a conffile) went at removal, not purge"
[ ! -e "$FIXCONF" ] || die "dbdboot's dkms override $FIXCONF is still there after the removal"
[ ! -e "$FIXSRC/patches" ] || die "dbdboot's patch (and its folder) is still in $FIXSRC after the removal"
[ -f "$R/etc/dkms/dattobd-9.9.conf" ] || die "the removal took an /etc/dkms override that was not dbdboot's"
out=$(in_chroot "$R" /etc/kernel/postinst.d/dbdboot "$KVER" 2>&1) ||
	die "the kernel hook left by the removal failed: $out"
[ -z "$out" ] || die "the kernel hook left by the removal said: $out"
cmp -s "$SC_DIR/manifest.before" "$R/etc/dbdboot/manifest" || die "the removal changed the manifest"

# The removed system as an image of its own, booted with systemd.
if [ "$DEB_BOOTS" = 1 ]; then
	cp "$R/boot/initrd.img-$KVER" "$SC_DIR/initrd-removed"
	vm_image_of "$R" "$SC_DIR/root-removed.img"
fi

apt_run purge purge dbdboot
for f in /var/lib/dbdboot /etc/dbdboot /etc/kernel/postinst.d/dbdboot /etc/kernel/postinst.d/zz-dbdboot \
	/etc/systemd/system/multi-user.target.wants/dbdboot-verdict.service; do
	[ ! -e "$R$f" ] || die "$f is still there after the purge"
done
for f in "/lib/modules/$KVER/System.map" "/lib/modules/$OLD_KVER/System.map" "$OLDKO"; do
	[ ! -e "$R$f" ] || die "$f, which dbdboot wrote, is still there after the purge (no package owns it)"
done
vm_pkg dpkg --purge "linux-image-$OLD_KVER" "linux-headers-$OLD_KVER" "linux-image-$KVER" \
	"linux-headers-$KVER" >"$SC_DIR/kernel-purge.log" 2>&1 ||
	die "the kernels' purge failed after dbdboot's, see $SC_DIR/kernel-purge.log"
for k in "$OLD_KVER" "$KVER"; do
	[ ! -e "$R/lib/modules/$k" ] ||
		die "the purge of $k left /lib/modules/$k: $(cd "$R/lib/modules/$k" && find . | head -n5 | tr '\n' ' ')"
done
vm_overlay_umount
if [ "$DEB_BOOTS" = 0 ]; then
	vm_done "${VM_FLAVOUR:-initramfs-tools}: dbdboot's package: installed ($PREV), upgraded, removed, purged with apt, one initrd build each; no boot"
	exit 0
fi

vm_boot 1 --initrd upgraded
vm_expect_pass 1
vm_expect_log 1 "dbdboot: minor 0: LABEL=root reloaded incremental on /dev/vda"
vm_boot 2 --systemd --initrd removed --image "$SC_DIR/root-removed.img"
rm -f "$SC_DIR/root-removed.img"
vm_expect_pass 2
vm_done "dbdboot's package: installed ($PREV), upgraded, removed, purged with apt, one initrd build each; boots: 2"
