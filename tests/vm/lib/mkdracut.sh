#!/bin/bash
# Build (or find in the cache) the dracut variant of the base root tree: a
# layer over the base (mkrootfs.sh) in which Debian's dracut replaces
# initramfs-tools, as `apt install dracut` does on a Debian 12 host.
#
#   mkdracut.sh BASE       print the path of the layer directory (its
#                          upper/ is an overlay upper dir over BASE/root),
#                          building it when the cache has none for this
#                          recipe and this base
#
# The layer also holds dracut's configuration for the tests, in
# /etc/dracut.conf.d/10-dbdtest.conf: not host-only (it is built in a
# chroot), zstd at level 1 (one zstd archive, as vm_initrd --without needs;
# so no early microcode either), and of the generic drivers only the two
# the guests' disks need (drivers=: what a not-host-only initrd otherwise
# takes, every storage and filesystem module, made it 75 MB, three times
# initramfs-tools' with MODULES=list, to unpack at every boot; dracut's
# own modules still add theirs, dm and LVM's, and dbdboot's adds dattobd).
set -eu
# shellcheck source=tests/vm/lib/common.sh
. "$(dirname "$0")/common.sh"

BASE=${1:?usage: mkdracut.sh BASE}

recipe_hash() {
	grep -v '^[[:space:]]*#' "$VM_LIB/mkdracut.sh" | sha256sum | cut -c1-16
}

build_layer() {
	local out=$1 tmp=$1.tmp t0 r
	t0=$(date +%s)
	rm -rf "$tmp"
	mkdir -p "$tmp/upper" "$tmp/work" "$tmp/root"
	r=$tmp/root
	mount -t overlay overlay -o "lowerdir=$BASE/root,upperdir=$tmp/upper,workdir=$tmp/work" "$r"
	trap 'chroot_umount "$r"; umount "$r"' EXIT
	chroot_mount "$r"
	chroot_apt_install "$r" "$tmp/apt.log" dracut || die "apt-get install dracut failed, see $tmp/apt.log"
	# shellcheck disable=SC2016 # a dpkg-query format, not an expansion
	[ "$(in_chroot "$r" dpkg-query -W -f='${db:Status-Status}' initramfs-tools 2>/dev/null)" != installed ] ||
		die "initramfs-tools is still installed next to dracut, see $tmp/apt.log"
	mkdir -p "$r/etc/dracut.conf.d"
	cat >"$r/etc/dracut.conf.d/10-dbdtest.conf" <<-'EOF'
	hostonly="no"
	compress="zstd -1 -q -T0"
	early_microcode="no"
	drivers="virtio_pci virtio_blk"
	EOF
	in_chroot "$r" dpkg-query -W dracut >"$tmp/version"
	in_chroot "$r" apt-get clean
	chroot_umount "$r"
	umount "$r"
	trap - EXIT
	rm -rf "$tmp/work" "$tmp/root"
	rm -rf "$out"
	mv "$tmp" "$out"
	log "dracut layer ready in $(since "$t0") s: $out ($(cat "$out/version"))"
}

need_root
out="$BASE/dracut-$(recipe_hash)"
if [ ! -f "$out/version" ]; then
	exec 9>"$BASE/.dracut.lock"
	flock 9
	[ -f "$out/version" ] || build_layer "$out"
fi
echo "$out"
