#!/bin/sh
# Guest side of TEST-30-sysmap: /proc/kallsyms of the kernel booted with
# nokaslr against the map recovered from its vmlinuz (on /dev/vdb).
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

mkdir -p /run/maps
mount -o ro /dev/vdb /run/maps || fail "could not mount the maps disk"
map=/run/maps/System.map-$(uname -r)
[ -f "$map" ] || fail "no recovered map for $(uname -r) on the maps disk"
grep -q nokaslr /proc/cmdline || fail "not booted with nokaslr"
text=$(awk '$3 == "_text" {print $1}' /proc/kallsyms)
expect_eq "_text at its link-time address" "$text" ffffffff81000000
# The kernel's own symbols: three fields (modules and trampolines have a fourth).
TMPDIR=/run
export TMPDIR
awk 'NF == 3 {print $1, $3}' /proc/kallsyms | sort >/run/kallsyms.an
awk '{print $1, $3}' "$map" | sort >/run/map.an
k=$(wc -l </run/kallsyms.an)
m=$(wc -l </run/map.an)
missing=$(comm -23 /run/kallsyms.an /run/map.an | wc -l)
extra=$(comm -13 /run/kallsyms.an /run/map.an | wc -l)
note "/proc/kallsyms: $k kernel symbols; recovered map: $m; in kallsyms not in the map: $missing; in the map not in kallsyms: $extra"
comm -23 /run/kallsyms.an /run/map.an | head -n 5
expect_eq "kernel symbols missing from the recovered map" "$missing" 0
expect_eq "recovered symbols the kernel does not have" "$extra" 0
