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
# Before b's check, the module goes through a bundle (export, import).
# After each: dbdboot status says KVER is ready (System.map recovered,
# module built by dkms, in the initrd), and a boot of KVER with the initrd
# the package hooks left loads that module and reloads the root before its
# first mount (the root resumes). The metapackages are Debian's own,
# repacked with their dependencies pointed at OLD_KVER or KVER: the archive
# holds only the newest ones.
# TEST-82-trixie-apt-kernel runs this on Debian 13 (VM_FLAVOUR=trixie).
# vm-cost: 235 (seconds, for tests/check.sh: the longest scenarios start first)
VM_FLAVOUR=${VM_FLAVOUR:-}
# The upgrades booted after their status check (TEST-82 boots one).
APT_BOOTS=${APT_BOOTS:-apt unattended}
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"
# shellcheck source=tests/vm/lib/deb.sh
. "$VM_LIB/deb.sh"

deb_flavour
METAS="linux-image-$FL linux-headers-$FL"
deb_build
# KVER's packages, with those of its ABI they depend on and OLD_KVER lacks
# (linux-headers-ABI-common; on Debian 13 also linux-kbuild-ABI).
DEBS=$(vm_debs "$KVER" "linux-image-$KVER" "linux-headers-$KVER")
ABI_PKGS=$(for d in "$DEBS"/linux-*"-${KVER}_"*.deb; do dpkg-deb -f "$d" Depends; done |
	tr ',|' '\n' | sed 's/^ *//; s/[ (].*//' |
	awk -v a="-$ABI" 'substr($0, length($0) - length(a) + 1) == a || index($0, a "-common")' | sort -u)
# shellcheck disable=SC2086 # a list of packages
DEBS=$(vm_debs "$KVER" "linux-image-$KVER" "linux-headers-$KVER" $ABI_PKGS)
# shellcheck disable=SC2086
deb_metas $METAS
deb_system

# shellcheck disable=SC2016
OLD_V=$(in_chroot "$R" dpkg-query -W -f '${Version}' "linux-image-$OLD_KVER")
NEW_V=$(dpkg-deb -f "$(ls "$DEBS/linux-image-${KVER}_"*.deb)" Version)
mkdir -p "$R/tmp/old" "$R/srv/repo"
for m in $METAS; do
	meta_deb "$m" "$OLD_KVER" "$OLD_V" "$R/tmp/old"
	meta_deb "$m" "$KVER" "$NEW_V" "$R/srv/repo"
done
cp "$DEBS"/*.deb "$R/srv/repo/"
repo_publish srv/repo

# Before the archive goes: unattended-upgrades, set to take what the local
# repository offers.
uu_setup
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
	# shellcheck disable=SC2086 # lists of packages
	vm_pkg dpkg --purge $METAS "linux-headers-$KVER" $ABI_PKGS "linux-image-$KVER" >"$SC_DIR/purge-$1.log" 2>&1 ||
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
	case " $APT_BOOTS " in *" $name "*) vm_boot_tree "$name" ;; esac
}

# The module dkms installed for KVER (on Debian 13 dattobd.ko.xz: dkms 3.2
# compresses it) through a bundle: exported, then imported over itself as
# a host without a compiler would (a compressed one in the way is refused
# without --force, replaced with it), and put into the initrd; the boot
# after it loads the imported module.
bundle_round_trip() {
	local log=$SC_DIR/bundle.log dir=$R/lib/modules/$KVER/updates/dkms sum
	in_chroot "$R" dbdboot bundle export -k "$KVER" /tmp/dattobd.bundle >"$log" 2>&1 ||
		die "bundle export -k $KVER failed, see $log"
	sum=$(sed -n 's/.*bundle import --sha256 \([0-9a-f]*\) .*/\1/p' "$log")
	[ -n "$sum" ] || die "bundle export printed no sha256, see $log"
	log "bundle: exported $(cd "$dir" && echo dattobd.ko*) of $KVER"
	if [ -e "$dir/dattobd.ko.xz" ]; then
		! in_chroot "$R" dbdboot bundle import --sha256 "$sum" /tmp/dattobd.bundle >>"$log" 2>&1 ||
			die "bundle import put a plain module beside dkms' dattobd.ko.xz, see $log"
		grep -q "a dattobd is installed for $KVER at '/lib/modules/$KVER/updates/dkms/dattobd.ko.xz'" "$log" ||
			die "bundle import's refusal does not name dattobd.ko.xz, see $log"
	fi
	in_chroot "$R" dbdboot bundle import --force --sha256 "$sum" /tmp/dattobd.bundle >>"$log" 2>&1 ||
		die "bundle import --force failed, see $log"
	[ "$(cd "$dir" && echo dattobd.ko*)" = dattobd.ko ] ||
		die "after the import, updates/dkms holds $(cd "$dir" && echo dattobd.ko*), not dattobd.ko alone"
	in_chroot "$R" dbdboot inject -k "$KVER" >>"$log" 2>&1 || die "inject after the import failed, see $log"
}

back_to_old apt
# shellcheck disable=SC2086
apt_run apt install $METAS
expect_upgraded apt "$SC_DIR/apt-apt.log"

back_to_old unattended
uu_run unattended
bundle_round_trip
expect_upgraded unattended "$SC_DIR/apt-unattended.log"
vm_done "${VM_FLAVOUR:-initramfs-tools}: kernel upgrade by apt-get install of $METAS, then by unattended-upgrade; boots: $(echo "$APT_BOOTS" | wc -w)"
