#!/bin/bash
# The shutdown guard (initrd-modules/lifecycle/guard.c) on a fake root: a loaded
# dattobd (/sys/module/dattobd) with the reload bug, told by the build on
# disk with the same srcversion (a module made here, indexed by the real
# depmod) or by the release it names; which volumes it would oops on (the
# agent's report says reloaded, active, same seqid as the reload's);
# status warns and exits 1; record-shutdown tries to stop them first and
# records it ("stopped"); the next verdict says stopped-at-shutdown, also
# for a volume the manifest no longer lists. The fake control device is a
# plain file: the destroy ioctl fails there (ENOTTY), said so.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/tap.sh
. "$TOP/tests/cli/tap.sh"
# shellcheck source=tests/cli/fakeroot.sh
. "$TOP/tests/cli/fakeroot.sh"
command -v depmod >/dev/null || { echo "1..0 # SKIP no depmod"; exit 0; }
U1=00112233445566778899aabbccddeeff
U2=ffeeddccbbaa99887766554433221100
SYS=$R/sys/module/dattobd
REC=$R/var/lib/dbdboot/shutdown.json

fake_kernel
mkdir -p "$R/lib/modules/$K/updates/dkms" "$R/proc/sys/kernel/random" "$R/proc/self" "$SYS" \
	"$R/run/dbdboot" "$R/etc/dbdboot"
echo "$K" >"$R/proc/sys/kernel/osrelease"
echo 11111111-2222-3333-4444-555555555555 >"$R/proc/sys/kernel/random/boot_id"
: >"$R/proc/self/mountinfo"
mkdir -p "$R/dev"
: >"$R/dev/datto-ctl"
: >"$R/dev/kmsg"
for d in vdb vdc vdd vde; do truncate -s 1M "$R/dev/$d"; done

# module FIX SRCVERSION: the build on disk, tagged with dbdboot's fix or not ("").
module() {
	local -a tag=()
	[ -z "$1" ] || tag=("dbdboot_fix=$1")
	fake_module "$R/lib/modules/$K/updates/dkms/dattobd.ko" version=0.12.1 "srcversion=$2" "${tag[@]}"
	fake_depmod
}
# loaded VERSION SRCVERSION: what /sys/module/dattobd says.
loaded() { echo "$1" >"$SYS/version"; echo "$2" >"$SYS/srcversion"; }
# Minor 0: reloaded, active, same seqid (at risk). 1: set up at this boot.
# 2: reloaded, not mounted yet (unverified). 3: reloaded, then moved on by
# the backup agent (seqid 5, reloaded at 4).
dev() { # dev MINOR STATE UUID SEQID BDEV: one device as dattobd writes it
	printf '\t\t{\n\t\t\t"minor": %s,\n\t\t\t"cow_file": "/.c",\n\t\t\t"block_device": "%s",\n' "$1" "$5"
	printf '\t\t\t"max_cache": 314572800,\n'
	[ "$3" = - ] || printf '\t\t\t"seq_id": %s,\n\t\t\t"uuid": "%s",\n' "$4" "$3"
	printf '\t\t\t"state": %s\n\t\t}' "$2"
}
{
	printf '{\n\t"version": "0.12.1",\n\t"devices": [\n'
	dev 0 2 $U1 4 /dev/vdb; printf ',\n'
	dev 1 2 $U2 1 /dev/vdc; printf ',\n'
	dev 2 4 - 0 /dev/vdd; printf ',\n'
	dev 3 2 $U2 5 /dev/vde
	printf '\n\t]\n}\n'
} >"$R/proc/datto-info"
vol() { printf '{"minor": %s, "phase": "initramfs", "mounted_at_reload": "no", "device": "x", "seqid": %s, "outcome": "%s", "error": "", "message": "", "journal": "clean"}' "$@"; }
report() { # report SEQID0: the agent's report (SEQID0 "": an agent that wrote no seqid)
	{
		printf '{"report_version": 1, "status": "done", "module": {"outcome": "loaded"}, "volumes": [\n'
		if [ -n "$1" ]; then vol 0 "$1" reloaded; else printf '{"minor": 0, "outcome": "reloaded"}'; fi
		printf ',\n'; vol 2 4 reloaded; printf ',\n'; vol 3 4 reloaded; printf '\n]}\n'
	} >"$R/run/dbdboot/early.json"
}
run() { "$D" --root "$R" "$@"; }
report 4

# 1. The build on disk is the loaded one and carries the fix: nothing at risk.
module reload-cow-dev SRC0000000000000000000A
loaded 0.12.1 SRC0000000000000000000A
ok "fixed build loaded: status says nothing of the shutdown" \
	sh -c "! '$D' --root '$R' status -k '$K' 2>&1 | grep -q 'ends at the next shutdown'"
