#!/bin/bash
# dbdboot sync, record-shutdown and verdict against fake roots: a fake
# /proc/datto-info (a FIFO for a driver that never answers), filesystem
# images as the "devices", hand-written manifest lines, bad input of each
# kind the issue names. Every refusal leaves the previous files as they were.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/tap.sh
. "$TOP/tests/cli/tap.sh"
# shellcheck source=tests/cli/fakeroot.sh
. "$TOP/tests/cli/fakeroot.sh"
# shellcheck source=tests/cli/journal.sh
. "$TOP/tests/cli/journal.sh"
M=$R/etc/dbdboot/manifest
U1=00112233445566778899aabbccddeeff

mkdir -p "$R/proc/sys/kernel/random" "$R/proc/self" "$R/dev" "$R/etc/dbdboot" "$R/run/dbdboot"
echo 11111111-2222-3333-4444-555555555555 >"$R/proc/sys/kernel/random/boot_id"
: >"$R/proc/self/mountinfo"
mke2fs -q -F -t ext4 -U 0b5c5a3e-1111-2222-3333-444455556666 "$R/dev/vdb" 8M >/dev/null 2>&1
truncate -s 1M "$R/dev/vdc"	# no filesystem: no UUID

run() { "$D" --root "$R" "$@"; }
unchanged() { # unchanged FILE SUM: FILE still has checksum SUM
	[ "$(sha256sum <"$1")" = "$2" ] || { echo "# $1 changed" >&2; return 1; }
}

# 1. A first sync: names by UUID, a kernel name with a warning, mode, cache.
datto_info 0 2 $U1 3 /dev/vdb /.datto 0 1 4 - 0 /dev/vdc "/my cow" 0
ok "sync warns about a device named by its kernel name" \
	out_has "has no filesystem UUID" run sync
ok "the data disk is named by its filesystem UUID" \
	grep -q "^volume mode=incremental device=UUID=0b5c5a3e-1111-2222-3333-444455556666 cow=/.datto minor=0 cache=314572800 stage=initramfs by=sync uuid=$U1 seqid=3\$" "$M"
ok "a COW path with a blank is escaped" grep -q 'device=/dev/vdc cow=/my\\040cow minor=1' "$M"
sum=$(sha256sum <"$M")
ok "sync --check: current" status_is 0 run sync --check
ok "a second sync changes nothing" out_has "" run sync
ok "... and writes nothing" unchanged "$M" "$sum"
ok "sync -J says unchanged" out_has '"manifest": "unchanged"' run sync -J

# 2. An unverified minor (reloaded, not mounted yet) keeps the uuid of the last sync.
datto_info 0 4 - 0 /dev/vdb /.datto 0 1 4 - 0 /dev/vdc "/my cow" 0
run sync >/dev/null 2>&1
ok "uuid and seqid of the last sync kept while unverified" grep -q "minor=0 .*uuid=$U1 seqid=3" "$M"

# 3. Hand-written lines are kept; one naming a tracked minor is replaced, said so.
printf 'volume mode=incremental device=LABEL=hand cow=/.x minor=9\n# my note\nvolume mode=snapshot device=/dev/sdz cow=/.x minor=1\nnot a record\n' >>"$M"
ok "a hand line naming a tracked minor is replaced, and said so" \
	out_has "(written by hand) names minor 1, which dattobd tracks" run sync
ok "the other hand line is kept" grep -q '^volume mode=incremental device=LABEL=hand cow=/.x minor=9$' "$M"
ok "comments are kept" grep -q '^# my note$' "$M"
ok "an unknown line is kept" grep -q '^not a record$' "$M"
ok "the replaced line is gone" status_is 1 grep -q 'device=/dev/sdz' "$M"

# 4. A minor that is gone leaves the manifest; a minor with a bad line keeps its old one.
datto_info 0 2 $U1 4 /dev/vdb /.datto 0
ok "a destroyed minor leaves the manifest" out_has "minor 1 ('/dev/vdc') is no longer tracked" run sync
ok "... and its line is gone" status_is 1 grep -q 'minor=1 ' "$M"
sed -i 's/"uuid": "[0-9a-f]*"/"uuid": "zz"/' "$R/proc/datto-info"
ok "an unparsable /proc/datto-info line is reported" out_has "lines dbdboot could not read" run sync
ok "... and the minor keeps the line of the last sync" grep -q "minor=0 .*seqid=4" "$M"

# 5. A COW path outside its volume is refused, the old line stays.
datto_info 0 2 $U1 5 /dev/vdb /../etc/x 0
ok "a COW path outside its volume is refused" out_has "is not inside its volume" run sync
ok "... and the last sync's line stays" grep -q "cow=/.datto minor=0 .*seqid=4" "$M"

