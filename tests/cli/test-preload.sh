#!/bin/bash
# dbdboot-early --preload (dattobd's load started early in the initramfs)
# and the initramfs run's wait for it, against a fake root: what each
# outcome of that load makes the agent report, that a load that never ends
# or a loader that died costs no more than the deadline, and that
# dbdboot=off does nothing at all.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/tap.sh
. "$TOP/tests/cli/tap.sh"
T=$(mktemp -d)
trap 'kill "$sleeper" 2>/dev/null; rm -rf "$T"' EXIT
sleeper=''
# shellcheck source=tests/cli/agentroot.sh
. "$TOP/tests/cli/agentroot.sh"

R=6.1.0-99-test
P=$T/r/run/dbdboot/preload
mods() { agent --modules "$T/r/lib/modules" --release "$R" "$@"; }
ended() { # the record says the load ended (the child may still be writing it)
	for _ in $(seq 200); do grep -q '^ended ' "$P" 2>/dev/null && return 0; sleep 0.02; done
	return 1
}

fake_root "ro dbdboot=off"
rmdir "$T/r/sys/module/dattobd"
ok "dbdboot=off: --preload exits 0" mods --preload
ok "... records nothing" test ! -e "$T/r/run/dbdboot"
ok "... and says nothing" test ! -s "$T/log"

# The module already loaded (the fake /sys has it): the early load finds it.
fake_root "ro"
ok "--preload: exits 0" mods --preload
ok "... its record ends" ended
ok "... started and ended, no error, already there" grep -q '^ended [0-9]* 0 0$' "$P"
manifest "volume mode=incremental device=/dev/vdz cow=/.datto minor=0"
ok "the agent after it: exit 0" mods --timeout 1
ok "... takes its result" report_has '"outcome": "already-loaded"'
ok "... and says it came from the early load" report_has '"by": "early"'

# No module for this kernel: the early load fails, the agent reports that
# failure as its own load's (no second try), every volume not reloaded.
fake_root "ro"
rmdir "$T/r/sys/module/dattobd"
mkdir -p "$T/r/lib/modules/$R"
echo "kernel/other.ko:" >"$T/r/lib/modules/$R/modules.dep"
manifest "volume mode=incremental device=/dev/vdz cow=/.datto minor=0"
ok "no module: --preload exits 0" mods --preload
ok "... its record ends with ENOENT" sh -c "$(declare -f ended); P='$P'; ended && grep -q '^ended [0-9]* -2 ' '$P'"
ok "the agent after it: exit 0" mods --timeout 2
ok "... module failed, ENOENT, from the early load" report_has "\"outcome\": \"failed\", \"path\": \"$T/r/lib/modules/$R/modules.dep\", \"error\": \"ENOENT\""
ok "... by early" report_has '"by": "early"'
ok "... said as the agent says it" log_has "could not load dattobd from"
ok "... the volume not reloaded" report_has '"message": "dattobd is not loaded"'

# A load that never ends (its process alive, no end recorded): the agent
# waits no longer than its deadline, and reports it unfinished.
fake_root "ro"
sleep 60 &
sleeper=$!
printf 'dbdboot-preload 1\nstarted 1 %d\n' "$sleeper" >"$T/r/run/preload.tmp"
mkdir -p "$T/r/run/dbdboot" && mv "$T/r/run/preload.tmp" "$P"
manifest "volume mode=incremental device=/dev/vdz cow=/.datto minor=0"
ok "a load that never ends: exit 0" mods --timeout 1
ok "... within the deadline ($(elapsed_ms) ms of 1000)" test "$(elapsed_ms)" -lt 1300
ok "... reported unfinished" report_has '"error": "ETIMEDOUT"'
ok "... its end unknown" report_has '"ended_ms": null'
ok "... said" log_has "did not finish within the deadline"
kill "$sleeper"
wait "$sleeper" 2>/dev/null
# The same record, its process gone without an end: the agent loads itself.
ok "a loader that died: exit 0" mods --timeout 1
ok "... said" log_has "ended without saying how: loading it here"
ok "... the agent's own load" report_has '"by": "agent"'
ok "... which found the module" report_has '"outcome": "already-loaded"'
# Not a record: said, and the agent loads itself.
echo garbage >"$P"
ok "garbage record: exit 0" mods --timeout 1
ok "... said" log_has "is not a record of dattobd's early load"
ok "... the agent's own load" report_has '"by": "agent"'
# No record at all: today's path, the agent's own load.
rm -f "$P"
ok "no record: the agent's own load" sh -c "$(declare -f agent mods report_has); A='$A' T='$T' R='$R'; mods --timeout 1 && report_has '\"by\": \"agent\"'"
# A --minor run in the real root never waits for it.
printf 'dbdboot-preload 1\nstarted 1 %d\n' "$$" >"$P"
ok "--minor: does not wait for an early load" mods --phase after-switch-root --minor 0 --timeout 2
ok "... done in well under its deadline" test "$(sed -n 's/.*"elapsed_ms": \([0-9]*\).*/\1/p' "$T/r/run/dbdboot/early.json" | head -n1)" -lt 1500
tap_end
