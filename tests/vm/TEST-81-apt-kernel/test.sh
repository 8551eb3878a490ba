#!/bin/bash
# TEST-81-apt-kernel: a kernel upgrade as apt brings it, on a system that
# has dbdboot as its Debian package (apt-get install ./dbdboot_*.deb) and
# runs OLD_KVER with dattobd: the cloud metapackages with their headers
# (linux-image-FLAVOUR, linux-headers-FLAVOUR) are installed pointing at
# OLD_KVER, and a local apt repository offers them pointing at KVER, with
# KVER's image and headers. apt, then unattended-upgrades, choose the
# order of the packages themselves:
#  a. apt-get install linux-image-FLAVOUR linux-headers-FLAVOUR;
#  b. KVER removed again and the old metapackages back, unattended-upgrade.
# After each: dbdboot status says KVER is ready (System.map recovered,
# module built by dkms, in the initrd), and a boot of KVER with the initrd
# the package hooks left loads that module and reloads the root before its
# first mount (the root resumes). The metapackages are Debian's own,
# repacked with their dependencies pointed at OLD_KVER or KVER: the archive
# holds only the newest ones.
# vm-cost: 235 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"
# shellcheck source=tests/vm/lib/deb.sh
. "$VM_LIB/deb.sh"

FL=$(echo "$KVER" | cut -d- -f3-)
METAS="linux-image-$FL linux-headers-$FL"
deb_build
# KVER's packages, with what the headers depend on and OLD_KVER lacks.
COMMON=linux-headers-$(echo "$KVER" | cut -d- -f1-2)-common
DEBS=$(vm_debs "$KVER" "linux-image-$KVER" "linux-headers-$KVER" "$COMMON")
# shellcheck disable=SC2086
REAL=$(vm_debs meta $METAS)
deb_system

# meta_deb PKG K VERSION OUT: Debian's metapackage PKG, depending on K's
# package at VERSION instead, into the directory OUT.
meta_deb() {
	local dir=$SC_DIR/meta-$1-$2
	rm -rf "$dir"
	dpkg-deb -R "$(ls "$REAL/${1}_"*.deb)" "$dir"
	sed -i -e "s/^Version: .*/Version: $3/" \
		-e "/^\(Depends\|Provides\):/s/6\.1\.0-[0-9]*-$FL/$2/g" \
		-e "/^Depends:/s/(= [^)]*)/(= $3)/g" "$dir/DEBIAN/control"
	dpkg-deb -b "$dir" "$4/${1}_${3}_amd64.deb" >/dev/null
}
# shellcheck disable=SC2016
OLD_V=$(in_chroot "$R" dpkg-query -W -f '${Version}' "linux-image-$OLD_KVER")
NEW_V=$(dpkg-deb -f "$(ls "$DEBS/linux-image-${KVER}_"*.deb)" Version)
mkdir -p "$R/tmp/old" "$R/srv/repo"
for m in $METAS; do
	meta_deb "$m" "$OLD_KVER" "$OLD_V" "$R/tmp/old"
	meta_deb "$m" "$KVER" "$NEW_V" "$R/srv/repo"