# 6. Refusals that change nothing.
sum=$(sha256sum <"$M")
mv "$R/proc/datto-info" "$R/proc/datto-info.off"
ok "module not loaded: sync refuses" out_has "the module is not loaded" run sync
ok "module not loaded: exit 1" status_is 1 run sync
ok "... manifest unchanged" unchanged "$M" "$sum"
mkfifo "$R/proc/datto-info"	# opening it blocks: a driver whose lock is held
t0=$(date +%s)
ok "a driver that never answers: sync gives up" \
	out_has "no answer within 2 s" env DBDBOOT_TIMEOUT_DRIVER=2 "$D" --root "$R" sync
ok "... within its deadline (a liveness bound, not a timing goal)" test $(($(date +%s) - t0)) -le 20
ok "... manifest unchanged" unchanged "$M" "$sum"
rm "$R/proc/datto-info"
mv "$R/proc/datto-info.off" "$R/proc/datto-info"
cp "$M" "$T/m.good"
printf 'dbdboot-manifest 3\n' >"$M"
ok "a newer manifest is refused" out_has "newer than this dbdboot writes" run sync
printf 'hello\n' >"$M"
ok "a file that is no manifest is refused" out_has "it is not a dbdboot manifest" run sync
ok "... and left as it was" grep -qx hello "$M"
cp "$T/m.good" "$M"

# The next boot: this boot's run files gone.
next_boot() { rm -rf "$R/run/dbdboot"/{shutdown,previous-verdict,verdict}.json "$R/run/dbdboot/journal-verdicts"; }

# 7. The shutdown record, then the verdict of the next boot (only what sync wrote).
# Each boot's verdict runs before its shutdown (the next one trusts only a
# judged boot), here before the backup agent's setup.
datto_info 0 2 $U1 4 /dev/vdb /.datto 0
rm "$M"
run verdict >/dev/null 2>&1
run sync >/dev/null 2>&1
# Monitoring: node_exporter's folder (Debian's default) and a journal socket
# that keeps what it is sent (journal.sh), in the root.
TF=$R/var/lib/prometheus/node-exporter
mkdir -p "$TF"
journal_listen
trap 'journal_stop; rm -rf "$T"' EXIT
ok "record-shutdown writes the record" status_is 0 run record-shutdown
ok "... and the time of it for node_exporter" \
	grep -q '^dbdboot_shutdown_record_timestamp_seconds [0-9]' "$TF/dbdboot-shutdown.prom"
ok "... in its format" prom_ok "$TF/dbdboot-shutdown.prom"
ok "the record holds the boot id and the volume" \
	grep -q '"boot_id": "11111111-2222-3333-4444-555555555555"' "$R/var/lib/dbdboot/shutdown.json"
# The next boot.
next_boot
cat >"$R/run/dbdboot/early.json" <<REPORT
{"report_version": 1, "status": "done", "module": {"outcome": "loaded", "error": "", "message": ""},
 "volumes": [{"minor": 0, "phase": "initramfs", "device": "x", "outcome": "reloaded", "error": "", "message": "", "journal": "clean", "mounted_at_reload": "no"}]}
REPORT
ok "verdict: resumed, exit 0" status_is 0 run verdict
ok "the verdict is kept" grep -q '"verdict": "resumed"' "$R/var/lib/dbdboot/verdict.json"
ok "metrics: the volume resumed" \
	grep -qx 'dbdboot_volume_verdict{minor="0",volume="UUID=0b5c5a3e-1111-2222-3333-444455556666",verdict="resumed",reason=""} 1' "$TF/dbdboot-verdict.prom"
ok "metrics: all resumed after a clean shutdown" \
	sh -c "grep -qx 'dbdboot_all_resumed 1' '$TF/dbdboot-verdict.prom' && grep -qx 'dbdboot_previous_shutdown_clean 1' '$TF/dbdboot-verdict.prom'"
ok "metrics: in node_exporter's format" prom_ok "$TF/dbdboot-verdict.prom"
ok "journal: the verdict with its fields" \
	journal_has MESSAGE_ID=0a162eb9fe9840f594a3be7226f4b1f1 VERDICT=resumed MINOR=0 VOLUME=UUID=0b5c5a3e-1111-2222-3333-444455556666 REASON= SYSLOG_IDENTIFIER=dbdboot
ok "the record was consumed" test ! -e "$R/var/lib/dbdboot/shutdown.json"
ok "a second verdict in the same boot judges the same" status_is 0 run verdict
ok "verdict -J" out_has '"all_resumed": true' run verdict -J
ok "journal: the same verdict again in one boot, not logged again" \
	test "$(grep -c '^VERDICT=resumed$' "$T/journal")" = 1
