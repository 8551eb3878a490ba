# shellcheck shell=sh
# Helpers for the guest scripts of the VM scenarios (dash). Sourced.
# A guest script runs with sh -e: any failing command fails the boot.

fail() {
	echo "FAIL: $*"
	echo "$*" >/run/dbdtest-fail
	exit 1
}

note() {
	echo "guest: $*"
}

# Value of KEY in key=value output.
kv() { # kv KEY < output
	sed -n "s/^$1=//p" | head -n1
}

# A field of minor MINOR in /proc/datto-info, as printed (quotes removed).
proc_field() { # proc_field MINOR FIELD
	awk -v m="$1" -v f="\"$2\":" '
		$1 == "\"minor\":" { cur = $2; sub(",", "", cur) }
		cur == m && $1 == f { v = $2; sub(",$", "", v); gsub("\"", "", v); print v; exit }
	' /proc/datto-info
}

expect_eq() { # expect_eq WHAT GOT WANT
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
	note "$1 = $2 (as expected)"
}

# Run a command that must fail with the given errno name (dbdtest prints it).
expect_errno() { # expect_errno ERRNO CMD...
	want=$1
	shift
	if out=$("$@" 2>&1); then
		fail "'$*' succeeded, want $want"
	fi
	case $out in
	*"($want)"*) note "'$*' refused with $want (as expected)" ;;
	*) fail "'$*': $out; want $want" ;;
	esac
}

show_proc() {
	echo "--- /proc/datto-info"
	cat /proc/datto-info
	echo "---"
}

# The kernel log line matching RELOAD comes before the first matching MOUNT.
expect_before_in_kmsg() { # expect_before_in_kmsg RELOAD MOUNT
	dmesg >/run/dmesg.txt
	first=$(grep -n -- "$1" /run/dmesg.txt | head -n1 | cut -d: -f1)
	second=$(grep -n -- "$2" /run/dmesg.txt | head -n1 | cut -d: -f1)
	[ -n "$first" ] || fail "no kernel log line matching '$1'"
	[ -n "$second" ] || fail "no kernel log line matching '$2'"
	[ "$first" -lt "$second" ] || fail "'$1' (line $first) came after '$2' (line $second)"
	note "kernel log: '$1' at line $first, before '$2' at line $second"
}

# After a read-write (re)mount: minor MINOR active with the uuid and seqid
# recorded in INFO_FILE (dbdtest info output) before the reboot.
expect_resumed() { # expect_resumed MINOR INFO_FILE [WHAT]
	info=$(dbdtest info "$1")
	expect_eq "${3:-minor $1} active" "$(echo "$info" | kv state)" 2
	expect_eq "${3:-minor $1} uuid kept" "$(echo "$info" | kv uuid)" "$(kv uuid <"$2")"
	expect_eq "${3:-minor $1} seqid kept" "$(echo "$info" | kv seqid)" "$(kv seqid <"$2")"
}

# True when the dattobd loaded is the test double (checks of its own log
# lines are skipped when the scenarios run against the real driver).
is_double() {
	dmesg | grep -q 'dattobd: test double'
}

# The dattobd loaded is the real one, the module of this kernel, with
# dbdboot's fix of the reload bug in it.
real_with_fix() {
	! is_double || fail "the test double is loaded, not the real dattobd"
	expect_eq "dattobd's version" "$(cat /sys/module/dattobd/version 2>/dev/null)" "$(modinfo -F version dattobd)"
	expect_eq "the loaded dattobd's dbdboot fix" "$(modinfo -F dbdboot_fix dattobd)" reload-cow-dev
}

# The real, fixed module is one `dbdboot package` takes, as a fleet's build
# host would: its module.txt names the fix (and on Debian 13 it ships in
# /usr/lib, as the kernel's own modules).
real_packaged() {
	k=$(uname -r)
	dbdboot package -k "$k" -o /tmp -m 'Fleet Ops <ops@example.org>' ||
		fail "dbdboot package refused the real dattobd with its fix"
	deb=$(ls /tmp/dattobd-modules-"$k"_*.deb)
	dpkg-deb --fsys-tarfile "$deb" | tar -xOf - "./usr/share/dattobd-modules-$k/module.txt" >/tmp/module.txt
	grep -qx 'fix reload-cow-dev' /tmp/module.txt || fail "the package's module.txt does not name the fix"
	lib=./lib
	! dpkg-query -S "/usr/lib/modules/$k" >/dev/null 2>&1 || lib=./usr/lib
	dpkg-deb --contents "$deb" | grep " $lib/modules/$k/updates/dbdboot/dattobd.ko\$" >/dev/null ||
		fail "the package's module is not in $lib/modules"
	rm -f "$deb" /tmp/module.txt
}

