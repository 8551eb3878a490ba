#!/bin/bash
# The boot path's cost with the real dattobd (../shared/dattobd/ or
# DBDBOOT_DATTOBD): the time to the real root's init with neither dbdboot
# nor dattobd, with dattobd's own initramfs script, and with dbdboot, on
# initramfs-tools and on dracut (with systemd in the initrd and without),
# BENCH_BOOTS boots of each (default 8). Needs root and the VM bench (make
# deps); some 25 minutes. Prints "boot-cost: ..." lines.
# The guests have two vCPUs (VM_SMP, default 2 here): a server has more
# than one core, and the early load overlaps the disks' discovery only
# with a core to run on (with one vCPU under TCG the boot is CPU-bound
# from end to end). The spread of TCG boot times is some +-1 s: the
# medians separate only for differences of a few hundred ms.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
export BUILD
export VM_SMP=${VM_SMP:-2} BENCH_BOOTS=${BENCH_BOOTS:-8}
make -s -C "$TOP" all test-tools BUILD="$BUILD"
for f in ${BENCH_FLAVOURS:-real real-dracut}; do
	bash "$TOP/tests/vm/lib/prepare.sh" "$f" >"$BUILD/bench-boot-prepare-$f.log" 2>&1 ||
		{ echo "boot-cost: could not prepare the $f system, see $BUILD/bench-boot-prepare-$f.log"; exit 1; }
	VM_FLAVOUR=$f bash "$TOP/tests/vm/bench-boot/test.sh" | grep '^boot-cost:'
done
