# shellcheck shell=bash
# Helpers of the scenarios' host side (TEST-*/test.sh). Sourced.
#
#   vm_disk NAME SIZE_MIB           a fresh ext4 disk image for this scenario
#   vm_root_overlay                 give this scenario a root disk of its own
#                                   (qcow2 over the system image) kept from
#                                   boot to boot; without it the root image
#                                   is booted unchanged (snapshot=on)
#   vm_initrd NAME [--from FILE] [--manifest FILE] [--file SRC DEST]...
#           [--without GLOB]
#                                   $SC_DIR/initrd-NAME: the system's initrd
#                                   (or FILE, such as $SYS/initrd-nosystemd)
#                                   with a cpio segment appended (as the
#                                   kernel allows) holding the given files;
#                                   --without repacks it without the files
#                                   whose paths match GLOB
#   vm_root_copy                    give this scenario a raw copy of the system
#                                   image, kept from boot to boot, that the
#                                   host can read and change between boots
#                                   (vm_debugfs); wins over vm_root_overlay
#   vm_tiny_root NAME LABEL         $SC_DIR/NAME.img: a 32 MiB ext4 root of
#                                   busybox, the test client and the guest
#                                   scripts (this scenario's guest.sh and the
#                                   GUEST_ALSO scenarios' too)
#   vm_debugfs DISK [-w] REQUEST    debugfs(8) REQUEST on DISK ("root" for
#                                   the vm_root_copy image) while it is off
#   vm_boot BOOT [--timeout S] [--kill-on TEXT] [--append ARGS] [--initrd NAME]
#           [--hotplug-on TEXT DISK] [--root DEV] [--no-system-disk]
#           [--kernel FILE] [--initrd-file FILE] [--image ROOT.IMG]
#           [--systemd] [--guest-initrd] DISK...
#                                   --systemd boots the whole system with
#                                   systemd as PID 1 (the scenario's guest.sh
#                                   runs from dbdtest.service, and the guest
#                                   then reboots itself: guest/systemd-test);
#                                   --guest-initrd boots the initrd the guest
#                                   itself has in /boot (vm_root_copy), as a
#                                   boot loader would
#                                   --hotplug-on plugs DISK in (virtio, PCI
#                                   hotplug) when the guest prints TEXT
#                                   boot the prepared system with the root
#                                   image unchanged (snapshot=on) and DISKs
#                                   attached as /dev/vdb, /dev/vdc, ... (kept
#                                   from boot to boot); the serial console is
#                                   logged to $SC_DIR/boot-BOOT.log
#   vm_expect_pass BOOT             the guest printed its PASS line for BOOT
#   vm_expect_log BOOT TEXT         the serial log of BOOT holds TEXT
#   vm_expect_shutdown BOOT         BOOT's shutdown finished on its own (the
#                                   guest rebooted, QEMU exited 0), no oops
#   vm_expect_no_oops BOOT          the kernel did not oops in BOOT
#   vm_expect_no_log BOOT TEXT      the serial log of BOOT lacks TEXT
#   vm_expect_log_order BOOT FIRST THEN
#                                   the serial log of BOOT has a line
#                                   matching FIRST (an extended regex) before
#                                   the first line matching THEN
#   vm_root_mount                   mount the scenario's root image
#                                   ($SC_DIR/root.img: vm_root_copy or
#                                   vm_image_of) at $SC_DIR/root, with proc,
#                                   sys and dev, for chroot work while the
#                                   guest is off; undone by
#                                   vm_overlay_umount and when the script
#                                   exits
#   vm_overlay                      mount a writable overlay of the base root
#                                   tree at $SC_DIR/root, with proc, sys and
#                                   dev for chroots; undone when the script
#                                   exits
#   vm_system_overlay               the same over the prepared system (base
#                                   plus $SYS/layer) instead of the base
#   vm_kernel_debs KVER             the image and headers .debs of KVER,
#                                   downloaded once into $BASE/debs/KVER
#   vm_debs NAME PKG...             the .debs of PKGs (the candidates of the
#                                   base's package lists), downloaded once
#                                   into $BASE/debs/NAME; prints that path
#   vm_chroot_ms COMMAND...         run COMMAND in the vm_overlay root (its
#                                   output to $SC_DIR/bench.log), print its
#                                   wall time in ms (the benchmarks)
#   vm_root_init_ms BOOT            the ms the guest's say_root_init_ms
#                                   printed in BOOT (dies when none)
#   vm_image_of R OUT               OUT: an ext4 image labelled root of the
#                                   tree R (a chroot of vm_overlay: its
#                                   mounts are taken off meanwhile)
#   vm_expect_ready NAME            dbdboot status -k KVER in the vm_overlay
#                                   root says ready, with a System.map dbdboot
#                                   recovered (dies otherwise; the output in
#                                   $SC_DIR/status-NAME.txt)
#   vm_boot_tree BOOT               boot KVER as the vm_overlay root has it
#                                   (its /boot kernel and initrd, an image of
#                                   the tree) and expect its PASS line
#   vm_pkg COMMAND...               COMMAND (dpkg, apt-get) in the scenario's
#                                   root as a package installation runs:
#                                   without the INITRD=No of in_chroot
#   vm_apt_cached NAME COMMAND...   COMMAND (apt in the scenario's root) with
#                                   $BASE/debs/NAME as the root's apt cache,
#                                   one scenario at a time; its status
#   vm_apt_install PKG...           install PKGs into the vm_overlay root with
#                                   apt; the .debs are kept in $BASE/debs/apt
#   vm_done SUMMARY                 last line, read by tests/check.sh
# shellcheck source=tests/vm/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

