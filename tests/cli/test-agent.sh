#!/bin/bash
# dbdboot-early (built with glibc and the sanitizers) against fake /proc,
# /sys and /dev trees: what it decides and reports, and that it always
# returns by its deadline.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/tap.sh
. "$TOP/tests/cli/tap.sh"
T=$(mktemp -d)
trap 'exec 3<&- 2>/dev/null; rm -rf "$T"' EXIT

# shellcheck source=tests/cli/agentroot.sh
. "$TOP/tests/cli/agentroot.sh"

ok "--help exits 0" status_is 0 "$A" --help
ok "--help names the command line words" out_has "dbdboot.timeout=SECONDS" "$A" --help
ok "bad option: exit 2" status_is 2 "$A" --frobnicate
ok "bad --timeout: exit 2" status_is 2 "$A" --timeout 0
ok "extra argument: exit 2" status_is 2 "$A" extra

fake_root "root=/dev/vda ro dbdboot=off"
ok "dbdboot=off: exit 0" agent
ok "dbdboot=off: says so" log_has "disabled by dbdboot=off"
ok "dbdboot=off: report status off" report_has '"status": "off"'

fake_root "root=/dev/vda ro"
ok "no manifest: exit 0" agent
ok "no manifest: said" log_has "nothing to reload"
ok "no manifest: reported" report_has '"outcome": "missing"'
ok "no manifest: done" report_has '"status": "done"'

fake_root "ro"
printf '\x7fELF garbage\n' >"$T/r/etc/dbdboot/manifest"
ok "corrupt manifest: exit 0" agent
ok "corrupt manifest: reported invalid" report_has '"outcome": "invalid"'
ok "corrupt manifest: explained" log_has "not a dbdboot manifest"

fake_root "ro"
printf 'dbdboot-manifest 3\nvolume mode=incremental device=/dev/vdb cow=/.d minor=0\n' >"$T/r/etc/dbdboot/manifest"
ok "newer manifest: refused whole" agent
ok "newer manifest: reported" report_has '"outcome": "newer-version"'

fake_root "ro"
manifest "volume mode=incremental device=/dev/vdb cow=/.datto minor=0
volume mode=incremental device=/dev/vdc cow=/.datto minor=1 cache=x"
ok "bad line: the good ones still used" agent --timeout 1
ok "bad line: named with its number" log_has "manifest:3: bad cache 'x'"
ok "bad line: counted" report_has '"bad_lines": 1'
ok "missing device: reported" report_has '"outcome": "no-device"'
ok "missing device: full backup said" log_has "did not appear within 1 s"
ok "missing device: done before the deadline" test "$(elapsed_ms)" -lt 1000

fake_root "ro dbdboot.timeout=3"
manifest "volume mode=snapshot device=LABEL=late cow=/.datto minor=2"
(sleep 1; mke2fs -q -F -t ext4 -L late "$T/r/dev/vdd" 8M >/dev/null 2>&1 && ln -s ../../vdd "$T/r/dev/disk/by-label/late") &
ok "late device: exit 0" agent
wait
ok "late device: found and tried" report_has '"error": "ENOTTY"'
ok "late device: its filesystem read" report_has '"fs": "ext", "journal": "clean"'
found=$(sed -n 's/.*"found_ms": \([0-9]*\).*/\1/p' "$T/r/run/dbdboot/early.json")
ok "late device: found after it appeared (${found} ms)" test "${found:-0}" -ge 900

fake_root "ro"
manifest "volume mode=incremental device=/dev/vdb cow=/.datto minor=0"
: >"$T/r/dev/vdb"
ok "no control device: exit 0" agent --timeout 1 --ctl "$T/r/dev/nonexistent-ctl"
ok "no control device: named" log_has "could not open '$T/r/dev/nonexistent-ctl'"
ok "no control device: volume not reloaded" report_has '"message": "dattobd'"'"'s control device could not be opened"'
# dattobd could not be loaded: no reload is possible, and a device still
# absent is not waited for.
fake_root "ro dbdboot.timeout=5"
rmdir "$T/r/sys/module/dattobd"
manifest "volume mode=incremental device=/dev/vdz cow=/.datto minor=0"
ok "no dattobd, a device absent: exit 0" agent --modules "$T/r/lib/modules"
ok "... not waited for (done in $(elapsed_ms) ms of a 5 s deadline)" test "$(elapsed_ms)" -lt 2000
ok "... and reported not reloaded, saying why" report_has '"outcome": "failed", "error": "ENODEV", "message": "dattobd is not loaded"'

