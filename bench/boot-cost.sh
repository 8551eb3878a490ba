#!/bin/bash
# The boot path's cost with the real dattobd (../shared/dattobd/ or
# DBDBOOT_DATTOBD): the time to the real root's init with neither dbdboot
# nor dattobd, with dattobd's own initramfs script, and with dbdboot, on
# initramfs-tools and on dracut (with systemd in the initrd and without),
# BENCH_BOOTS boots of each (default 5). Needs root and the VM bench (make
# deps); some 15 minutes. Prints "boot-cost: ..." lines.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
export BUILD
make -s -C "$TOP" all test-tools BUILD="$BUILD"
for f in ${BENCH_FLAVOURS:-real real-dracut}; do
	bash "$TOP/tests/vm/lib/prepare.sh" "$f" >"$BUILD/bench-boot-prepare-$f.log" 2>&1 ||
		{ echo "boot-cost: could not prepare the $f system, see $BUILD/bench-boot-prepare-$f.log"; exit 1; }
	VM_FLAVOUR=$f bash "$TOP/tests/vm/bench-boot/test.sh" | grep '^boot-cost:'
done