# A field of minor MINOR's entry in a dbdboot JSON file (one key a line, as
# dbdboot writes it): verdict.json by default.
json_field() { # json_field MINOR FIELD [FILE]
	awk -v m="$1" -v f="\"$2\":" '
		$1 == "\"minor\":" { cur = $2; sub(",", "", cur) }
		cur == m && $1 == f { v = $2; sub(",$", "", v); gsub("\"", "", v); print v; exit }
	' "${3:-/run/dbdboot/verdict.json}"
}

# The verdict of minor MINOR is WANT (and its reason REASON, when given).
expect_verdict() { # expect_verdict MINOR WANT [REASON]
	[ -f /run/dbdboot/verdict.json ] || fail "no /run/dbdboot/verdict.json (did dbdboot-verdict.service run?)"
	expect_eq "verdict of minor $1" "$(json_field "$1" verdict)" "$2"
	[ -z "${3:-}" ] || expect_eq "reason of minor $1" "$(json_field "$1" reason)" "$3"
}

# After a clean reboot: the previous shutdown clean and each MINOR resumed,
# with the uuid and seqid of its setup (track) and reloaded by the agent.
expect_all_resumed() { # expect_all_resumed MINOR...
	cat /run/dbdboot/verdict.json
	expect_eq "previous shutdown" "$(sed -n 's/.*"previous_shutdown": "\(.*\)".*/\1/p' /run/dbdboot/verdict.json)" clean
	for m in "$@"; do
		expect_verdict "$m" resumed
		expect_eq "minor $m uuid as at the setup" "$(json_field "$m" uuid)" "$(kv uuid <"/var/lib/dbdtest/$m.info")"
		expect_eq "minor $m seqid as at the setup" "$(json_field "$m" seqid)" "$(kv seqid <"/var/lib/dbdtest/$m.info")"
		expect_eq "minor $m reloaded by the agent" "$(report_field "$m" outcome)" reloaded
	done
}

# Write to /data and /var/tmp without end, from a unit of its own (the
# writes go on after the guest script has ended), and have the host kill
# QEMU during them: a crash. DBDTEST-WRITING on the console says they run.
crash_during_writes() {
	echo none >/run/dbdtest-after
	# shellcheck disable=SC2016 # expanded by that shell
	systemd-run --unit=dbdtest-writer sh -c 'i=0
		while [ ! -e /run/dbdtest-held ]; do sleep 0.1; done
		while :; do
		dd if=/dev/urandom of=/data/f$((i % 8)) bs=64k count=4 conv=fsync 2>/dev/null
		dd if=/dev/urandom of=/var/tmp/f$((i % 8)) bs=64k count=4 conv=fsync 2>/dev/null
		i=$((i + 1)); [ $i = 3 ] && echo DBDTEST-WRITING >/dev/console; done'
}

# After a crash: every MINOR chain-broken, unclean-shutdown; never resumed.
expect_all_unclean() { # expect_all_unclean MINOR...
	cat /run/dbdboot/verdict.json
	for m in "$@"; do
		expect_verdict "$m" chain-broken unclean-shutdown
	done
	grep -q '"previous_shutdown": "unclean"' /run/dbdboot/verdict.json ||
		fail "the verdict does not call the previous shutdown unclean"
	! dbdboot verdict >/dev/null || fail "dbdboot verdict exits 0 after a crash"
}

# Minor MINOR is in no verdict and no manifest line.
expect_gone() { # expect_gone MINOR
	[ -z "$(json_field "$1" verdict)" ] || fail "minor $1 is still in the verdict"
	! grep -q "minor=$1 " /etc/dbdboot/manifest || fail "minor $1 is still in the manifest"
	note "minor $1 is in neither the verdict nor the manifest (as expected)"
}

# Add SPEC (LABEL=, UUID=, a path) to /etc/fstab at DIR with OPTIONS
# (default: defaults) and fsck pass PASS (default 0), and mount it.
fstab_mount() { # fstab_mount SPEC DIR [OPTIONS [PASS]]
	mkdir -p "$2"
	echo "$1 $2 ext4 ${3:-defaults} 0 ${4:-0}" >>/etc/fstab
	systemctl daemon-reload
	mount "$2"
}