# Two devices with the volume's label (a cloned disk): neither is taken.
fake_root "ro"
mkdir -p "$T/r/sys/class/block/vdb" "$T/r/sys/class/block/vdc"
for d in vdb vdc; do mke2fs -q -F -t ext4 -L twin "$T/r/dev/$d" 8M >/dev/null 2>&1; done
manifest "volume mode=incremental device=LABEL=twin cow=/.datto minor=0"
ok "ambiguous label: exit 0" agent --timeout 1
ok "ambiguous label: said while waiting" log_has "LABEL=twin matches more than one device"
ok "ambiguous label: reported with both names" report_has 'LABEL=twin matches two devices ('
ok "ambiguous label: not reloaded" report_has '"outcome": "failed", "error": "EEXIST"'

# Devices whose reads never return (FIFOs with no writer: their open blocks,
# as a read of a multipath map with no path left does): vdq in the search,
# vdr a volume's own device. The volumes that are there are reloaded all
# the same (a path, and a label found by the search); the search leaves vdq
# out, said; vdr's volume fails, said.
fake_root "ro dbdboot.timeout=9"
mkdir -p "$T/r/sys/class/block/vdb" "$T/r/sys/class/block/vdq"
mke2fs -q -F -t ext4 -L present "$T/r/dev/vdb" 8M >/dev/null 2>&1
mkfifo "$T/r/dev/vdq" "$T/r/dev/vdr"
: >"$T/r/dev/vdc"
manifest "volume mode=incremental device=LABEL=absent cow=/.datto minor=0
volume mode=incremental device=/dev/vdr cow=/.datto minor=3
volume mode=incremental device=LABEL=present cow=/.datto minor=1
volume mode=incremental device=/dev/vdc cow=/.datto minor=2"
ok "stalled devices: exit 0" agent
for m in 1 2; do
	ok "stalled devices: minor $m reloaded all the same" \
		report_has "{\"minor\": $m, \"phase\": \"initramfs\""
	ok "... tried (the fake driver says ENOTTY)" \
		sh -c "grep -F '{\"minor\": $m, ' '$T/r/run/dbdboot/early.json' | grep -q '\"error\": \"ENOTTY\"'"
done
ok "stalled devices: the search left vdq out, said" log_has "$T/r/dev/vdq did not answer a read within 3000 ms: left out of the search"
ok "stalled devices: the absent volume not found" report_has '"outcome": "no-device"'
ok "stalled devices: vdr's volume failed, said" report_has '"error": "ETIMEDOUT", "message": "its device did not answer a read"'
ok "... tried again after the others, said" log_has "did not answer a read within 3000 ms: tried again after the other volumes"
ok "stalled devices: the report is done, not cut by the deadline" report_has '"status": "done"'

# A volume's device slow to answer (its first read stalls, a later one
# answers): tried again, and reloaded (here: tried, ENOTTY), not failed.
fake_root "ro dbdboot.timeout=9"
mkfifo "$T/r/dev/vds"
manifest "volume mode=incremental device=/dev/vds cow=/.datto minor=4"
(sleep 4; exec 5>"$T/r/dev/vds"; sleep 6) &
slow=$!
ok "slow device: exit 0" agent
ok "slow device: tried again and reloaded" report_has '"outcome": "failed", "error": "ENOTTY"'
ok "slow device: said" log_has "minor 4: /dev/vds ($T/r/dev/vds) did not answer a read within 3000 ms: tried again"
kill "$slow" 2>/dev/null
wait "$slow" 2>/dev/null

# A control device that blocks: the worker hangs, the parent must not.
fake_root "ro dbdboot.timeout=1"
rm "$T/r/dev/datto-ctl"
mkfifo "$T/r/dev/datto-ctl"
: >"$T/r/dev/vdb"
manifest "volume mode=incremental device=/dev/vdb cow=/.datto minor=0"
t0=$(date +%s%N)
ok "hung driver: exit 0" agent
t1=$(date +%s%N)
# A liveness bound, not a timing goal (bench/agent.sh measures): the worker
# sleeps in the driver for ever, the agent must come back at all.
ok "hung driver: back while the driver still hangs ($(((t1 - t0) / 1000000)) ms)" test $(((t1 - t0) / 1000000)) -lt 20000
ok "hung driver: report says deadline" report_has '"status": "deadline"'
ok "hung driver: logged" log_has "deadline of 1 s reached"
exec 3<>"$T/r/dev/datto-ctl"	# lets the worker go