set -eu
need_root
BUILD=${BUILD:-$TOP/build}
# VM_FLAVOUR=dracut, set before this is sourced: the dracut system.
SYS=$BUILD/vm/system${VM_FLAVOUR:+-$VM_FLAVOUR}
[ -f "$SYS/env" ] || die "no prepared system in $SYS (run: make check-vm, or tests/vm/lib/prepare.sh ${VM_FLAVOUR:-})"
# shellcheck disable=SC1091
. "$SYS/env"
SC_NAME=$(basename "$(cd "$(dirname "$0")" && pwd)")
SC_DIR=$BUILD/vm/$SC_NAME
SC_T0=$(date +%s)
rm -rf "$SC_DIR"
mkdir -p "$SC_DIR"

vm_disk() { # vm_disk NAME SIZE_MIB
	# Lazy initialisation off: the real driver oopses on ext4lazyinit's
	# write-zeroes to a tracked volume (see tests/README.md).
	mke2fs -q -F -t ext4 -E lazy_itable_init=0,lazy_journal_init=0 -L "$1" \
		"$SC_DIR/$1.img" "$2M" >/dev/null
}

# Under TCG a kernel has been seen to hang in its own early init (stuck
# after "pnp: PnP ACPI: found 5 devices", once in a few hundred boots), or
# to die there (Debian 13's 6.12 once took a spurious debug exception in
# kmem_cache_alloc at 0.6 s and panicked), before it runs the initramfs
# and so before any code under test. Such a boot is stopped after
# KERNEL_HANG_S (or has ended) and is run once more, saying so; a boot
# that reached the initramfs is never run again.
KERNEL_HANG_S=60

# A boot's limits: BOOT_TIMEOUT_S for the whole boot (a guest that never
# says PASS or FAIL), and SHUTDOWN_HANG_S from the test's verdict line to
# QEMU's exit, so that a hung shutdown is told from a slow boot. Under
# TCG, with two guests and a host build on two cores, the first systemd
# boot of TEST-90 has taken 140 s to its verdict line (78 s unloaded), and
# no shutdown that finished has taken more than 25 s. A boot that passes
# never waits for either; only a hang pays them. VM_BOOT_TIMEOUT overrides
# the first; TEST-00 sets the second for one boot to see a lingering
# shutdown judged hung.
BOOT_TIMEOUT_S=${VM_BOOT_TIMEOUT:-360}
SHUTDOWN_HANG_S=90

vm_boot() {
	_vm_boot_once "$@"
	local log=$SC_DIR/boot-$1.log
	if [ -f "$SC_DIR/kernel-hang" ]; then
		cp "$log" "$log.hung"
		log "boot $1: the kernel $(cat "$SC_DIR/kernel-hang") before it ran the initramfs (log kept as $log.hung): booting again"
		rm -f "$SC_DIR/kernel-hang"
		_vm_boot_once "$@"
		rm -f "$SC_DIR/kernel-hang"
	fi
}

