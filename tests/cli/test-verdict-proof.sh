#!/bin/bash
# The verdict says "resumed" only when every witness positively agrees
# (dbdboot-verdict(5), THE RULE), on a fake root: a driver error on an
# active volume, an error recorded at the previous shutdown, a record
# without a volume's error, a journal the agent could not read (or did not
# name, or named with a word dbdboot does not know), a state missing or out
# of range, a dormant volume; and the reverse, a volume reloaded and never
# mounted read-write during a boot, which must not lose its chain. Each
# case starts from a boot that resumes (checked first), then changes one
# witness.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/tap.sh
. "$TOP/tests/cli/tap.sh"
# shellcheck source=tests/cli/fakeroot.sh
. "$TOP/tests/cli/fakeroot.sh"
U1=00112233445566778899aabbccddeeff
REC=$R/var/lib/dbdboot/shutdown.json

mkdir -p "$R/proc/sys/kernel/random" "$R/proc/self" "$R/dev" "$R/etc/dbdboot" "$R/run/dbdboot"
echo 11111111-2222-3333-4444-555555555555 >"$R/proc/sys/kernel/random/boot_id"
: >"$R/proc/self/mountinfo"
mke2fs -q -F -t ext4 -U 0b5c5a3e-1111-2222-3333-444455556666 "$R/dev/vdb" 8M >/dev/null 2>&1
run() { "$D" --root "$R" "$@"; }
# report JOURNAL [MOUNTED [PHASE]]: the agent's report: minor 0 reloaded in
# PHASE (initramfs), its journal JOURNAL, mounted MOUNTED (no) at the
# reload ("-": no such key).
report() {
	local j=", \"journal\": \"$1\"" m=", \"mounted_at_reload\": \"${2-no}\""
	[ "$1" != - ] || j=''
	[ "${2:-}" != - ] || m=''
	printf '{"report_version": 1, "status": "done", "module": {"outcome": "loaded"}, "volumes": [{"minor": 0, "phase": "%s", "device": "x", "seqid": 4, "outcome": "reloaded", "error": "", "message": ""%s%s}]}\n' \
		"${3:-initramfs}" "$j" "$m" >"$R/run/dbdboot/early.json"
}
# shutdown [ERROR]: the previous boot shut down cleanly, minor 0 active (with ERROR).
shutdown() {
	datto_info 0 2 $U1 4 /dev/vdb /.datto "${1:-0}"
	run record-shutdown >/dev/null 2>&1
}
# boot: the next boot (its run files, and the memory of earlier breaks, gone).
boot() {
	rm -f "$R/run/dbdboot"/{shutdown,previous-verdict,verdict}.json "$R/var/lib/dbdboot/verdict.json"
	report clean
	datto_info 0 2 $U1 4 /dev/vdb /.datto 0
}
# reason WANT: the verdict of minor 0 is chain-broken for WANT, and exits 1.
reason() {
	local out rc=0
	out=$(run verdict -J 2>&1) || rc=$?
	case $out in *"\"reason\": \"$1\""*) [ $rc = 1 ] && return 0 ;; esac
	echo "# exit $rc: $out" >&2
	return 1
}
verdict_is() { run verdict -J 2>&1 | grep -q "\"verdict\": \"$1\""; }

# Each boot's verdict runs before its shutdown (the next one trusts only a
# judged boot); the first before the backup agent's setup.
run verdict >/dev/null 2>&1
datto_info 0 2 $U1 4 /dev/vdb /.datto 0
run sync >/dev/null 2>&1
shutdown
boot
ok "the baseline resumes" status_is 0 run verdict

# 1. An active volume with a driver error now.
for e in -28 -5 -22; do
	shutdown
	boot
	datto_info 0 2 $U1 4 /dev/vdb /.datto "$e"
	ok "active with error $e now: chain-broken, driver-error" reason driver-error
done
shutdown
boot
datto_info 0 3 $U1 4 /dev/vdb /.datto -28
ok "active snapshot with an error: chain-broken" reason driver-error

