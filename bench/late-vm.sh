#!/bin/bash
# Volumes left to the real root (stage=root, reloaded by the generator's
# units): the boot time they add with 0, 1 and 8 of them, against the same
# boot with dbdboot=off, in one run of 9 boots with systemd as PID 1 (TCG,
# so slower than hardware; about 8 minutes). Needs root and the VM bench
# (make deps). Prints "name: figure" lines.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
export BUILD
make -s -C "$TOP" all test-tools BUILD="$BUILD"
bash "$TOP/tests/vm/lib/prepare.sh" >/dev/null 2>&1
bash "$TOP/tests/vm/bench-late/test.sh"