_vm_boot_once() {
	local boot=$1 timeout=$BOOT_TIMEOUT_S kill_on='' append='' d pid t0 rc=0 initrd=$SYS/initrd
	local t_end=
	local plug_on='' plug_disk='' root=/dev/vda system_disk=1 kernel=$SYS/vmlinuz
	local image=$SYS/root.img init=/dbdboot-tests/init guest_initrd=0
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--initrd) initrd=$SC_DIR/initrd-$2; shift 2 ;;
		--initrd-file) initrd=$2; shift 2 ;;
		--kernel) kernel=$2; shift 2 ;;
		--image) image=$2; shift 2 ;;
		--hotplug-on) plug_on=$2; plug_disk=$3; shift 3 ;;
		--root) root=$2; shift 2 ;;
		--no-system-disk) system_disk=0; shift ;;
		--timeout) timeout=$2; shift 2 ;;
		--kill-on) kill_on=$2; shift 2 ;;
		--systemd) init="/lib/systemd/systemd systemd.wants=dbdtest.service"; shift ;;
		--guest-initrd) guest_initrd=1; shift ;;
		--append) append=$2; shift 2 ;;
		*) break ;;
		esac
	done
	local log=$SC_DIR/boot-$boot.log
	local -a drives=(-drive "file=$image,format=raw,if=virtio,snapshot=on")
	if [ -f "$SC_DIR/root.img" ]; then
		drives=(-drive "file=$SC_DIR/root.img,format=raw,if=virtio")
	elif [ -f "$SC_DIR/root.qcow2" ]; then
		drives=(-drive "file=$SC_DIR/root.qcow2,format=qcow2,if=virtio")
	fi
	if [ "$guest_initrd" = 1 ]; then
		initrd=$SC_DIR/initrd-guest-$boot
		_vm_guest_initrd "$initrd"
		[ -s "$initrd" ] || die "boot $boot: no /boot/initrd.img-$KVER in the scenario's root image"
	fi
	[ "$system_disk" = 1 ] || drives=()
	for d in "$@"; do
		drives+=(-drive "file=$SC_DIR/$d.img,format=raw,if=virtio")
	done
	: >"$log"
	rm -f "$SC_DIR/qemu.pid"
	t0=$(date +%s)
	# The guest's own watchdog fires 20 s before the host's hard timeout.
	# One vCPU (VM_SMP=2 for two): make check runs two guests at once on
	# two cores, and two guests of one vCPU each finished 20% sooner than
	# two of two (TCG's vCPU threads then fight over the cores). The CPU
	# model is the plain qemu64 (VM_CPU=max for every feature TCG emulates):
	# a boot of TEST-01 took 17.0 s against 22.7 s with max, medians of 5
	# (farm-bench), the kernel's code paths for AVX and the like being
	# slower to emulate than the baseline ones.
	timeout -k 5 "$timeout" qemu-system-x86_64 -accel tcg -cpu "${VM_CPU:-qemu64}" -smp "${VM_SMP:-1}" -m 1024 \
		-machine pc -nodefaults -display none -no-reboot -serial "file:$log" \
		-pidfile "$SC_DIR/qemu.pid" -monitor "unix:$SC_DIR/monitor.sock,server=on,wait=off" \
		-kernel "$kernel" -initrd "$initrd" "${drives[@]}" \
		-append "root=$root ro console=ttyS0 panic=-1 rd.shell=0 init=$init dbdtest.scenario=$SC_NAME dbdtest.boot=$boot dbdtest.watchdog=$((timeout - 20)) $append" &
	pid=$!
	if [ -n "$plug_on" ]; then
		while kill -0 "$pid" 2>/dev/null && ! grep -aqF -- "$plug_on" "$log"; do
			sleep 0.1
		done
		log "boot $boot: saw '$plug_on', plugging $plug_disk in"
		printf '%s\n' "drive_add 0 if=none,id=$plug_disk,file=$SC_DIR/$plug_disk.img,format=raw" \
			"device_add virtio-blk-pci,drive=$plug_disk,id=dev-$plug_disk" |
			socat - "UNIX-CONNECT:$SC_DIR/monitor.sock" >"$SC_DIR/monitor-$boot.log" 2>&1 ||
			log "boot $boot: the QEMU monitor refused the hotplug (see $SC_DIR/monitor-$boot.log)"
	fi
	rm -f "$SC_DIR/kernel-hang" "$SC_DIR/shutdown-hang-$boot"
	while kill -0 "$pid" 2>/dev/null; do
		if [ -n "$kill_on" ] && grep -aqF -- "$kill_on" "$log"; then
			log "boot $boot: saw '$kill_on', killing QEMU"
			kill -9 "$(cat "$SC_DIR/qemu.pid")" 2>/dev/null || true
			break
		fi
		if [ $(($(date +%s) - t0)) -ge "$KERNEL_HANG_S" ] && ! grep -aq 'Run /init as init process' "$log"; then
			echo hung >"$SC_DIR/kernel-hang"
			kill -9 "$(cat "$SC_DIR/qemu.pid")" 2>/dev/null || true
			break
		fi
		if [ -z "$t_end" ] && grep -aqE "^DBDBOOT-TEST: (PASS|FAIL) $SC_NAME $boot" "$log"; then
			t_end=$(date +%s)
		elif [ -n "$t_end" ] && [ $(($(date +%s) - t_end)) -ge "$SHUTDOWN_HANG_S" ]; then
			log "boot $boot: the shutdown did not finish within ${SHUTDOWN_HANG_S}s of the test's verdict line, killing QEMU"
			echo "$SHUTDOWN_HANG_S" >"$SC_DIR/shutdown-hang-$boot"
			kill -9 "$(cat "$SC_DIR/qemu.pid")" 2>/dev/null || true
			break
		fi
		sleep 0.2
	done
	wait "$pid" || rc=$?
	echo "$rc" >"$SC_DIR/boot-$boot.rc"
	if [ ! -f "$SC_DIR/kernel-hang" ] && [ -z "$kill_on" ] && grep -aq '^\[ *[0-9.]*\] Kernel panic' "$log" &&
		! grep -aq 'Run /init as init process' "$log"; then
		echo died >"$SC_DIR/kernel-hang"
	fi
	if [ -z "$kill_on" ] && [ ! -f "$SC_DIR/shutdown-hang-$boot" ] && [ ! -f "$SC_DIR/kernel-hang" ] &&
		{ [ $rc = 124 ] || [ $rc = 137 ]; }; then
		log "boot $boot: QEMU killed by the ${timeout}s timeout"
	fi
	log "boot $boot: $(since "$t0") s, QEMU exit status $rc, log $log"
	grep -a 'DBDBOOT-TEST:\|^guest:\|^FAIL:\|dattobd' "$log" | tr -d '\r' | sed 's/^/  | /' >&2 || true
}

