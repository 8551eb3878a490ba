#!/bin/sh
# Guest side of TEST-13-manifest-compressors: boot "chain" is the seven
# initrds one after the other (zstd's last); lz4-old-layout is the layout
# the kernel stops at.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

R=/run/dbdboot/early.json
[ -f "$R" ] || fail "no report at $R"
cat "$R"
dmesg >/run/dmesg.txt
case $1 in
lz4-old-layout)
	grep -q 'Initramfs unpacking failed' /run/dmesg.txt ||
		fail "the kernel unpacked the old layout after lz4 (it should stop)"
	grep -q 'LABEL=from-the-generator' "$R" ||
		fail "the agent did not read the generator's manifest"
	note "the kernel stopped at the old layout and the agent read the old manifest, as expected"
	;;
chain)
	if grep 'Initramfs unpacking failed' /run/dmesg.txt; then
		fail "the kernel could not unpack the initrds of the seven compressions"
	fi
	grep -q "LABEL=appended-zstd" "$R" || fail "the agent did not read the last appended manifest"
	if grep -q 'LABEL=from-the-generator' "$R"; then
		fail "the agent read the generator's manifest"
	fi
	note "the kernel unpacked all seven initrds with their segments, the agent read the last appended manifest"
	;;
*) fail "no boot $1 in this scenario" ;;
esac
