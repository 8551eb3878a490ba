#!/bin/bash
# dbdboot on dracut: `dbdboot inject --manifest-only` against `dracut -f`
# on the same dracut initrd (in a chroot of the prepared dracut system),
# and the time a dracut initrd takes to reach the real root with dbdboot
# (the root tracked) against the same initrd built without dbdboot, with
# systemd in the initrd and without (8 boots, TCG, so slower than
# hardware; about 4 minutes). Needs root and the VM bench (make deps).
# Prints "name: figure" lines.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
export BUILD
make -s -C "$TOP" all test-tools BUILD="$BUILD"
bash "$TOP/tests/vm/lib/prepare.sh" dracut >/dev/null 2>&1
bash "$TOP/tests/vm/bench-dracut/test.sh"
