#!/bin/bash
# The tracking lifecycle in a VM with systemd as PID 1 and 8 tracked
# volumes: what dbdboot-shutdown.service adds to a real shutdown (against
# the same shutdown without it), and record-shutdown, sync and verdict
# timed in the guest (TCG, so slower than on hardware). Needs root and the
# VM bench (make deps). Prints "name: figure" lines.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
export BUILD
make -s -C "$TOP" all test-tools BUILD="$BUILD"
bash "$TOP/tests/vm/lib/prepare.sh" >/dev/null 2>&1
bash "$TOP/tests/vm/bench-lifecycle/test.sh"