vm_expect_pass() { # vm_expect_pass BOOT
	local log=$SC_DIR/boot-$1.log
	if grep -aq "^DBDBOOT-TEST: PASS $SC_NAME $1" "$log"; then
		return 0
	fi
	echo "--- last lines of $log" >&2
	tail -n 40 "$log" | tr -d '\r' >&2
	die "boot $1 of $SC_NAME did not pass: $(grep -a 'DBDBOOT-TEST: FAIL' "$log" | tail -n1 | tr -d '\r' || echo 'no verdict line (hang, crash or timeout)')"
}

# BOOT ended on its own: the guest rebooted (QEMU, with -no-reboot, then
# exits 0), no timeout and no kill; and the kernel did not oops on the way.
vm_expect_shutdown() { # vm_expect_shutdown BOOT
	local log=$SC_DIR/boot-$1.log
	if [ "$(cat "$SC_DIR/boot-$1.rc" 2>/dev/null)" != 0 ] || ! grep -aq 'reboot: Restarting system' "$log"; then
		local why='did not finish on its own'
		[ -f "$SC_DIR/shutdown-hang-$1" ] && why="did not finish within ${SHUTDOWN_HANG_S}s of the test's verdict line"
		die "boot $1 of $SC_NAME: the shutdown $why (QEMU exit status $(cat "$SC_DIR/boot-$1.rc" 2>/dev/null); last lines: $(tail -n 5 "$log" | tr -d '\r' | tr '\n' '|'))"
	fi
	vm_expect_no_oops "$1"
}

