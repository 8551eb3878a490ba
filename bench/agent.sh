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

# The same work on this machine's own CPU, no emulation: the static agent
# against a fake root (tests/cli/agentroot.sh's layout) of 8 volumes on
# ext4 image files found through udev's links and records; the fake
# control file refuses each reload (ENOTTY), so the ioctls cost nothing.
# Medians of 100 runs, exec to exit, against the agent's --version.
F=$(mktemp -d)
trap 'rm -rf "$F"' EXIT
mkdir -p "$F/proc/self" "$F/sys/module/dattobd" "$F/dev/disk/by-label" "$F/run/udev/data"
echo ro >"$F/proc/cmdline"
: >"$F/proc/self/mountinfo"
: >"$F/dev/datto-ctl"
{
	echo "dbdboot-manifest 1"
	for i in 1 2 3 4 5 6 7 8; do
		mke2fs -q -F -t ext4 -L "vol$i" "$F/dev/vd$i" 8M >/dev/null 2>&1
		ln -s "../../vd$i" "$F/dev/disk/by-label/vol$i"
		mkdir -p "$F/sys/class/block/vd$i"
		echo "254:$((i * 16))" >"$F/sys/class/block/vd$i/dev"
		printf 'E:ID_FS_LABEL=vol%s\nE:ID_FS_TYPE=ext4\n' "$i" >"$F/run/udev/data/b254:$((i * 16))"
		echo "volume mode=incremental device=LABEL=vol$i cow=/.datto minor=$i"
	done
} >"$F/manifest"
median_us() { # median_us CMD...: the median wall time of 100 runs, in µs
	for _ in $(seq 100); do
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1
		echo $((($(date +%s%N) - s) / 1000))
	done | sort -n | sed -n 50p
}
work=$(median_us "$A" --proc "$F/proc" --sys "$F/sys" --dev "$F/dev" --run "$F/run" \
	--manifest "$F/manifest" --kmsg -)
grep -q '"outcome": "failed", "error": "ENOTTY"' "$F/run/dbdboot/early.json" ||
	{ echo "agent: ERROR: the fake root's volumes were not tried"; exit 1; }
idle=$(median_us "$A" --version)
echo "agent on this machine's CPU, no emulation, 8 volumes on a fake root: $work us a run against $idle us for --version: its work $((work - idle)) us (medians of 100)"