# 2. An error recorded at the previous shutdown, gone now.
shutdown -28
boot
ok "error -28 at the previous shutdown: chain-broken, error-at-shutdown" reason error-at-shutdown
shutdown
sed -i 's/"error":/"errno":/' "$REC"
boot
ok "a record without the volume's error: chain-broken, record-incomplete" reason record-incomplete
shutdown
sed -i 's/"error": 0/"error": "x"/' "$REC"
boot
ok "a record whose error is no number: chain-broken, record-incomplete" reason record-incomplete
shutdown
sed -i 's/"state":/"stat":/' "$REC"
boot
ok "a record without the volume's state: chain-broken, record-incomplete" reason record-incomplete
shutdown
truncate -s 100 "$REC"
boot
ok "a truncated record: chain-broken, record-unreadable" reason record-unreadable
ok "... and the verdict is written all the same" grep -q '"record-unreadable"' "$R/run/dbdboot/verdict.json"
shutdown
boot
printf '{"report_version": 1, "volumes": [' >"$R/run/dbdboot/early.json"
ok "a truncated report: chain-broken, report-unreadable" reason report-unreadable

# 4. The journal at the reload: only clean (or none) vouches.
for j in unknown - weird ''; do
	shutdown
	boot
	report "$j"
	ok "journal '$j': chain-broken, journal-unknown" reason journal-unknown
done
shutdown
boot
report none
ok "no journal (ext2): resumed" status_is 0 run verdict

# 7. Mounted read-only before the reload (the root, reloaded in the real
# root after the initramfs did not): that mount may have replayed the
# journal, which then looks clean.
shutdown
boot
report clean read-only after-switch-root
ok "mounted read-only before the reload: chain-broken, mounted-read-only-before-reload" \
	reason mounted-read-only-before-reload
for m in unknown not-checked weird ''; do
	shutdown
	boot
	report clean "$m" after-switch-root
	ok "mounted '$m' at the reload: chain-broken, mounted-read-only-before-reload" \
		reason mounted-read-only-before-reload
done
shutdown
boot
report clean - after-switch-root
ok "no word on it from the real root's run: chain-broken" reason mounted-read-only-before-reload
shutdown
boot
report clean - initramfs
ok "no word on it from an older agent in the initramfs: resumed" status_is 0 run verdict
shutdown
boot
report none read-only after-switch-root
ok "mounted read-only, no journal to replay (ext2): resumed" status_is 0 run verdict
shutdown
boot
report clean no after-switch-root
ok "not mounted at its reload in the real root: resumed" status_is 0 run verdict

# 5. The driver's state: missing, out of range, dormant.
shutdown
boot
datto_info 0 - $U1 4 /dev/vdb /.datto 0
ok "no state in /proc/datto-info: chain-broken, driver-state-unknown" reason driver-state-unknown
for s in 9 6 -1; do
	shutdown
	boot
	datto_info 0 "$s" $U1 4 /dev/vdb /.datto 0
	ok "state $s: chain-broken, driver-state-unknown" reason driver-state-unknown
done
shutdown
boot
datto_info 0 0 $U1 4 /dev/vdb /.datto 0
ok "dormant (state 0, unmounted now): pending, not resumed" verdict_is pending
ok "... exit 1" status_is 1 run verdict

# 6. Reloaded and never mounted read-write during a boot (noauto): the
# driver shows it unverified, with no uuid or seqid, at that shutdown.
unverified_shutdown() { # unverified_shutdown [ERROR]
	shutdown
	boot
	datto_info 0 4 - 0 /dev/vdb /.datto "${1:-0}"
	run verdict >/dev/null 2>&1
	run record-shutdown >/dev/null 2>&1
}
unverified_shutdown
ok "reloaded, never mounted: the record gives the manifest's uuid and seqid" \
	bash -c "tr -d ' \n' <'$REC' | grep -q '\"uuid\":\"$U1\",\"seqid\":4,\"ids_from\":\"manifest\"'"
boot
ok "the next boot, active with them: resumed" status_is 0 run verdict
ok "... and says where they came from" grep -q 'those of the manifest' "$R/run/dbdboot/verdict.json"
unverified_shutdown
boot
datto_info 0 2 $U1 5 /dev/vdb /.datto 0
ok "the next boot with another seqid: chain-broken, seqid-changed" reason seqid-changed
unverified_shutdown -2
ok "unverified with an error at shutdown: no uuid vouched for" \
	grep -q '"uuid": null' "$REC"