# The next boot, without a record (a crash): unclean; then stays broken.
next_boot
ok "no record: chain-broken, unclean shutdown" out_has "chain-broken: the previous boot did not shut down cleanly" run verdict
ok "... exit 1" status_is 1 run verdict
ok "metrics after a crash: chain-broken with its reason" \
	grep -qx 'dbdboot_volume_verdict{minor="0",volume="UUID=0b5c5a3e-1111-2222-3333-444455556666",verdict="chain-broken",reason="unclean-shutdown"} 1' "$TF/dbdboot-verdict.prom"
ok "metrics after a crash: not resumed, unclean" \
	sh -c "grep -qx 'dbdboot_volume_resumed{minor=\"0\",volume=\"UUID=0b5c5a3e-1111-2222-3333-444455556666\"} 0' '$TF/dbdboot-verdict.prom' && grep -qx 'dbdboot_previous_shutdown_clean 0' '$TF/dbdboot-verdict.prom'"
ok "journal after a crash: chain-broken, its reason, a warning" \
	journal_has VERDICT=chain-broken REASON=unclean-shutdown PRIORITY=4 MINOR=0
journal_stop
next_boot
run verdict >/dev/null 2>&1
run record-shutdown >/dev/null 2>&1
next_boot
ok "a clean shutdown after it does not mend the chain" out_has "earlier-break" run verdict -J
# A new chain (new uuid) resumes.
next_boot
run verdict >/dev/null 2>&1
datto_info 0 2 ffeeddccbbaa99887766554433221100 1 /dev/vdb /.datto 0
run sync >/dev/null 2>&1
run record-shutdown >/dev/null 2>&1
next_boot
ok "a new chain resumes" out_has '"verdict": "resumed"' run verdict -J
# Pending (not mounted yet), then the COW missing.
run record-shutdown >/dev/null 2>&1
next_boot
datto_info 0 4 - 0 /dev/vdb /.datto 0
ok "not mounted yet: pending" out_has '"verdict": "pending"' run verdict -J
datto_info 0 2 ffeeddccbbaa99887766554433221100 1 /dev/vdb /.datto 0
run record-shutdown >/dev/null 2>&1
next_boot
datto_info 0 4 - 0 /dev/vdb /.datto -2
ok "activation error -2: COW missing" out_has '"reason": "cow-missing"' run verdict -J
# A /var that cannot be written: the record says why, nothing half-written.
rm -rf "$R/var/lib/dbdboot"
mkdir -p "$R/var/lib"
: >"$R/var/lib/dbdboot"	# a file where the directory goes
ok "record-shutdown with /var/lib/dbdboot unwritable fails, says so" \
	out_has "could not" run record-shutdown
# /boot read-only at shutdown: the record says the initrds are stale, the verdict repeats it.
rm -rf "$R/var/lib/dbdboot" "$R/run/dbdboot"/{shutdown,previous-verdict,verdict}.json
mkdir -p "$R/boot" "$T/initrd/etc"
: >"$R/boot/vmlinuz-$K"
(cd "$T/initrd" && find . | cpio --quiet -o -H newc | zstd -q) >"$R/boot/initrd.img-$K"
datto_info 0 2 $U1 9 /dev/vdb /.datto 0
trap 'umount "$R/boot" 2>/dev/null; rm -rf "$T"' EXIT
if mount --bind "$R/boot" "$R/boot" 2>/dev/null && mount -o remount,ro,bind "$R/boot" 2>/dev/null; then
	ok "/boot read-only: record-shutdown fails and says so" out_has "could not write '/boot/initrd.img-$K'" run record-shutdown
	ok "... the record says the initrds are stale" grep -q '"initrds_stale": true' "$R/var/lib/dbdboot/shutdown.json"
	ok "... and names the kernel" grep -q "\"stale_kernels\": \"$K\"" "$R/var/lib/dbdboot/shutdown.json"
	ok "the verdict repeats it" out_has "could not get the current manifest" run verdict
	umount "$R/boot"
	ok "sync retries the stale initrd though the manifest is unchanged" out_has "manifest appended" run sync
	ok "... and clears the mark" test ! -e "$R/var/lib/dbdboot/initrds-stale"
else
	ok "# SKIP no bind mounts here (not root?)" true
fi
ok "bad usage: Try" out_has "Try 'dbdboot verdict --help'" run verdict --bogus
ok "bad usage: exit 2" status_is 2 run sync --bogus
tap_end
