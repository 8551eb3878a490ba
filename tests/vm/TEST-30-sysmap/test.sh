#!/bin/bash
# TEST-30-sysmap: the System.map that `dbdboot sysmap` recovers from the
# vmlinuz of the booted kernel is checked twice: on the host against the
# real map of the kernel's -dbg package, and in the guest against
# /proc/kallsyms of that same kernel booted with nokaslr (so that the
# running addresses are the link-time ones).
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

MAP=$SC_DIR/maps/System.map-$KVER
mkdir -p "$SC_DIR/maps"
"$BUILD/dbdboot" --root "$BASE/root" sysmap -k "$KVER" -o "$MAP" -J >"$SC_DIR/sysmap.json" ||
	die "dbdboot sysmap failed"
cat "$SC_DIR/sysmap.json" >&2

# Against the -dbg map: every recovered symbol there at the same address.
awk '{print $1, $3}' "$MAP" | sort >"$SC_DIR/recovered.an"
awk '{print $1, $3}' "$BASE/sysmap/System.map-$KVER" | sort >"$SC_DIR/dbg.an"
rec=$(wc -l <"$SC_DIR/recovered.an")
dbg=$(wc -l <"$SC_DIR/dbg.an")
wrong=$(comm -23 "$SC_DIR/recovered.an" "$SC_DIR/dbg.an" | wc -l)
log "recovered $rec symbols; the -dbg map has $dbg lines; $wrong recovered not in it"
[ "$wrong" = 0 ] || {
	comm -23 "$SC_DIR/recovered.an" "$SC_DIR/dbg.an" | head >&2
	die "$wrong recovered symbols are not in the -dbg map at the same address"
}
[ "$rec" -ge $((dbg - 200)) ] || die "only $rec of $dbg symbols recovered"
# What the driver's build looks up must be there.
for s in _text kfree path_mount path_umount; do
	grep -q " $s\$" "$MAP" || die "the recovered map lacks $s"
done

# Against the running kernel.
mke2fs -q -F -t ext4 -L maps -d "$SC_DIR/maps" "$SC_DIR/maps.img" 64M
vm_boot 1 --append nokaslr maps
vm_expect_pass 1
vm_done "recovered System.map: $rec symbols, all in the -dbg map and in /proc/kallsyms: 1 boot"
