#!/bin/bash
# The test double's genconfig.sh: the System.map search order and the wall
# it puts up when only Debian's placeholder is there. Fake roots, no kernel.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/tap.sh
. "$TOP/tests/cli/tap.sh"
G=$TOP/tests/double/genconfig.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
K=6.1.0-99-test-amd64

real_map() { # real_map FILE KFREE
	mkdir -p "$(dirname "$1")"
	printf '%s\n' "ffffffff81000000 T _text" "0000000000000000 D __per_cpu_start" \
		"$2 T kfree" "ffffffff8137c9b0 T path_mount" "ffffffff8137a6b0 T path_umount" >"$1"
}
gen() { DBD_SYSMAP_ROOT=$T/root sh "$G" "$K" "$T/out.h"; }

mkdir -p "$T/root/boot"
echo 'ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package' \
	>"$T/root/boot/System.map-$K"
ok "placeholder only: build refused" status_is 1 gen
ok "placeholder only: says so and names the fix" \
	out_has "put the real one at /lib/modules/$K/System.map" gen
ok "placeholder only: no header written" test ! -e "$T/out.h"

real_map "$T/root/usr/lib/debug/boot/System.map-$K" ffffffff812a0003
ok "debug path found" status_is 0 gen
ok "debug path used" grep -q 'DBD_SYMADDR_KFREE 0xffffffff812a0003UL' "$T/out.h"

real_map "$T/root/lib/modules/$K/System.map" ffffffff812a0001
ok "/lib/modules first" out_has "using $T/root/lib/modules/$K/System.map" gen
ok "/lib/modules address used" grep -q 'DBD_SYMADDR_KFREE 0xffffffff812a0001UL' "$T/out.h"
ok "every symbol defined" test "$(grep -c '^#define DBD_SYMADDR_' "$T/out.h")" = 3

grep -v path_umount "$T/root/lib/modules/$K/System.map" >"$T/m" &&
	mv "$T/m" "$T/root/lib/modules/$K/System.map"
rm -f "$T/root/usr/lib/debug/boot/System.map-$K"
ok "missing symbol: build refused" out_has "symbol path_umount not found" gen
tap_end
