#!/bin/bash
# TEST-13-manifest-compressors: `dbdboot inject --manifest-only` after an
# initrd made by real mkinitramfs with each compression initramfs-tools
# offers. The generator's initrd holds one manifest; the appended segment
# holds another, naming a device of its own. Each initrd is checked by
# `dbdboot status`, and all seven are booted at once, one after the other
# in one initrd (the kernel unpacks archive after archive, each as it
# would the first): the kernel must unpack it all (no "Initramfs unpacking
# failed": any byte of a generator's stream or of inject's segment that it
# could not take would stop it there) and the agent must read the last
# appended manifest. One more boot is the layout inject wrote before (0-3
# zero bytes between lz4 and the raw archive): the kernel stops there and
# the agent reads the OLD manifest, and `dbdboot status` must say the
# initrd is bad.
# vm-cost: 180 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

COMPRESSORS="gzip bzip2 lzma xz lzop lz4 zstd"
# The two-byte magic the kernel picks each decoder by (lib/decompress.c).
declare -A MAGIC=([gzip]=1f8b [bzip2]=425a [lzma]=5d00 [xz]=fd37 [lzop]=894c [lz4]=0221 [zstd]=28b5)

vm_system_overlay
R=$SC_DIR/root
manifest() { # manifest LABEL MINOR
	printf 'dbdboot-manifest 1\nvolume mode=incremental device=LABEL=%s cow=/.datto minor=%s\n' \
		"$1" "$2" >"$R/etc/dbdboot/manifest"
}
# The first two bytes, in hex: the root tree has no microcode packages, so
# the initrd is the main archive alone (mkinitramfs adds no early archive).
magic() { od -An -tx1 -N2 "$1" | tr -d ' \n'; }

# The generator's initrds, two at a time; all hold the generator's manifest.
manifest from-the-generator 7
t0=$(date +%s)
for c in $COMPRESSORS; do
	in_chroot "$R" mkinitramfs -c "$c" -o "/tmp/initrd-$c" "$KVER" >"$SC_DIR/mkinitramfs-$c.log" 2>&1 &
	[ "$(jobs -rp | wc -l)" -lt 2 ] || wait -n || die "mkinitramfs -c $c failed, see $SC_DIR/mkinitramfs-$c.log"
done
wait || die "an mkinitramfs run failed, see $SC_DIR/mkinitramfs-*.log"
log "7 initrds made by mkinitramfs in $(since "$t0") s"

for c in $COMPRESSORS; do
	[ -s "$R/tmp/initrd-$c" ] || die "mkinitramfs -c $c made no initrd, see $SC_DIR/mkinitramfs-$c.log"
	m=$(magic "$R/tmp/initrd-$c")
	[ "$m" = "${MAGIC[$c]}" ] ||
		die "the initrd of mkinitramfs -c $c is not $c (magic $m): see $SC_DIR/mkinitramfs-$c.log"
	cp "$R/tmp/initrd-$c" "$R/boot/initrd.img-$KVER"
	manifest "appended-$c" 1
	in_chroot "$R" dbdboot inject -k "$KVER" --manifest-only >"$SC_DIR/inject-$c.log" 2>&1 ||
		die "inject --manifest-only after $c failed: $(cat "$SC_DIR/inject-$c.log")"
	in_chroot "$R" dbdboot status -k "$KVER" >"$SC_DIR/status-$c.log" 2>&1 ||
		die "dbdboot status after $c says not ready: $(cat "$SC_DIR/status-$c.log")"
	cp "$R/boot/initrd.img-$KVER" "$SC_DIR/initrd-$c"
	log "$c: $(stat -c %s "$R/tmp/initrd-$c") bytes, $(stat -c %s "$SC_DIR/initrd-$c") with the manifest"
done

# The old layout after lz4: padding to a 4-byte boundary only.
old=$SC_DIR/initrd-lz4-old-layout
cp "$R/tmp/initrd-lz4" "$old"
size=$(stat -c %s "$old")
head -c $(((4 - size % 4) % 4)) /dev/zero >>"$old"
mkdir -p "$SC_DIR/old/etc/dbdboot"
printf 'dbdboot-manifest 1\nvolume mode=incremental device=LABEL=appended-old cow=/.datto minor=1\n' \
	>"$SC_DIR/old/etc/dbdboot/manifest"
(cd "$SC_DIR/old" && find . -mindepth 1 | sort | cpio --quiet -o -H newc -R 0:0) >>"$old"
cp "$old" "$R/boot/initrd.img-$KVER"
cp "$SC_DIR/old/etc/dbdboot/manifest" "$R/etc/dbdboot/manifest"
if in_chroot "$R" dbdboot status -k "$KVER" >"$SC_DIR/status-old.log" 2>&1; then
	die "dbdboot status calls the old lz4 layout ready: $(cat "$SC_DIR/status-old.log")"
fi
grep -q 'lz4 stream' "$SC_DIR/status-old.log" ||
	die "dbdboot status does not name the lz4 stream's end: $(cat "$SC_DIR/status-old.log")"

# All seven in one initrd, in the order of COMPRESSORS, each padded with
# zeros to a 4-byte boundary (the kernel skips zeros between archives).
chain=$SC_DIR/initrd-chain
: >"$chain"
for c in $COMPRESSORS; do
	cat "$SC_DIR/initrd-$c" >>"$chain"
	size=$(stat -c %s "$chain")
	head -c $(((4 - size % 4) % 4)) /dev/zero >>"$chain"
done
for b in chain lz4-old-layout; do
	vm_boot "$b" --initrd-file "$SC_DIR/initrd-$b" --append dbdboot.timeout=1
	vm_expect_pass "$b"
done
vm_done "appended manifest read after gzip, bzip2, lzma, xz, lzop, lz4, zstd (one initrd); the old lz4 layout refused by the kernel and by status: 2 boots"