done
cp "$DEBS"/*.deb "$R/srv/repo/"
(cd "$R/srv/repo" && dpkg-scanpackages -m . >Packages 2>"$SC_DIR/scan.log") ||
	die "dpkg-scanpackages failed, see $SC_DIR/scan.log"
{
	printf 'Origin: dbdboot-test\nLabel: dbdboot-test\nSuite: dbdboot-test\nCodename: dbdboot-test\n'
	printf 'Architectures: amd64\nDate: %s\nSHA256:\n' "$(LC_ALL=C date -u -R)"
	printf ' %s %s Packages\n' "$(sha256sum <"$R/srv/repo/Packages" | cut -d' ' -f1)" \
		"$(stat -c %s "$R/srv/repo/Packages")"
} >"$R/srv/repo/Release"

# Before the archive goes: unattended-upgrades, set to take what the local
# repository offers.
vm_apt_install unattended-upgrades
cat >"$R/etc/apt/apt.conf.d/52dbdboot-test" <<'EOF'
Unattended-Upgrade::Origins-Pattern { "origin=dbdboot-test"; };
Unattended-Upgrade::OnlyOnACPower "false";
EOF
# The machine's only package source from here on: the local repository.
echo 'deb [trusted=yes] file:/srv/repo ./' >"$R/etc/apt/sources.list"
rm -f "$R"/etc/apt/sources.list.d/*
in_chroot "$R" apt-get -q update >"$SC_DIR/apt-update.log" 2>&1 ||
	die "apt-get update of the local repository failed, see $SC_DIR/apt-update.log"

apt_run install-dbdboot install "/tmp/debs/$(basename "$DEB")"
cat >"$R/etc/dbdboot/manifest" <<'MANIFEST'
dbdboot-manifest 1
volume mode=incremental device=LABEL=root cow=/.datto minor=0
MANIFEST

# The running system: OLD_KVER with dattobd built and in its initrd, the
# old metapackages, nothing of KVER (its System.map, from prepare.sh, goes too: the
# upgrade must recover one).
in_chroot "$R" dbdboot rebuild -k "$OLD_KVER" >"$SC_DIR/old.log" 2>&1 ||
	die "dbdboot rebuild -k $OLD_KVER failed, see $SC_DIR/old.log"
in_chroot "$R" dbdboot inject -k "$OLD_KVER" >>"$SC_DIR/old.log" 2>&1 ||
	die "dbdboot inject -k $OLD_KVER failed, see $SC_DIR/old.log"
back_to_old() { # back_to_old NAME
	rm -f "$R/lib/modules/$KVER/System.map"
	# shellcheck disable=SC2086
	vm_pkg dpkg --purge $METAS "linux-headers-$KVER" "$COMMON" "linux-image-$KVER" >"$SC_DIR/purge-$1.log" 2>&1 ||
		die "dpkg --purge failed, see $SC_DIR/purge-$1.log"
	[ ! -e "$R/boot/vmlinuz-$KVER" ] || die "$KVER is still installed"
	vm_pkg sh -c 'dpkg -i /tmp/old/*.deb' >>"$SC_DIR/purge-$1.log" 2>&1 ||
		die "the old metapackages did not install, see $SC_DIR/purge-$1.log"
}

# expect_upgraded NAME LOG: KVER installed, ready, and booting.
expect_upgraded() {
	local name=$1
	[ -f "$R/boot/vmlinuz-$KVER" ] || die "$name: $KVER was not installed (see $2)"
	log "$name: $(grep -o "^Setting up linux-[a-z-]*$KVER\|^Setting up linux-[a-z]*-$FL" "$2" | cut -d' ' -f3 | tr '\n' ' ')"
	vm_expect_ready "$name"
	vm_boot_tree "$name"
}

back_to_old apt
# shellcheck disable=SC2086
apt_run apt install $METAS
expect_upgraded apt "$SC_DIR/apt-apt.log"

back_to_old unattended
vm_pkg unattended-upgrade -v >"$SC_DIR/unattended.log" 2>&1 ||
	{ tail -n 30 "$SC_DIR/unattended.log" >&2; die "unattended-upgrade failed, see $SC_DIR/unattended.log"; }
# dpkg's output, the kernel hooks' among it, goes to unattended-upgrades' own log.
cp "$R/var/log/unattended-upgrades/unattended-upgrades-dpkg.log" "$SC_DIR/unattended-dpkg.log" 2>/dev/null ||
	die "unattended-upgrade ran no dpkg, see $SC_DIR/unattended.log"
expect_upgraded unattended "$SC_DIR/unattended-dpkg.log"
vm_done "kernel upgrade by apt-get install of $METAS, then by unattended-upgrade; boots: 2"
