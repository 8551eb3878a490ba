#!/bin/sh
# Guest side of TEST-20-agent-faults: the boot name is the fault.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

R=/run/dbdboot/early.json
[ -f "$R" ] || fail "no report at $R"
cat "$R"

# The real root came within the deadline plus 10 s of the agent's start.
now=$(cut -d' ' -f1 /proc/uptime | cut -d. -f1)
start=$(dmesg | grep -m1 'dbdboot: ' | sed 's/^\[ *\([0-9]*\)\..*/\1/')
timeout=$(sed -n 's/.*"timeout_ms": \([0-9]*\).*/\1/p' "$R")
[ -n "$start" ] || fail "no dbdboot line in the kernel log"
[ $((now - start)) -le $((timeout / 1000 + 10)) ] ||
	fail "reached the root $((now - start)) s after the agent started (deadline $((timeout / 1000)) s)"
note "root reached $((now - start)) s after the agent started; deadline $((timeout / 1000)) s"

has() { grep -q -- "$1" "$R" || fail "the report lacks $1"; }
volume() { grep "\"minor\": $1," "$R" || fail "the report has no minor $1"; }

case $1 in
off)
	has '"status": "off"'
	[ ! -d /sys/module/dattobd ] || fail "dattobd loaded although dbdboot=off"
	dmesg | grep -q 'disabled by dbdboot=off' || fail "the agent did not say it was off"
	;;
module-missing)
	has '"module": {"outcome": "failed"'
	has '"error": "ENOENT"'
	volume 0 | grep -q '"message": "dattobd is not loaded"' || fail "volume not said unreloaded"
	;;
wrong-kernel)
	has '"module": {"outcome": "failed"'
	has '"error": "ENOEXEC"'
	has 'built for another kernel'
	;;
corrupt-manifest)
	has '"manifest": {"outcome": "invalid"'
	has '"volumes": \['
	has '"bad_lines": 1,'
	dmesg | grep -q 'not a dbdboot manifest' || fail "the agent did not explain the manifest"
	;;
missing-device)
	has '"status": "done"'
	volume 1 | grep -q '"outcome": "no-device"' || fail "minor 1 not reported as no-device"
	volume 30 | grep -q '"outcome": "failed", "error": "EINVAL"' || fail "minor 30 not refused"
	volume 30 | grep -q 'max_snap_devices=24' || fail "minor 30's message does not name the limit"
	;;
late-device)
	volume 2 | grep -q '"outcome": "reloaded"' || fail "the late device was not reloaded"
	found=$(volume 2 | sed 's/.*"found_ms": \([0-9]*\).*/\1/')
	loaded=$(sed -n 's/.*"module": .*"ms": \([0-9]*\)}.*/\1/p' "$R")
	note "the late device was found at $found ms; the module was loaded at $loaded ms"
	# The first look for devices comes right after the module is loaded: a
	# device found a poll interval or more later was not there at first.
	[ "$found" -ge $((loaded + 40)) ] || fail "found at $found ms: it was not late"
	expect_eq "state of the late volume" "$(proc_field 2 state)" 4
	;;
hung-ioctl)
	has '"status": "deadline"'
	volume 0 | grep -q '"outcome": "reload-unfinished"' || fail "the hung reload is not reported"
	;;
*) fail "no boot $1 in this scenario" ;;
esac
