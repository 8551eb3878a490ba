#!/bin/bash
# dbdboot, the host utility: sysmap on a real Debian vmlinuz, inject
# --manifest-only against update-initramfs -u on the same initrd, and a
# rebuild --all with nothing to do. Runs in a chroot of the VM bench's
# prepared system (needs root and make deps). Prints "name: figure" lines.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
export BUILD
make -s -C "$TOP" all test-tools BUILD="$BUILD"
bash "$TOP/tests/vm/lib/prepare.sh" >/dev/null 2>&1
bash "$TOP/tests/vm/bench-host/test.sh"
