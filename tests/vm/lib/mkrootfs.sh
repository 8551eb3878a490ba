#!/bin/bash
# Build (or find in the cache) a base Debian root tree of the VM tests.
#
#   mkrootfs.sh [bookworm|trixie]
#                          print the path of the base directory of that
#                          release (default bookworm, Debian 12; trixie is
#                          Debian 13), building it when the cache has none
#                          for this recipe
#
# The base directory holds:
#   root/             the root tree: debootstrap minbase, two kernel ABIs
#                     (6.1.0-NN-cloud-amd64 on Debian 12,
#                     6.12.NNN+deb13-cloud-amd64 on 13; image and headers), dkms, gcc,
#                     make, kmod, zstd, lz4, lzop, xz, bzip2, initramfs-tools,
#                     lvm2, mdadm (TEST-60), busybox, systemd, udev
#   kernels           the two kernel releases, older first
#   sysmap/System.map-KVER
#                     the real System.map of each kernel, taken from its -dbg
#                     package (the root tree keeps Debian's placeholder)
#   recipe            the recipe this was built from
# It is keyed by a hash of this file's code: change the recipe and a new base
# is built (the old one stays until removed: rm -rf ~/.cache/dbdboot-vm).
set -eu
# shellcheck source=tests/vm/lib/common.sh
. "$(dirname "$0")/common.sh"

# lz4, lzop, xz-utils and bzip2: every compression initramfs-tools offers (TEST-13).
PACKAGES="dkms gcc make libc6-dev kmod zstd lz4 lzop xz-utils bzip2 initramfs-tools busybox"
PACKAGES="$PACKAGES lvm2 mdadm e2fsprogs util-linux"
# systemd and udev: the scenarios that boot the whole system (TEST-5x).
PACKAGES="$PACKAGES systemd udev"
SUITE=${1:-bookworm}
FLAVOUR=cloud-amd64
# The kernel ABIs' names: "6.1.0-NN" on Debian 12, "6.12.NNN+deb13" on 13.
case $SUITE in
bookworm) KABI='6\.1\.0-[0-9]+' ;;
trixie) KABI='[0-9]+\.[0-9]+\.[0-9]+\+deb13' ;;
*) die "usage: mkrootfs.sh [bookworm|trixie]" ;;
esac

# Comments do not count: editing them rebuilds nothing.
recipe_hash() {
	{ grep -v '^[[:space:]]*#' "$VM_LIB/mkrootfs.sh"; echo "$SUITE"; } | sha256sum | cut -c1-16
}

# Two ABIs whose image, headers and -dbg package the archive has: the newest,
# and the newest of an older upstream version. Two ABIs of one upstream
# version (6.1.0-55 and -56 are both 6.1.192) share modversions CRCs, and the
# kernel does not compare the release in vermagic when CRCs are there: a
# module built for one loads into the other, which makes a poor upgrade test.
pick_kernels() {
	local r=$1 k v newest='' newest_v=''
	in_chroot "$r" apt-cache search --names-only "^linux-image-$KABI-$FLAVOUR-dbg\$" |
		sed -En "s/^linux-image-($KABI-$FLAVOUR)-dbg .*/\1/p" | sort -V -r |
		while read -r k; do
			in_chroot "$r" apt-cache show "linux-headers-$k" </dev/null >/dev/null 2>&1 || continue
			v=$(in_chroot "$r" apt-cache show "linux-image-$k" </dev/null 2>/dev/null |
				sed -n 's/^Version: \([^-]*\)-.*/\1/p' | head -n1)
			[ -n "$v" ] || continue
			if [ -z "$newest" ]; then
				newest=$k
				newest_v=$v
			elif [ "$v" != "$newest_v" ]; then
				echo "$k"
				echo "$newest"
				break
			fi
		done
}

# Real System.map of KVER out of its -dbg package, without installing it.
extract_sysmap() {
	local r=$1 k=$2 out=$3 deb
	(cd "$r/var/cache/apt/archives" && in_chroot "$r" sh -c \
		"cd /var/cache/apt/archives && apt-get -q -o APT::Sandbox::User=root download linux-image-$k-dbg >/dev/null")
	deb=$(ls "$r"/var/cache/apt/archives/linux-image-"$k"-dbg_*.deb)
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xOf - "./usr/lib/debug/boot/System.map-$k" >"$out.tmp"
	rm -f "$deb"
	grep -q ' __per_cpu_start$' "$out.tmp" || die "no real System.map in linux-image-$k-dbg"
	mv "$out.tmp" "$out"
}

build_base() {
	local base=$1 tmp=$1.tmp t0 mirror sec kernels k pkgs=
	t0=$(date +%s)
	rm -rf "$tmp"
	mkdir -p "$tmp/sysmap"
	mirror=$(debian_mirror)
	sec=$(security_mirror "$mirror")
	log "debootstrap $SUITE (minbase) into $tmp/root"
	debootstrap --variant=minbase "$SUITE" "$tmp/root" "$mirror" >"$tmp/debootstrap.log" 2>&1 ||
		die "debootstrap failed, see $tmp/debootstrap.log"
	cat >"$tmp/root/etc/apt/sources.list" <<EOF
deb $mirror $SUITE main
deb $mirror $SUITE-updates main
deb $sec $SUITE-security main
EOF
	echo 'APT::Install-Recommends "false";' >"$tmp/root/etc/apt/apt.conf.d/90dbdboot"
	trap 'chroot_umount "$tmp/root"' EXIT
	chroot_mount "$tmp/root"
	in_chroot "$tmp/root" apt-get -q update >"$tmp/apt.log" 2>&1 || die "apt-get update failed, see $tmp/apt.log"
	kernels=$(pick_kernels "$tmp/root")
	[ "$(echo "$kernels" | wc -w)" = 2 ] ||
		die "the archive lacks two $SUITE $FLAVOUR kernels of different upstream versions with headers and -dbg packages (found: ${kernels:-none})"
	for k in $kernels; do pkgs="$pkgs linux-image-$k linux-headers-$k"; done
	log "installing kernels ${kernels//$'\n'/ } and $PACKAGES"
	# shellcheck disable=SC2086
	in_chroot "$tmp/root" apt-get -q -y install $PACKAGES $pkgs >>"$tmp/apt.log" 2>&1 ||
		die "apt-get install failed, see $tmp/apt.log"
	log "fetching the real System.map of each kernel from its -dbg package"
	for k in $kernels; do
		extract_sysmap "$tmp/root" "$k" "$tmp/sysmap/System.map-$k" &
	done
	wait
	for k in $kernels; do [ -s "$tmp/sysmap/System.map-$k" ] || die "no System.map for $k"; done
	in_chroot "$tmp/root" apt-get clean
	chroot_umount "$tmp/root"
	trap - EXIT
	echo "$kernels" >"$tmp/kernels"
	cp "$VM_LIB/mkrootfs.sh" "$tmp/recipe"
	rm -rf "$base"
	mv "$tmp" "$base"
	log "base root tree ready in $(since "$t0") s: $base"
}

need_root
need_cmds debootstrap dpkg-deb sha256sum
base="$VM_CACHE/base-$SUITE-$(recipe_hash)"
mkdir -p "$VM_CACHE"
if [ ! -f "$base/kernels" ]; then
	# One builder at a time per cache.
	exec 9>"$VM_CACHE/.lock"
	flock 9
	[ -f "$base/kernels" ] || build_base "$base"
fi
echo "$base"