vm_expect_no_oops() { # vm_expect_no_oops BOOT
	! grep -aqE 'BUG: kernel NULL pointer|Oops:|general protection fault' "$SC_DIR/boot-$1.log" ||
		die "boot $1 of $SC_NAME: the kernel oopsed: $(grep -aE -m1 -A4 'BUG:|Oops:|general protection' "$SC_DIR/boot-$1.log" | tr -d '\r' | tr '\n' '|')"
}

vm_expect_log() { # vm_expect_log BOOT TEXT
	grep -aqF -- "$2" "$SC_DIR/boot-$1.log" ||
		die "boot $1 of $SC_NAME: the serial log lacks '$2'"
}

vm_expect_no_log() { # vm_expect_no_log BOOT TEXT
	! grep -aqF -- "$2" "$SC_DIR/boot-$1.log" ||
		die "boot $1 of $SC_NAME: the serial log has '$2': $(grep -aF -m1 -- "$2" "$SC_DIR/boot-$1.log" | tr -d '\r')"
}

vm_expect_log_order() { # vm_expect_log_order BOOT FIRST THEN
	local log=$SC_DIR/boot-$1.log a b
	a=$(grep -a -n -m1 -E -- "$2" "$log" | cut -d: -f1)
	b=$(grep -a -n -m1 -E -- "$3" "$log" | cut -d: -f1)
	[ -n "$a" ] || die "boot $1 of $SC_NAME: the serial log lacks '$2'"
	[ -n "$b" ] || die "boot $1 of $SC_NAME: the serial log lacks '$3'"
	[ "$a" -lt "$b" ] || die "boot $1 of $SC_NAME: '$2' (line $a) is not before '$3' (line $b)"
}

vm_done() {
	echo "$* ($(since "$SC_T0") s)"
}

vm_overlay() {
	local lower=${1:-$BASE/root}
	mkdir -p "$SC_DIR/upper" "$SC_DIR/work" "$SC_DIR/root"
	mount -t overlay overlay \
		-o "lowerdir=$lower,upperdir=$SC_DIR/upper,workdir=$SC_DIR/work" "$SC_DIR/root"
	trap vm_overlay_umount EXIT
	chroot_mount "$SC_DIR/root"
}

vm_root_mount() {
	mkdir -p "$SC_DIR/root"
	mount -o loop "$SC_DIR/root.img" "$SC_DIR/root"
	trap vm_overlay_umount EXIT
	chroot_mount "$SC_DIR/root"
}

vm_system_overlay() {
	[ -d "$SYS/layer" ] || die "no $SYS/layer: run tests/vm/lib/prepare.sh again"
	vm_overlay "$SYS/layer:${LOWER:-$BASE/root}"
}

vm_kernel_debs() { # vm_kernel_debs KVER: prints the directory holding them
	vm_debs "$1" "linux-image-$1" "linux-headers-$1"
}

vm_debs() { # vm_debs NAME PKG...: prints the directory holding them
	local name=$1 d=$BASE/debs/$1 tmp p have=1
	shift
	# Scenarios run in parallel: one download at a time.
	mkdir -p "$BASE/debs"
	exec 8>"$BASE/debs/.lock"
	flock 8
	for p in "$@"; do
		ls "$d/${p}_"*.deb >/dev/null 2>&1 || have=0
	done
	if [ "$have" = 0 ]; then
		tmp=$SC_DIR/debs.tmp
		mkdir -p "$tmp/upper" "$tmp/work" "$tmp/root"
		mount -t overlay overlay \
			-o "lowerdir=$BASE/root,upperdir=$tmp/upper,workdir=$tmp/work" "$tmp/root"
		mkdir -p "$tmp/root/tmp/debs"
		if ! in_chroot "$tmp/root" sh -c "cd /tmp/debs && apt-get -q -o APT::Sandbox::User=root download $*" >"$SC_DIR/debs.log" 2>&1; then
			umount "$tmp/root"
			die "could not download $*, see $SC_DIR/debs.log"
		fi
		mkdir -p "$d"
		cp "$tmp/root/tmp/debs/"*.deb "$d/"
		umount "$tmp/root"
		rm -rf "$tmp"
	fi
	exec 8>&-
	echo "$d"
}

