#!/bin/sh
# Guest side of TEST-20-agent-faults: the boot name is the fault.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

R=/run/dbdboot/early.json
case $1 in
prepare) ;;
run-not-writable) [ ! -f "$R" ] || fail "a report was written to a read-only /run" ;;
*)
	[ -f "$R" ] || fail "no report at $R"
	cat "$R"
	;;
esac

# The real root came within the deadline plus 10 s of the agent's start.
now=$(cut -d' ' -f1 /proc/uptime | cut -d. -f1)
# The agent's own first line (not a unit's, such as dbdboot-preload.service's
# "Starting ... - dbdboot: ...", logged seconds before the agent runs).
start=$(dmesg | grep -m1 '^\[ *[0-9.]*\] dbdboot: ' | sed 's/^\[ *\([0-9]*\)\..*/\1/')
timeout=10000	# the default, when there is no report to say it
if [ -f "$R" ]; then
	timeout=$(sed -n 's/.*"timeout_ms": \([0-9]*\).*/\1/p' "$R")
fi
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
	[ ! -e /run/dbdboot/preload ] || fail "the early load ran although dbdboot=off"
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
	volume 1 | grep -q '"outcome": "no-device"' || fail "minor 1 not reported as no-device"
	volume 6 | grep -q '"outcome": "reloaded"' || fail "the present volume was not reloaded beside a device that never answers"
	volume 5 | grep -q '"outcome": "failed", "error": "EEXIST"' || fail "the twins were not refused"
	volume 5 | grep -q 'matches two devices' || fail "the twins' message does not say why"
	dmesg | grep -q 'did not answer a read within 3000 ms: left out of the search' ||
		fail "the agent did not say that the suspended map did not answer"
	note "the report: $(cat "$R")"
	# Let the agent's reader, stuck in the kernel since the initramfs, go:
	# the poweroff would wait for it (90 s, then the host kills QEMU).
	dmsetup resume --noudevsync dbdtest-hang || fail "could not resume the suspended map"
	volume 30 | grep -q '"outcome": "failed", "error": "EINVAL"' || fail "minor 30 not refused"
	volume 30 | grep -q 'max_snap_devices=24' || fail "minor 30's message does not name the limit"
	;;
late-device)
	volume 2 | grep -q '"outcome": "reloaded"' || fail "the late device was not reloaded"
	found=$(volume 2 | sed 's/.*"found_ms": \([0-9]*\).*/\1/')
	# The module step's end: the agent's own load, or its wait for the early one.
	loaded=$(sed -n 's/.*"module": .*"waited_ms": \([0-9]*\)}.*/\1/p' "$R")
	note "the late device was found at $found ms; the agent had the module at $loaded ms"
	# The first look for devices comes right after the module is loaded: a
	# device found a poll interval or more later was not there at first.
	[ "$found" -ge $((loaded + 40)) ] || fail "found at $found ms: it was not late"
	dmesg | grep -q 'minor 2: LABEL=late not there yet: waiting up to 10 s' ||
		fail "the agent did not say (dbdboot.debug) that it waited for the late device"
	expect_eq "state of the late volume" "$(proc_field 2 state)" 4
	;;
hung-ioctl)
	has '"status": "deadline"'
	volume 0 | grep -q '"outcome": "reload-unfinished"' || fail "the hung reload is not reported"
	;;
manifest-absent)
	has '"manifest": {"outcome": "missing"'
	has '"status": "done"'
	;;
not-a-filesystem)
	volume 1 | grep -q '"fs": "unknown"' || fail "the report does not say there is no filesystem"
	volume 1 | grep -q 'no ext or XFS filesystem' || fail "the volume's message does not say so"
	dmesg | grep -q 'holds no ext or XFS filesystem' || fail "the kernel log does not say so"
	;;
run-not-writable)
	dmesg | grep -q 'dbdboot: could not write the report' || fail "the failed report is not logged"
	dmesg | grep -q 'dbdboot: minor 0: LABEL=root reloaded' || fail "the work was not done anyway"
	;;
minor-in-use)
	volume 0 | grep -q '"outcome": "reloaded"' || fail "the first run did not reload the root"
	# The manifest the initramfs had (the real root has none of its own).
	printf 'dbdboot-manifest 1\nvolume mode=incremental device=LABEL=root cow=/.datto minor=0\n' \
		>/run/manifest
	/usr/lib/dbdboot/dbdboot-early --phase after-switch-root --manifest /run/manifest \
		--report /run/again.json --kmsg - || fail "the second run failed"
	cat /run/again.json
	# The same minor on the same device: the driver's info says it is held.
	grep -q '"outcome": "already-reloaded"' /run/again.json ||
		fail "the second run did not see the root already reloaded"
	grep -q 'already reloaded: dattobd holds minor 0 on ' /run/again.json ||
		fail "the second run's message does not say so"
	# The same minor on another device: the driver refuses it, EBUSY.
	modprobe loop 2>/dev/null || true
	truncate -s 16M /run/other.img
	other=$(losetup -f --show /run/other.img) || fail "no loop device"
	printf 'dbdboot-manifest 1\nvolume mode=incremental device=%s cow=/.datto minor=0\n' "$other" \
		>/run/manifest
	/usr/lib/dbdboot/dbdboot-early --phase after-switch-root --manifest /run/manifest \
		--report /run/third.json --kmsg - || fail "the third run failed"
	cat /run/third.json
	grep -q '"error": "EBUSY"' /run/third.json || fail "the taken minor is not named EBUSY"
	grep -q 'refused: EBUSY' /run/third.json || fail "the third run's message does not say so"
	losetup -d "$other"
	;;
prepare)
	modprobe dattobd
	mkdir -p /run/a /run/b
	mount /dev/vdb /run/a
	dbdtest setup-snapshot /dev/vdb /run/a/.datto 3
	dbdtest transition-to-incremental 3
	umount /run/a		# header clean, as at a clean shutdown
	rmmod dattobd		# nobody tracks it now: the COW file goes
	mount /dev/vdb /run/a
	rm /run/a/.datto
	umount /run/a
	modprobe dattobd
	mount /dev/vdc /run/b
	dbdtest setup-snapshot /dev/vdc /run/b/.datto 4
	dbdtest transition-to-incremental 4
	echo data >/run/b/file
	sync
	echo "DBDBOOT-TEST: READY-TO-KILL"
	sleep 600
	fail "not killed"
	;;
cow-missing-and-dirty)
	volume 3 | grep -q '"outcome": "reloaded"' || fail "minor 3 was not reloaded"
	volume 4 | grep -q '"journal": "needs-recovery"' || fail "the crashed volume's journal not named"
	volume 4 | grep -q 'journal needs recovery' || fail "the crashed volume's message does not say so"
	mkdir -p /run/a /run/b
	mount /dev/vdb /run/a
	mount /dev/vdc /run/b
	show_proc
	expect_eq "COW missing: the driver's error" "$(proc_field 3 error)" -2
	expect_eq "COW dirty: the driver's error" "$(proc_field 4 error)" -22
	umount /run/a /run/b
	;;
*) fail "no boot $1 in this scenario" ;;
esac
