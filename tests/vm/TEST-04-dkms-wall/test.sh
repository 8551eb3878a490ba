#!/bin/bash
# TEST-04-dkms-wall: with only Debian's placeholder System.map, real dkms
# cannot build the test double for a kernel that is not running, and says
# why; with the real map at the debug path it can. Like the real driver.
# No boot: dkms in a chroot on an overlay of the base tree.
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

DOUBLE=$(find "$BUILD/double" -mindepth 1 -maxdepth 1 -name 'dattobd-*' | head -n1)
DVER=${DOUBLE##*/dattobd-}
OLD=$(head -n1 "$BASE/kernels")
vm_overlay
R=$SC_DIR/root
cp -a "$DOUBLE" "$R/usr/src/"
in_chroot "$R" dkms add -m dattobd -v "$DVER" >"$SC_DIR/dkms.log" 2>&1

if in_chroot "$R" dkms build -m dattobd -v "$DVER" -k "$OLD" >>"$SC_DIR/dkms.log" 2>&1; then
	die "dkms built the double for $OLD with only the placeholder System.map"
fi
grep -q "no real System.map for kernel $OLD" "$SC_DIR/dkms.log" ||
	die "the failed build does not say that the System.map is missing (see $SC_DIR/dkms.log)"
grep -q "is a placeholder" "$SC_DIR/dkms.log" ||
	die "the failed build does not name the placeholder (see $SC_DIR/dkms.log)"
log "placeholder only: dkms build refused, and said why"

mkdir -p "$R/usr/lib/debug/boot"
cp "$BASE/sysmap/System.map-$OLD" "$R/usr/lib/debug/boot/System.map-$OLD"
in_chroot "$R" dkms build -m dattobd -v "$DVER" -k "$OLD" >>"$SC_DIR/dkms.log" 2>&1 ||
	die "dkms build for $OLD failed with the real System.map (see $SC_DIR/dkms.log)"
in_chroot "$R" dkms status -m dattobd -v "$DVER" -k "$OLD" | grep -q built ||
	die "dkms status does not show the double built for $OLD"
vm_done "dkms wall: refused with the placeholder, built with the real map for $OLD"
