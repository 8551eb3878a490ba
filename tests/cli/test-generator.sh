#!/bin/bash
# dbdboot-generator (built with the sanitizers) against fake roots
# (DBDBOOT_GENERATOR_ROOT): which volumes get a unit, and how each unit is
# ordered against its device, its fsck and its fstab mounts.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/tap.sh
. "$TOP/tests/cli/tap.sh"
G=${BUILD:-$TOP/build}/tests/dbdboot-generator
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export DBDBOOT_GENERATOR_ROOT=$T/r

fake_root() { # fake_root CMDLINE
	rm -rf "$T/r" "$T/out"
	mkdir -p "$T/r/proc" "$T/r/etc/dbdboot" "$T/r/run/dbdboot" "$T/out"
	echo "$1" >"$T/r/proc/cmdline"
}
gen() { "$G" "$T/out" "$T/early" "$T/late" >"$T/log" 2>&1; }
unit_has() { # unit_has MINOR TEXT: its unit holds the line TEXT
	grep -qxF -- "$2" "$T/out/dbdboot-reload-$1.service" ||
		{ cat "$T/out/dbdboot-reload-$1.service" >&2; return 1; }
}
unit_match() { # unit_match MINOR REGEX: a line of its unit matches REGEX (whole)
	grep -qxE -- "$2" "$T/out/dbdboot-reload-$1.service" ||
		{ cat "$T/out/dbdboot-reload-$1.service" >&2; return 1; }
}
unit_lacks() { ! grep -qF -- "$2" "$T/out/dbdboot-reload-$1.service"; }
# systemd's own reading of every unit written (systemd-analyze verify): no
# error and no warning. The agent's path is made one that exists here.
verified() {
	local u out
	rm -rf "$T/v"
	mkdir "$T/v"
	for u in "$T/out"/*.service "$T/out"/*.target; do
		[ -e "$u" ] && sed 's|^ExecStart=[^ ]*|ExecStart=/bin/true|' "$u" >"$T/v/${u##*/}"
	done
	if ! out=$(cd "$T/v" && systemd-analyze verify --man=no ./* 2>&1) || [ -n "$out" ]; then
		printf '# %s\n' "$out" >&2
		return 1
	fi
}
report() { # report MINOR OUTCOME...
	local sep=''
	{
		printf '{"report_version": 1, "phase": "initramfs", "volumes": ['
		while [ $# -ge 2 ]; do
			printf '%s{"minor": %s, "outcome": "%s"}' "$sep" "$1" "$2"
			sep=', '
			shift 2
		done
		printf ']}\n'
	} >"$T/r/run/dbdboot/early.json"
}

ok "--help exits 0" status_is 0 "$G" --help
ok "no directory: exit 2" status_is 2 "$G"
ok "bad usage says what to try" out_has "Try 'dbdboot-generator --help'" "$G" a b

fake_root "ro"
ok "no manifest: exit 0" gen
ok "no manifest: no unit" test -z "$(ls "$T/out")"

fake_root "ro"
echo garbage >"$T/r/etc/dbdboot/manifest"
ok "not a manifest: exit 0" gen
ok "not a manifest: said" out_has "is not a manifest this dbdboot reads" cat "$T/log"
ok "not a manifest: no unit" test -z "$(ls "$T/out")"

write_manifest() {
	printf '%s\n' 'dbdboot-manifest 2' \
		'volume mode=incremental device=UUID=0b5c-1111 cow=/.datto minor=0 stage=initramfs' \
		'volume mode=incremental device=LABEL=my\040data cow=/.datto minor=1 stage=root' \
		'volume mode=snapshot device=/dev/vg2/data cow=/.datto minor=2 stage=root' \
		'volume mode=incremental device=254:16 cow=/.datto minor=3 stage=root' \
		>"$T/r/etc/dbdboot/manifest"
	printf '%s\n' 'UUID=0b5c-1111 / ext4 errors=remount-ro 0 1' \
		'LABEL=my\040data /srv/my\040data ext4 nofail 0 2' \
		'/dev/disk/by-label/my\x20data /mnt/again ext4 noauto 0 0' \
		'# /dev/vg2/data /commented ext4 defaults 0 2' \
		'/dev/vg2/data /data ext4 defaults 0 2' >"$T/r/etc/fstab"
}

# The initramfs reloaded 0, left 1, found 2 mounted read-write, never saw 3.
fake_root "ro dbdboot.timeout=7"
write_manifest
report 0 reloaded 1 left-to-root 2 too-late
ok "units: exit 0" gen
command -v systemd-analyze >/dev/null && ok "units: systemd-analyze verify finds nothing to say" verified
ok "reloaded in the initramfs: no unit" test ! -e "$T/out/dbdboot-reload-0.service"
ok "too-late: no unit (nothing to gain)" test ! -e "$T/out/dbdboot-reload-2.service"
ok "left to the real root: a unit" test -f "$T/out/dbdboot-reload-1.service"
ok "not in the report: a unit" test -f "$T/out/dbdboot-reload-3.service"
ok "bound to its device" unit_has 1 'BindsTo=dev-disk-by\x2dlabel-my\x5cx20data.device'
ok "after its device" unit_has 1 'After=dev-disk-by\x2dlabel-my\x5cx20data.device'
ok "wants its blockdev@ target" unit_has 1 'Wants=blockdev@dev-disk-by\x2dlabel-my\x5cx20data.target'
ok "before its blockdev@ target and fsck" \
	unit_has 1 'Before=blockdev@dev-disk-by\x2dlabel-my\x5cx20data.target systemd-fsck@dev-disk-by\x2dlabel-my\x5cx20data.service'
ok "before its fstab mount by label" unit_has 1 'Before=srv-my\x20data.mount'
ok "before its fstab mount by path" unit_has 1 'Before=mnt-again.mount'
ok "a commented fstab line is no mount" unit_lacks 3 'commented'
ok "no default dependencies" unit_has 1 'DefaultDependencies=no'
ok "stage=root: not before the root's remount" unit_lacks 1 'systemd-remount-fs'
ok "the agent for that minor, with the command line's deadline" \
	unit_match 1 'ExecStart=/.*/dbdboot-early --phase after-switch-root --minor 1 --timeout 7'
ok "its own timeout past the agent's" unit_has 1 'TimeoutStartSec=37'
ok "a verdict again when done" unit_has 1 'Wants=dbdboot-rejudge@1.service'
ok "MAJOR:MINOR: its /dev/block link" unit_has 3 'BindsTo=dev-block-254:16.device'
ok "started with the boot" test -L "$T/out/dbdboot-volumes.target.wants/dbdboot-reload-1.service"
ok "... by a target that waits for nothing" test "$(grep -c '^After=\|^Requires=' "$T/out/dbdboot-volumes.target")" = 0
ok "... pulled in by sysinit.target" test -L "$T/out/sysinit.target.wants/dbdboot-volumes.target"
ok "started when its device appears" \
	test -L "$T/out/dev-disk-by\\x2dlabel-my\\x5cx20data.device.wants/dbdboot-reload-1.service"
ok "the links point at the units" test -f "$T/out/dev-vg2-data.device.wants/dbdboot-reload-2.service" -o \
	! -e "$T/out/dev-vg2-data.device.wants"

# Every tracked volume's fstab mounts on mount(2) (libmount's new mount API
# passes dattobd by), the root's remount too; reloaded in the initramfs or not.
dropin() { # dropin UNIT SECTION: its 50-dbdboot-mount2.conf sets the variable there
	local f="$T/out/$1.d/50-dbdboot-mount2.conf"
	if ! grep -qxF "[$2]" "$f" || ! grep -qxF 'Environment=LIBMOUNT_FORCE_MOUNT2=always' "$f"; then
		cat "$f" >&2
		return 1
	fi
}
ok "mount(2): the root's remount, though the initramfs reloaded it" \
	dropin systemd-remount-fs.service Service
ok "mount(2): the fstab mount by label" dropin 'srv-my\x20data.mount' Mount
ok "mount(2): the fstab mount by path" dropin 'mnt-again.mount' Mount
ok "mount(2): the LV's mount, though too late to reload" dropin data.mount Mount
ok "mount(2): the root's own mount unit" dropin -.mount Mount
ok "mount(2): a commented line is no mount" test ! -e "$T/out/commented.mount.d"

# No report (the initrd had no dbdboot): every volume, the root before its remount.
fake_root "ro"
write_manifest
ok "no report: exit 0" gen
ok "no report: the root gets a unit" test -f "$T/out/dbdboot-reload-0.service"
ok "no report: the root before its read-write remount" unit_has 0 'Before=systemd-fsck-root.service systemd-remount-fs.service'
ok "no report: default deadline" unit_match 0 'ExecStart=/.*/dbdboot-early --phase after-switch-root --minor 0 --timeout 10'
ok "no report: the LV before its mount" unit_has 2 'Before=data.mount'
# The root is there (mounted read-only by the initramfs): no device unit
# waited for, which in the real root of initramfs-tools comes only after
# the remount (a deadlock until the device timeout, seen in TEST-50).
ok "no report: the root waits for no device unit" unit_lacks 0 '.device'
command -v systemd-analyze >/dev/null && ok "no report: systemd-analyze verify finds nothing to say" verified

# A volume the initramfs should have reloaded (stage=initramfs), not the
# root: after its device, before its mount, not before the root's remount.
fake_root "ro"
printf '%s\n' 'dbdboot-manifest 2' \
	'volume mode=incremental device=LABEL=srv cow=/.d minor=4 stage=initramfs' \
	'volume mode=incremental device=LABEL=usr cow=/.d minor=5 stage=initramfs mount=/usr' \
	>"$T/r/etc/dbdboot/manifest"
echo 'LABEL=srv /srv ext4 defaults 0 2' >"$T/r/etc/fstab"
report 4 failed 5 no-device
ok "stage=initramfs data volume: exit 0" gen
ok "stage=initramfs data volume: bound to its device" unit_has 4 'BindsTo=dev-disk-by\x2dlabel-srv.device'
ok "stage=initramfs data volume: before its mount" unit_has 4 'Before=srv.mount'
ok "stage=initramfs data volume: not before the root's remount" unit_lacks 4 'systemd-remount-fs'
ok "/usr (by the manifest's mount=): before the remount" unit_has 5 'Before=systemd-fsck-root.service systemd-remount-fs.service'
ok "/usr: no device unit waited for" unit_lacks 5 'BindsTo='
ok "the unit is written whole (no temporary left)" test -z "$(find "$T/out" -name '*dbdboot-tmp*')"

# A report that is not JSON counts as none.
fake_root "ro"
write_manifest
echo '{"volumes": [' >"$T/r/run/dbdboot/early.json"
ok "bad report: exit 0" gen
ok "bad report: units for all" test "$(find "$T/out" -maxdepth 1 -name 'dbdboot-reload-*.service' | wc -l)" = 4

# dbdboot=off: the agent reloaded nothing on purpose, nor does the real root.
fake_root "ro dbdboot=off"
write_manifest
ok "dbdboot=off: exit 0" gen
ok "dbdboot=off: no unit, no drop-in" test -z "$(ls "$T/out")"

# The fstab names the volume otherwise (/dev/VG/LV for UUID=): its mount
# point, which sync recorded (mount=), ties them.
fake_root "ro"
printf '%s\n' 'dbdboot-manifest 2' \
	'volume mode=incremental device=UUID=ffff-2222 cow=/.d minor=6 stage=root mount=/srv/my\040lv' \
	'volume mode=incremental device=UUID=eeee-3333 cow=/.d minor=7 stage=root' \
	>"$T/r/etc/dbdboot/manifest"
printf '%s\n' '/dev/vg3/lv /srv/my\040lv ext4 defaults 0 2' '/dev/vg3/other /other ext4 defaults 0 2' \
	>"$T/r/etc/fstab"
ok "mount=: exit 0" gen
ok "mount=: before the mount at that point" unit_has 6 'Before=srv-my\x20lv.mount'
ok "mount=: before the blockdev@ target of the fstab's name" \
	unit_has 6 'Before=blockdev@dev-vg3-lv.target systemd-fsck@dev-vg3-lv.service'
ok "mount=: wants that blockdev@ target" unit_has 6 'Wants=blockdev@dev-vg3-lv.target'
ok "mount=: named for sure: started with the boot" \
	test -L "$T/out/dbdboot-volumes.target.wants/dbdboot-reload-6.service"
ok "... and the entry nothing ties to it is not its" unit_lacks 6 'other.mount'
# No mount=, another name, neither device there (a late LV): nothing tells,
# so before both mounts (either may be its device); started by its device
# only, so that no job waits for it if it never comes.
ok "no mount=, neither there: before the mounts that may be its" unit_has 7 'Before=other.mount'
ok "... both of them" unit_has 7 'Before=srv-my\x20lv.mount'
ok "... not started with the boot" test ! -e "$T/out/dbdboot-volumes.target.wants/dbdboot-reload-7.service"
ok "... started by its device" \
	test -L "$T/out/dev-disk-by\\x2duuid-eeee\\x2d3333.device.wants/dbdboot-reload-7.service"
command -v systemd-analyze >/dev/null && ok "... systemd-analyze verify finds nothing to say" verified

# LVM's two names for one LV, neither there: the same volume.
fake_root "ro"
printf '%s\n' 'dbdboot-manifest 2' \
	'volume mode=incremental device=/dev/mapper/vg4-my--lv cow=/.d minor=9 stage=root' \
	>"$T/r/etc/dbdboot/manifest"
printf '%s\n' '/dev/vg4/my-lv /lv4 ext4 defaults 0 2' '/dev/vg4/my /not-it ext4 defaults 0 2' \
	'/dev/mapper/vg4--my-lv /not-it-either ext4 defaults 0 2' >"$T/r/etc/fstab"
ok "LVM names: exit 0" gen
ok "/dev/VG/LV is /dev/mapper/VG-LV" unit_has 9 'Before=lv4.mount'
ok "... named for sure: the other LVs are not its" unit_lacks 9 'not-it'
ok "... started with the boot" test -L "$T/out/dbdboot-volumes.target.wants/dbdboot-reload-9.service"

# The devices there (nodes in the fake root, as udev lays them out): their
# numbers decide, whatever the names.
if [ "$(id -u)" = 0 ]; then
	fake_root "ro"
	mkdir -p "$T/r/dev/mapper" "$T/r/dev/vg" "$T/r/dev/disk/by-uuid" "$T/r/dev/block"
	mknod "$T/r/dev/dm-3" b 254 3
	mknod "$T/r/dev/dm-4" b 254 4
	ln -s ../dm-3 "$T/r/dev/mapper/vg-data"
	ln -s ../dm-3 "$T/r/dev/vg/data"
	ln -s ../../dm-3 "$T/r/dev/disk/by-uuid/aaaa-1111"
	ln -s ../dm-3 "$T/r/dev/block/254:3"
	ln -s ../dm-4 "$T/r/dev/vg/other"
	printf '%s\n' 'dbdboot-manifest 2' \
		'volume mode=incremental device=/dev/mapper/vg-data cow=/.d minor=10 stage=root' \
		'volume mode=incremental device=UUID=aaaa-1111 cow=/.d minor=11 stage=root' \
		'volume mode=incremental device=254:3 cow=/.d minor=12 stage=root' \
		'volume mode=incremental device=UUID=cccc-gone cow=/.d minor=13 stage=root' \
		>"$T/r/etc/dbdboot/manifest"
	printf '%s\n' '/dev/vg/data /data ext4 defaults 0 2' '/dev/vg/other /other ext4 defaults 0 2' \
		'UUID=bbbb-late /late ext4 nofail 0 2' >"$T/r/etc/fstab"
	ok "devices there: exit 0" gen
	for m in 10 11 12; do
		ok "minor $m: before the mount of the same device by another name" unit_has $m 'Before=data.mount'
		ok "minor $m: not before another device's mount" unit_lacks $m 'other.mount'
		ok "minor $m: before the mount of a device not there yet (it may be its)" unit_has $m 'Before=late.mount'
		ok "minor $m: started with the boot" test -L "$T/out/dbdboot-volumes.target.wants/dbdboot-reload-$m.service"
	done
	ok "a volume not there: not before the mounts of devices that are" unit_lacks 13 'data.mount'
	ok "... nor other.mount" unit_lacks 13 'other.mount'
	ok "... before the one that is not there either" unit_has 13 'Before=late.mount'
	ok "... started by its device only" \
		test ! -e "$T/out/dbdboot-volumes.target.wants/dbdboot-reload-13.service"
	command -v systemd-analyze >/dev/null && ok "devices there: systemd-analyze verify finds nothing to say" verified
fi

# A device name with a % (a unit file's specifier sign) in the description.
fake_root "ro"
printf 'dbdboot-manifest 2\nvolume mode=incremental device=LABEL=100%% cow=/.d minor=5 stage=root\n' >"$T/r/etc/dbdboot/manifest"
ok "%: exit 0" gen
ok "% doubled in the description" grep -q 'Description=dbdboot: reload dattobd minor 5 before LABEL=100%% is mounted' \
	"$T/out/dbdboot-reload-5.service"
ok "% escaped in the device unit" unit_has 5 'BindsTo=dev-disk-by\x2dlabel-100\x5cx25.device'

# A device spec with a newline (an escaped one in the manifest): never a
# line of its own in the unit (it would inject "[Service]" and commands).
fake_root "ro"
printf 'dbdboot-manifest 2\nvolume mode=incremental device=/dev/vdb\\012[Service]\\012ExecStartPre=/bin/evil\\134 cow=/.d minor=6 stage=root\n' \
	>"$T/r/etc/dbdboot/manifest"
ok "control characters: exit 0" gen
ok "control characters: no line injected" sh -c "! grep -q '^ExecStartPre=' '$T/out/dbdboot-reload-6.service'"
ok "... the description shows them as '?'" unit_has 6 'Description=dbdboot: reload dattobd minor 6 before /dev/vdb?[Service]?ExecStartPre=/bin/evil? is mounted'
ok "... one [Service] section" test "$(grep -c '^\[Service\]' "$T/out/dbdboot-reload-6.service")" = 1
command -v systemd-analyze >/dev/null && ok "... systemd-analyze verify finds nothing to say" verified

# More fstab entries on one device than one unit of 16 KiB names: the unit
# is written all the same, before every local mount, said.
fake_root "ro"
printf 'dbdboot-manifest 2\nvolume mode=incremental device=LABEL=many cow=/.d minor=8 stage=root\n' \
	>"$T/r/etc/dbdboot/manifest"
long=$(printf 'd%.0s' $(seq 200))
for i in $(seq 100); do echo "LABEL=many /srv/$long/$i ext4 defaults 0 2"; done >"$T/r/etc/fstab"
ok "too many mounts for one unit: exit 0" gen
ok "... the unit written all the same" test -f "$T/out/dbdboot-reload-8.service"
ok "... before every local mount" unit_has 8 'Before=local-fs-pre.target'
ok "... still bound to its device" unit_has 8 'BindsTo=dev-disk-by\x2dlabel-many.device'
command -v systemd-analyze >/dev/null && ok "... systemd-analyze verify finds nothing to say" verified
ok "... said" out_has "too many for one unit of 16384 bytes" cat "$T/log"
# Short ones, but more than the 128 it keeps: the same (none left out unsaid).
for i in $(seq 130); do echo "LABEL=many /m$i ext4 defaults 0 2"; done >"$T/r/etc/fstab"
ok "over 128 mounts: exit 0" gen
ok "... before every local mount" unit_has 8 'Before=local-fs-pre.target'
ok "... said" out_has "over 128 fstab entries name its device" cat "$T/log"
for i in $(seq 100); do echo "LABEL=many /m$i ext4 defaults 0 2"; done >"$T/r/etc/fstab"
ok "100 short ones: exit 0" gen
ok "... each named" unit_has 8 'Before=m100.mount'
ok "... and not before every local mount" unit_lacks 8 'local-fs-pre'

# At the limit of what it reads (1 MiB): an fstab past it, whose lines
# cannot all be known, puts each unit before every local mount, said; a
# manifest past it is refused (as the agent refuses it), said; a report
# past it counts as none (every volume gets a unit).
fake_root "ro"
write_manifest
{ cat "$T/r/etc/fstab"; for i in $(seq 20000); do printf '# %060d\n' "$i"; done; } >"$T/big"
mv "$T/big" "$T/r/etc/fstab"
ok "fstab past 1 MiB: exit 0" gen
ok "... said" out_has "'/etc/fstab' is over 1048576 bytes" cat "$T/log"
ok "... the unit before every local mount" unit_has 1 'Before=local-fs-pre.target'
fake_root "ro"
write_manifest
{ printf '{"report_version": 1, "pad": "'; head -c 1100000 /dev/zero | tr '\0' x; printf '", "volumes": [{"minor": 1, "outcome": "reloaded"}]}\n'; } \
	>"$T/r/run/dbdboot/early.json"
ok "report past 1 MiB: exit 0" gen
ok "... counts as none: the reloaded one gets a unit" test -f "$T/out/dbdboot-reload-1.service"
fake_root "ro"
write_manifest
for i in $(seq 20000); do printf '# %060d\n' "$i"; done >>"$T/r/etc/dbdboot/manifest"
ok "manifest past 1 MiB: exit 0" gen
ok "... said" out_has "could not read '/etc/dbdboot/manifest': File too large" cat "$T/log"
ok "... no unit" test -z "$(find "$T/out" -name 'dbdboot-reload-*')"

# An unwritable directory: said, exit 0.
fake_root "ro"
write_manifest
chmod 555 "$T/out"
if [ "$(id -u)" != 0 ]; then
	ok "unwritable directory: exit 0" gen
	ok "unwritable directory: said" out_has "could not write" cat "$T/log"
fi
chmod 755 "$T/out"
tap_end