vm_chroot_ms() { # vm_chroot_ms COMMAND...
	local t0 t1
	t0=$(date +%s%N)
	in_chroot "$SC_DIR/root" "$@" >>"$SC_DIR/bench.log" 2>&1 || die "$* failed, see $SC_DIR/bench.log"
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

vm_root_init_ms() { # vm_root_init_ms BOOT
	local ms
	ms=$(tr -d '\r' <"$SC_DIR/boot-$1.log" | sed -n 's/^bench: root-init-ms \([0-9]*\)$/\1/p')
	[ -n "$ms" ] || die "boot $1 printed no root-init-ms"
	echo "$ms"
}

vm_pkg() {
	in_chroot "$SC_DIR/root" env -u INITRD "$@"
}

vm_apt_cached() { # vm_apt_cached NAME COMMAND...
	local a=$SC_DIR/root/var/cache/apt/archives cache=$BASE/debs/$1 rc=0
	shift
	mkdir -p "$cache/partial"
	exec 8>"$BASE/debs/.lock"
	flock 8
	mount --bind "$cache" "$a"
	"$@" || rc=$?
	umount "$a"
	exec 8>&-
	return $rc
}

vm_apt_install() { # vm_apt_install PKG...
	vm_apt_cached apt chroot_apt_install "$SC_DIR/root" "$SC_DIR/apt.log" "$@" ||
		die "could not install $* in the scenario's root, see $SC_DIR/apt.log"
}

vm_image_of() { # vm_image_of R OUT
	local size
	chroot_umount "$1"
	size=$(($(du -sm "$1" | cut -f1) * 5 / 4 + 256))
	mke2fs -q -F -t ext4 -E lazy_itable_init=0,lazy_journal_init=0 -L root -d "$1" "$2" "${size}M"
	chroot_mount "$1"
}

vm_expect_ready() { # vm_expect_ready NAME
	local out=$SC_DIR/status-$1.txt
	if ! in_chroot "$SC_DIR/root" dbdboot status -k "$KVER" >"$out" 2>&1; then
		cat "$out" >&2
		die "$1: dbdboot status says $KVER is not ready"
	fi
	grep -q '^  System.map    recovered' "$out" || die "$1: the build did not use a recovered System.map ($out)"
}

vm_boot_tree() { # vm_boot_tree BOOT
	local r=$SC_DIR/root
	cp "$r/boot/vmlinuz-$KVER" "$SC_DIR/vmlinuz-$1"
	cp "$r/boot/initrd.img-$KVER" "$SC_DIR/initrd-$1"
	vm_image_of "$r" "$SC_DIR/root-$1.img"
	vm_boot "$1" --kernel "$SC_DIR/vmlinuz-$1" --initrd-file "$SC_DIR/initrd-$1" --image "$SC_DIR/root-$1.img"
	rm -f "$SC_DIR/root-$1.img"
	vm_expect_pass "$1"
}

# A package script may leave a process behind in the chroot for a moment
# (seen once after Debian 13's kernel purges: the root busy, then free):
# the root is unmounted once it is free, for up to 10 s, and the
# processes still in it are named.
vm_overlay_umount() {
	local r=$SC_DIR/root n=0 p
	chroot_umount "$r"
	while mountpoint -q "$r" && ! umount "$r" 2>/dev/null; do
		n=$((n + 1))
		if [ "$n" = 20 ]; then
			for p in /proc/[0-9]*; do
				case $(readlink "$p/root" 2>/dev/null) in
				"$r"*) log "still in $r: ${p#/proc/} $(tr '\0' ' ' <"$p/cmdline")" ;;
				esac
			done
			umount "$r"
			return
		fi
		[ "$n" != 1 ] || log "$r is busy: waiting for it (10 s at most)"
		sleep 0.5
	done
}

# The guest's /boot/initrd.img-KVER into OUT. After a crash the root's
# journal holds the last writes: they are replayed into a throwaway copy
# (the image itself stays as the crash left it, for the next boot to see).
_vm_guest_initrd() { # _vm_guest_initrd OUT
	local img=$SC_DIR/root.img rc=0
	rm -f "$1"
	if dumpe2fs -h "$img" 2>/dev/null | grep -q '^Filesystem features:.*needs_recovery'; then
		img=$SC_DIR/root-replayed.img
		cp --sparse=always "$SC_DIR/root.img" "$img"
		e2fsck -E journal_only -p "$img" >>"$SC_DIR/debugfs.log" 2>&1 || rc=$?
		[ "$rc" -le 1 ] || die "e2fsck could not replay the journal of a copy of the root image"
	fi
	debugfs -R "dump /boot/initrd.img-$KVER $1" "$img" >>"$SC_DIR/debugfs.log" 2>&1 || true
	rm -f "$SC_DIR/root-replayed.img"
}