# Add a data disk LABEL to /etc/fstab at /LABEL and mount it.
fstab_disk() { # fstab_disk LABEL
	fstab_mount "LABEL=$1" "/$1"
}

# Turn volume group VG's autoactivation off (udev, and so the initramfs,
# leave it) and have a service of the real root activate it once its PV
# (a /dev/vdX) is there: a VG on a disk that some service brings up.
vg_by_service() { # vg_by_service VG PV
	vgchange -q --setautoactivation n "$1" || fail "could not turn $1's autoactivation off"
	cat >"/etc/systemd/system/$1-activate.service" <<-UNIT
	[Unit]
	Description=Activate $1 (a test's volume group)
	DefaultDependencies=no
	Wants=dev-${2#/dev/}.device
	After=dev-${2#/dev/}.device
	[Service]
	Type=oneshot
	RemainAfterExit=yes
	ExecStart=/sbin/vgchange -ay $1
	[Install]
	WantedBy=sysinit.target
	UNIT
	systemctl enable -q "$1-activate.service"
}

# Track BDEV, mounted read-write at MOUNTPOINT, at minor MINOR (incremental,
# COW file MOUNTPOINT/.datto) the way a backup agent does, and save its INFO
# record to /var/lib/dbdtest/MINOR.info.
track() { # track BDEV MOUNTPOINT MINOR
	dbdtest setup-snapshot "$1" "${2%/}/.datto" "$3" ||
		fail "could not set up tracking of $1 at minor $3"
	# The real driver makes /dev/datto$3 for the snapshot, and udev probes
	# it (blkid); while it is open the transition is refused with EBUSY
	# (seen once in a clean run). Wait for udev, and try again a while.
	udevadm settle -t 10 2>/dev/null || true
	n=0
	until dbdtest transition-to-incremental "$3" 2>/run/dbdtest-transition.err; do
		n=$((n + 1))
		[ "$n" -lt 20 ] || fail "could not transition minor $3 to incremental: $(cat /run/dbdtest-transition.err)"
		sleep 0.5
	done
	mkdir -p /var/lib/dbdtest
	dbdtest info "$3" >"/var/lib/dbdtest/$3.info"
}

# The first boot of the lifecycle scenarios: the root (minor 0) and a data
# disk in /etc/fstab (minor 1) tracked as a backup agent does, then
# `dbdboot sync`, which names the disk by its UUID in the manifest.
track_root_and_data() {
	[ ! -s /etc/dbdboot/manifest ] || fail "the system came with a manifest"
	fstab_disk data
	track /dev/vda / 0
	track /dev/vdb /data 1
	dbdboot sync
	grep -q "^volume mode=incremental device=UUID=.* minor=1 .*by=sync" /etc/dbdboot/manifest ||
		fail "the manifest does not name the data disk by its UUID"
}

# The initramfs agent took dattobd from the early load its initrd started
# (init-top, dracut's pre-udev hook or dbdboot-preload.service), loaded.
expect_early_load() {
	grep -q '"module": {"outcome": "loaded", .*"by": "early"' /run/dbdboot/early.json ||
		fail "dattobd was not loaded by the initrd's early load: $(grep '"module"' /run/dbdboot/early.json)"
	note "early load: $(sed -n 's/.*"module": .*"ms": \([0-9]*\), "by": "early", "started_ms": \(-*[0-9]*\), "ended_ms": \(-*[0-9]*\), "waited_ms": \([0-9]*\)}.*/\1 ms, from \2 to \3 ms of the agent, waited \4 ms/p' /run/dbdboot/early.json)"
}

# A string field of minor MINOR's entry in the agent's report (one line a volume).
report_field() { # report_field MINOR FIELD
	grep "\"minor\": $1," /run/dbdboot/early.json | sed -n "s/.*\"$2\": \"\([^\"]*\)\".*/\1/p"
}

# For the benchmarks: the kernel's uptime now (when the real root's init
# runs the scenario), in ms, on a line the host reads (vm_root_init_ms).
say_root_init_ms() {
	echo "bench: root-init-ms $(($(sed -n 's/^\([0-9]*\)\.\([0-9][0-9]\).*/\1\2/p' /proc/uptime) * 10))"
}