boot
ok "... the next boot: chain-broken, not-tracked-at-shutdown" reason not-tracked-at-shutdown
shutdown
boot
datto_info 0 4 - 0 /dev/vdb /.datto 0
sed -i 's/ uuid=[0-9a-f]*//' "$R/etc/dbdboot/manifest"
run verdict >/dev/null 2>&1
run record-shutdown >/dev/null 2>&1
boot
ok "unverified and no uuid in the manifest: chain-broken, not-tracked-at-shutdown" \
	reason not-tracked-at-shutdown
ok "... saying why" grep -q 'nor did the manifest' "$R/run/dbdboot/verdict.json"

# The table of dbdboot-verdict(5): the failures the other tests here do
# not show already, each from a boot that resumes.
shutdown
boot
datto_info 0 2 ffeeddccbbaa99887766554433221100 4 /dev/vdb /.datto 0
ok "another COW file now (a new uuid): chain-broken, uuid-changed" reason uuid-changed
shutdown
boot
datto_info 0 4 - 0 /dev/vdb /.datto -22
ok "activation refused, the COW file not left clean (-22): chain-broken, cow-dirty" reason cow-dirty
shutdown
boot
datto_info 0 4 - 0 /dev/vdb /.datto -2
ok "activation refused, the COW file gone (-2): chain-broken, cow-missing" reason cow-missing
shutdown
boot
sed -i 's/"outcome": "reloaded"/"outcome": "too-late"/' "$R/run/dbdboot/early.json"
ok "mounted read-write before the reload: chain-broken, mounted-before-reload" reason mounted-before-reload
shutdown
boot
sed -i 's/"status": "done"/"status": "off"/' "$R/run/dbdboot/early.json"
ok "dbdboot=off: chain-broken, not-reloaded" reason not-reloaded

# 3. A boot that was never judged (its verdict did not run: a rescue boot
# before this dbdboot, a unit that gave up) cannot vouch for the chain.
run sync >/dev/null 2>&1
shutdown
boot
ok "(a judged boot resumes)" status_is 0 run verdict
shutdown
boot
run record-shutdown >/dev/null 2>&1
ok "a shutdown with no verdict this boot: the record says judged false" \
	grep -q '"judged": false' "$REC"
boot
ok "the next boot: chain-broken, unjudged-boot" reason unjudged-boot
shutdown
ok "(a judged shutdown says so)" grep -q '"judged": true' "$REC"
sed -i '/"judged"/d' "$REC"
boot
ok "a record that does not say (an older dbdboot's): chain-broken, unjudged-boot" reason unjudged-boot
shutdown
echo '{"verdict_version": 1, "boot_id": "another-boot", "volumes": []}' >"$R/run/dbdboot/verdict.json"
run record-shutdown >/dev/null 2>&1
ok "a verdict of another boot in /run does not count" grep -q '"judged": false' "$REC"
boot
run verdict >/dev/null 2>&1
# The lock held (a kernel hook's rebuild): the verdict waits, then judges
# without it, and says so.
shutdown
boot
flock "$R/var/lib/dbdboot/writer.lock" sleep 20 &
held=$!
sleep 0.3
DBDBOOT_TIMEOUT_LOCK=1 "$D" --root "$R" verdict >"$T/held.out" 2>&1
ok "the lock held: the verdict judges without it, and says so" grep -q 'judging without it' "$T/held.out"
ok "... and wrote its verdict" grep -q '"verdict": "resumed"' "$R/run/dbdboot/verdict.json"
kill "$held" 2>/dev/null
wait "$held" 2>/dev/null
# The lock held at shutdown (a root process: apt, a kernel hook): the
# record is written without it, with every volume, and the chain goes on.
datto_info 0 2 $U1 4 /dev/vdb /.datto 0
flock "$R/var/lib/dbdboot/writer.lock" sleep 20 &
held=$!
sleep 0.3
DBDBOOT_TIMEOUT_LOCK=1 "$D" --root "$R" record-shutdown >"$T/held.out" 2>&1
ok "the lock held at shutdown: recorded without it, and says so" grep -q 'recording without it' "$T/held.out"
ok "... with the volume" grep -q '"minor": 0' "$REC"
kill "$held" 2>/dev/null
wait "$held" 2>/dev/null
boot
ok "... the next boot resumes" status_is 0 run verdict
tap_end