vm_root_copy() {
	cp --sparse=always "$SYS/root.img" "$SC_DIR/root.img"
}

vm_debugfs() { # vm_debugfs DISK [-w] REQUEST
	local img=$SC_DIR/$1.img w=''
	shift
	if [ "$1" = -w ]; then w=-w; shift; fi
	debugfs $w -R "$1" "$img" >>"$SC_DIR/debugfs.log" 2>&1 ||
		die "debugfs '$1' on $img failed, see $SC_DIR/debugfs.log"
}

vm_tiny_root() { # vm_tiny_root NAME LABEL
	local tiny=$SC_DIR/$1 lib app s
	mkdir -p "$tiny"/{bin,dev,proc,sys,run,tmp,mnt,etc,lib64,lib/x86_64-linux-gnu}
	cp "$BASE/root/usr/bin/busybox" "$tiny/bin/"
	for lib in $(ldd "$BASE/root/usr/bin/busybox" | grep -o '/lib[^ ]*'); do
		cp "$BASE/root$lib" "$tiny$lib"
	done
	for app in sh mount umount grep sed awk cat cut dmesg mkdir sleep sync head tail tr date \
		echo ls test uname wc; do
		ln -s busybox "$tiny/bin/$app"
	done
	# A systemd initrd switches only into a root that says what it is.
	printf 'ID=dbdtest\nNAME="dbdboot test root"\n' >"$tiny/etc/os-release"
	mkdir -p "$tiny/dbdboot-tests/bin"
	cp "$VM_DIR/guest/init" "$VM_DIR/guest/lib.sh" "$tiny/dbdboot-tests/"
	cp "$BUILD/tests/dbdtest" "$tiny/dbdboot-tests/bin/"
	for s in "$SC_NAME" ${GUEST_ALSO:-}; do
		mkdir -p "$tiny/dbdboot-tests/$s"
		cp "$VM_DIR/$s/guest.sh" "$tiny/dbdboot-tests/$s/"
	done
	mke2fs -q -F -t ext4 -E lazy_itable_init=0,lazy_journal_init=0 -L "$2" -d "$tiny" \
		"$SC_DIR/$1.img" 32M >/dev/null
}

vm_root_overlay() {
	qemu-img create -q -f qcow2 -F raw -b "$SYS/root.img" "$SC_DIR/root.qcow2"
}

vm_initrd() { # vm_initrd NAME [--manifest FILE] [--file SRC DEST]...
	local name=$1 tree out size without='' from=$SYS/initrd
	shift
	tree=$SC_DIR/initrd-$name.tree
	out=$SC_DIR/initrd-$name
	rm -rf "$tree"
	mkdir -p "$tree"
	while [ $# -gt 0 ]; do
		case $1 in
		--manifest)
			install -D -m 0644 "$2" "$tree/etc/dbdboot/manifest"
			shift 2
			;;
		--file)
			install -D "$2" "$tree/${3#/}"
			shift 3
			;;
		--without)
			without=$2
			shift 2
			;;
		--from)
			from=$2
			shift 2
			;;
		*) die "vm_initrd: unknown option $1" ;;
		esac
	done
	if [ -n "$without" ]; then
		# The system's initrd is one zstd-compressed cpio archive (prepare.sh checks).
		rm -rf "$tree.full"
		mkdir -p "$tree.full"
		(cd "$tree.full" && zstd -q -d -c "$from" | cpio --quiet -i -d -m)
		find "$tree.full" -path "$tree.full/$without" -delete
		(cd "$tree.full" && find . | sort | cpio --quiet -o -H newc -R 0:0 | zstd -q -1 -T0) >"$out"
		rm -rf "$tree.full"
	else
		cp "$from" "$out"
	fi
	# An uncompressed cpio segment must start on a 4-byte boundary.
	size=$(stat -c %s "$out")
	if [ $((size % 4)) != 0 ]; then
		head -c $((4 - size % 4)) /dev/zero >>"$out"
	fi
	(cd "$tree" && find . -mindepth 1 | sort | cpio --quiet -o -H newc -R 0:0) >>"$out"
}