ok "... -J: the driver is not at risk" out_has '"driver_at_risk": false' run status -J -k "$K"
ok "... and says why" out_has "with dbdboot's fix of the reload bug" run status -J -k "$K"

# 2. The same build without the fix: minor 0 only.
module "" SRC0000000000000000000B
loaded 0.12.1 SRC0000000000000000000B
ok "unfixed build loaded: status warns for the reloaded active volume" \
	out_has "the chain of minor 0 ('/dev/vdb') ends at the next shutdown" run status -k "$K"
ok "... and exits 1" status_is 1 run status -k "$K"
ok "... not for one set up at this boot" sh -c "! '$D' --root '$R' status -k '$K' 2>&1 | grep -q 'minor 1 '"
ok "... nor for one not mounted yet" sh -c "! '$D' --root '$R' status -k '$K' 2>&1 | grep -q 'minor 2 '"
ok "... nor for one the backup agent moved on since" sh -c "! '$D' --root '$R' status -k '$K' 2>&1 | grep -q 'minor 3 '"
ok "... -J lists it" sh -c "'$D' --root '$R' status -J -k '$K' 2>/dev/null | tr -d ' \n' | grep -qF '\"volumes_at_risk\":[{\"minor\":0,'"

# 3. The loaded module is not the build on disk (rebuilt with the fix since): by its release.
module reload-cow-dev SRC0000000000000000000C
ok "a fixed build on disk does not vouch for an older loaded one" \
	out_has "is not the build on disk" run status -J -k "$K"
loaded 0.13.0 SRC0000000000000000000D
ok "a release not known to have the bug is not at risk" out_has '"driver_at_risk": false' run status -J -k "$K"
loaded 0.12.1-3 SRC0000000000000000000D
ok "a packaged 0.12.1 (0.12.1-3) is" out_has '"driver_at_risk": true' run status -J -k "$K"
report ""
ok "an agent's report without the seqid: the reloaded active volume counts" \
	out_has "the chain of minor 0 " run status -k "$K"
report 4

# 4. record-shutdown stops it first (here the destroy fails: no driver), says so, records it.
module "" SRC0000000000000000000B
loaded 0.12.1 SRC0000000000000000000B
: >"$R/dev/kmsg"
ok "record-shutdown tries to stop the volume at risk and says it could not" \
	out_has "could not stop tracking minor 0 ('/dev/vdb')" run record-shutdown
ok "... in the kernel log too" grep -q "could not stop tracking minor 0" "$R/dev/kmsg"
ok "... the record lists it as not stopped" \
	sh -c "tr -d ' \n' <'$REC' | grep -qF '\"stopped\":[{\"minor\":0,\"block_device\":\"/dev/vdb\",\"uuid\":\"$U1\",\"seqid\":4,\"stopped\":false'"

# 5. The next boot, after a guard that did stop minors 0 and 9 (9 gone from the manifest).
run sync >/dev/null 2>&1
cat >"$REC" <<JSON
{"record_version": 1, "boot_id": "x", "driver": "ok", "sync": "ok", "initrds_stale": false,
 "volumes": [{"minor": 1, "block_device": "/dev/vdc", "uuid": "$U2", "seqid": 1, "state": 2, "error": 0}],
 "stopped": [{"minor": 0, "block_device": "/dev/vdb", "uuid": "$U1", "seqid": 4, "stopped": true, "why": "the loaded dattobd 0.12.1 is the build in X, built without dbdboot's fix of the reload bug"},
  {"minor": 9, "block_device": "/dev/vdz", "uuid": "$U1", "seqid": 2, "stopped": true, "why": "W"}]}
JSON
rm -f "$R/run/dbdboot/shutdown.json" "$R/run/dbdboot/verdict.json"
run verdict -J >"$T/v.json" 2>&1
ok "the verdict names the stopped volume: stopped-at-shutdown" \
	sh -c "tr -d ' \n' <'$T/v.json' | grep -qF '\"minor\":0,\"device\":' && grep -A3 '\"minor\": 0' '$T/v.json' | grep -q '\"reason\": \"stopped-at-shutdown\"'"
ok "... and one the manifest no longer lists" \
	sh -c "grep -A4 '\"minor\": 9' '$T/v.json' | grep -q '\"reason\": \"stopped-at-shutdown\"'"
ok "... with the device the record gave" grep -q '"device": "/dev/vdz"' "$T/v.json"
ok "... not all resumed, exit 1" status_is 1 run verdict
ok "the others are judged as always" \
	sh -c "grep -A4 '\"minor\": 1,' '$T/v.json' | grep -q '\"reason\": \"not-in-initrd\"'"
tap_end
