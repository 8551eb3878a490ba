#!/bin/bash
# The test client's command line, without a driver.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/tap.sh
. "$TOP/tests/cli/tap.sh"
C=${BUILD:-$TOP/build}/tests/dbdtest
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

ok "--help exits 0" status_is 0 "$C" --help
ok "--help lists every ioctl" out_has reconfigure-auto-expand "$C" --help
ok "no command: usage, exit 2" status_is 2 "$C"
ok "unknown command: exit 2" status_is 2 "$C" frobnicate
ok "bad minor: exit 2" status_is 2 "$C" destroy x1
ok "negative minor: exit 2" status_is 2 "$C" destroy -1
ok "missing control device: named" out_has "could not open '$T/none'" "$C" --ctl "$T/none" get-free-minor
ok "missing control device: exit 1" status_is 1 "$C" --ctl "$T/none" get-free-minor
ok "not a control device: errno named" out_has "(ENOTTY)" "$C" --ctl /dev/null info 0

# A COW header written byte by byte: magic 4776, flags CLEAN|INDEX_ONLY, seqid 5.
{
	printf '\xa8\x12\x00\x00\x03\x00\x00\x00'
	head -c 16 /dev/zero
	printf '\x05\x00\x00\x00\x00\x00\x00\x00'
	head -c 32 /dev/zero
} >"$T/cow"
ok "cow-header: magic" out_has "magic=4776" "$C" cow-header "$T/cow"
ok "cow-header: clean incremental" out_has "clean=1
incremental=1" "$C" cow-header "$T/cow"
ok "cow-header: seqid" out_has "seqid=5" "$C" cow-header "$T/cow"
head -c 40 "$T/cow" >"$T/short"
ok "cow-header: short file refused" status_is 1 "$C" cow-header "$T/short"
ok "cow-header: short file named" out_has "could not read '$T/short'" "$C" cow-header "$T/short"
tap_end
