#!/bin/bash
# dbdboot-early: its size, and its time from start to last reload for 1 and
# 8 volumes in a VM (TCG, so slower than on hardware). Needs root and the
# VM bench (make deps). Prints "name: figure" lines.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
export BUILD
make -s -C "$TOP" all test-tools BUILD="$BUILD"
A=$BUILD/dbdboot-early
echo "agent: size $(stat -c %s "$A") bytes (static, stripped)"
size "$A" | awk 'NR == 2 { printf "agent: text %d, data %d, bss %d bytes\n", $1, $2, $3 }'
if readelf -l "$A" | grep -q interpreter; then
	echo "agent: ERROR: has a program interpreter (not static)"
	exit 1
fi
bash "$TOP/tests/vm/lib/prepare.sh" >/dev/null 2>&1
bash "$TOP/tests/vm/bench-agent/test.sh"