# A worker that dies (here: SIGSEGV while it waits for a device) is
# reported as crashed, not as the deadline.
fake_root "ro dbdboot.timeout=5"
manifest "volume mode=incremental device=/dev/vdb cow=/.datto minor=0"
ASAN_OPTIONS=handle_segv=0 agent --timeout 5 &
sh_pid=$!
wpid=
for _ in $(seq 100); do
	apid=$(pgrep -P "$sh_pid" | head -n1)	# the agent, under the function's subshell
	wpid=${apid:+$(pgrep -P "$apid" | head -n1)}	# its worker
	[ -n "$wpid" ] && break
	sleep 0.05
done
sleep 0.2
kill -SEGV "${wpid:-0}" 2>/dev/null
wait "$sh_pid"
ok "crashed worker: reported crashed" report_has '"status": "crashed"'
ok "crashed worker: said, with the signal" log_has "the worker died before it finished (killed by signal 11)"

# No worker at all: fork fails (nobody, with a process limit of 1). Nothing
# that can block is done, each volume says why, and the report is there.
fake_root "ro"
manifest "volume mode=incremental device=/dev/vdb cow=/.datto minor=0"
: >"$T/r/dev/vdb"
chmod 755 "$T"
chown -R 65534:65534 "$T/r/run"
ASAN_OPTIONS=detect_leaks=0 setpriv --reuid=65534 --regid=65534 --clear-groups -- \
	bash -c 'ulimit -u 1 && exec "$@"' sh "$A" --proc "$T/r/proc" --sys "$T/r/sys" --dev "$T/r/dev" \
	--run "$T/r/run" --manifest "$T/r/etc/dbdboot/manifest" --kmsg - >"$T/log" 2>&1
ok "no worker: exit 0" test $? = 0
ok "no worker: said why" log_has "could not start a worker process"
ok "no worker: report status no-worker" report_has '"status": "no-worker"'
ok "no worker: the module not loaded" report_has '"module": {"outcome": "failed"'
ok "no worker: the volume says why" report_has 'not reloaded: no worker process could be started'
# stage=root: a volume the real root reloads. Not there in the initramfs:
# left to it at once, not waited for; there: tried in the initramfs.
fake_root "ro dbdboot.timeout=3"
printf 'dbdboot-manifest 2\n%s\n%s\n' \
	"volume mode=incremental device=/dev/vdx cow=/.datto minor=0 stage=root" \
	"volume mode=incremental device=/dev/vdb cow=/.datto minor=1 stage=root" >"$T/r/etc/dbdboot/manifest"
: >"$T/r/dev/vdb"
ok "stage=root absent: exit 0" agent
ok "stage=root absent: left to the real root" report_has '"outcome": "left-to-root"'
ok "stage=root absent: said" log_has "minor 0: /dev/vdx not there yet: left to the real root"
ok "stage=root absent: not waited for ($(elapsed_ms) ms)" test "$(elapsed_ms)" -lt 1000
ok "stage=root present: tried in the initramfs" report_has '"stage": "root", "cow": "/.datto", "seqid": -1, "line": 3, "outcome": "failed", "error": "ENOTTY"'
ok "stage=root: summary says the rest is left" log_has "the rest left to the real root"
cp "$T/r/run/dbdboot/early.json" "$T/initramfs.json"
json_ok() { python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$1"; }
ok "stage=root: the report is JSON" json_ok "$T/initramfs.json"

# The real root's run for minor 0 (--minor): its entry replaces minor 0's,
# minor 1's is kept byte for byte.
: >"$T/r/dev/vdx"
ok "--minor: exit 0" agent --phase after-switch-root --minor 0 --timeout 1
ok "--minor: still JSON" json_ok "$T/r/run/dbdboot/early.json"
ok "--minor: minor 0 tried in the real root" report_has '{"minor": 0, "phase": "after-switch-root", "device": "/dev/vdx"'
ok "--minor: minor 0 no longer left" test "$(grep -c '"outcome": "left-to-root"' "$T/r/run/dbdboot/early.json")" = 0
ok "--minor: minor 1 kept as it was" test "$(grep '"minor": 1,' "$T/initramfs.json")" = "$(grep '"minor": 1,' "$T/r/run/dbdboot/early.json")"
ok "--minor: the initramfs phase's header kept" report_has '"phase": "initramfs",'
ok "--minor: one entry per minor" test "$(grep -c '"minor": ' "$T/r/run/dbdboot/early.json")" = 2
ok "--minor: the lock file beside it" test -f "$T/r/run/dbdboot/early.lock"

# A minor the initramfs never reported (an older initrd's manifest): added.
printf 'volume mode=incremental device=/dev/vdy cow=/.datto minor=7 stage=root\n' >>"$T/r/etc/dbdboot/manifest"
: >"$T/r/dev/vdy"
sed -i 's/minor=1 /minor=9 /' "$T/r/etc/dbdboot/manifest"
ok "--minor new: exit 0" agent --phase after-switch-root --minor 7 --timeout 1
ok "--minor new: still JSON" json_ok "$T/r/run/dbdboot/early.json"
ok "--minor new: added" test "$(grep -c '"minor": ' "$T/r/run/dbdboot/early.json")" = 3
ok "--minor absent: exit 0" agent --phase after-switch-root --minor 5 --timeout 1
ok "--minor absent from the manifest: said" log_has "minor 5 is not in"
ok "--minor absent: report untouched" test "$(grep -c '"minor": ' "$T/r/run/dbdboot/early.json")" = 3
ok "bad --minor: exit 2" status_is 2 "$A" --minor 255
# No report yet (the initrd had no agent): one of this run alone.
rm -f "$T/r/run/dbdboot/early.json"
ok "--minor, no report: exit 0" agent --phase after-switch-root --minor 7 --timeout 1
ok "--minor, no report: a report of that volume" test "$(grep -c '"minor": ' "$T/r/run/dbdboot/early.json")" = 1
ok "--minor, no report: its phase" report_has '"phase": "after-switch-root",'
# Not JSON: replaced, with a warning.
echo garbage >"$T/r/run/dbdboot/early.json"
ok "--minor, garbage report: exit 0" agent --phase after-switch-root --minor 7 --timeout 1
ok "--minor, garbage report: said" log_has "is not a report this agent can add to"
ok "--minor, garbage report: replaced by JSON" json_ok "$T/r/run/dbdboot/early.json"
# At the limit: a report past the 512 KiB the agent reads (valid JSON):
# replaced by this run's, said.
{ printf '{"report_version": 1, "pad": "'; head -c 600000 /dev/zero | tr '\0' x; printf '", "volumes": []}\n'; } \
	>"$T/r/run/dbdboot/early.json"
ok "--minor, report past 512 KiB: exit 0" agent --phase after-switch-root --minor 7 --timeout 1
ok "--minor, report past 512 KiB: said" log_has "is not a report this agent can add to (File too large)"
ok "--minor, report past 512 KiB: replaced by JSON" json_ok "$T/r/run/dbdboot/early.json"
ok "--minor, report past 512 KiB: this run's alone" test "$(wc -c <"$T/r/run/dbdboot/early.json")" -lt 10000
# A --minor run whose worker finishes after the deadline (the control
# device blocks until a writer opens it): what it found late is merged as
# the parent's report was, the other volumes' entries and the header kept.
cp "$T/initramfs.json" "$T/r/run/dbdboot/early.json"
rm "$T/r/dev/datto-ctl"
mkfifo "$T/r/dev/datto-ctl"
ok "--minor, late worker: exit 0 at the deadline" agent --phase after-switch-root --minor 0 --timeout 1
exec 4<>"$T/r/dev/datto-ctl"	# lets the worker go
for _ in $(seq 100); do grep -q '"minor": 0, "phase": "after-switch-root".*ENOTTY' "$T/r/run/dbdboot/early.json" && break; sleep 0.05; done
exec 4<&-
ok "--minor, late worker: its finding merged" report_has '"minor": 0, "phase": "after-switch-root"'
ok "--minor, late worker: minor 1 kept" test "$(grep '"minor": 1,' "$T/initramfs.json")" = "$(grep '"minor": 1,' "$T/r/run/dbdboot/early.json")"
ok "--minor, late worker: the initramfs phase's header kept" report_has '"phase": "initramfs",'
rm "$T/r/dev/datto-ctl"
: >"$T/r/dev/datto-ctl"
# dbdboot=off: the real root's run leaves the report alone.
cp "$T/r/run/dbdboot/early.json" "$T/before.json"
echo "ro dbdboot=off" >"$T/r/proc/cmdline"
ok "--minor, dbdboot=off: exit 0" agent --phase after-switch-root --minor 7 --timeout 1
ok "--minor, dbdboot=off: report untouched" cmp -s "$T/before.json" "$T/r/run/dbdboot/early.json"
tap_end
