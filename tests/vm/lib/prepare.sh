#!/bin/bash
# Prepare the system every VM scenario boots:
#
#   prepare.sh [initramfs-tools|dracut|real|real-dracut|trixie|trixie-dracut|real-trixie]
#
# in $BUILD/vm/system (initramfs-tools, the default) or $BUILD/vm/system-dracut
# (the base with dracut in place of initramfs-tools: mkdracut.sh); real and
# real-dracut (in system-real, system-real-dracut) hold the real dattobd
# instead of the test double (below); trixie and trixie-dracut (in
# system-trixie, system-trixie-dracut) are Debian 13's, with the double,
# and real-trixie (system-real-trixie) Debian 13's with the real driver
# (the others are Debian 12's):
#   root.img        ext4 image of the base tree plus: dbdboot installed with
#                   `make install DESTDIR=`, the test double built and
#                   installed by real dkms (-k KVER) with the real System.map
#                   put at /lib/modules/KVER/System.map, the guest side of the
#                   tests under /dbdboot-tests, an initrd by update-initramfs
#                   (or dracut -f)
#   vmlinuz, initrd the kernel and initrd to boot
#   initrd-nosystemd
#                   dracut only: the initrd made with systemd omitted
#                   (dracut's shell init)
#   env             KVER=... (the system's kernel: the newest, or for the
#                   real driver the oldest), OLD_KVER=..., NEW_KVER=... (the
#                   oldest and newest in the base), BASE=..., LOWER=... (the
#                   trees under the layer)
#   layer/          what this adds to the base tree (an overlay upper dir)
# The base tree comes from the cache (mkrootfs.sh); this layer is rebuilt on
# every run (about 20 s) so that it always holds the code under test.
#
# The real driver: its release tarball ($DBDBOOT_DATTOBD, default
# ../shared/dattobd/dattobd-0.12.1.tar.gz beside the project; or a DKMS
# source folder such as /usr/src/dattobd-VERSION) unpacked into
# /usr/src/dattobd-VERSION as the driver's own packages lay it out (src/
# and dist/dattobd-dkms-conf as dkms.conf), registered with dkms add, and
# built by dbdboot's own path: `dbdboot rebuild`, which recovers the
# System.map from the image (the real one is not put in place) and has
# dkms apply dbdboot's fix of the reload bug; that build is cached
# (real_build_cache). Nothing of it is kept in the project. DBDBOOT_DRIVER_FIX=off builds it without the fix (the switch
# of dbdboot(8), DRIVER FIX: the driver's bug as it is).
set -eu
# shellcheck source=tests/vm/lib/common.sh
. "$(dirname "$0")/common.sh"

need_root
need_cmds mke2fs qemu-system-x86_64 timeout flock
BUILD=${BUILD:-$TOP/build}
FLAVOUR=${1:-initramfs-tools}
SUITE=bookworm
case $FLAVOUR in
initramfs-tools) SYS=$BUILD/vm/system GEN=initramfs-tools DRIVER=double ;;
dracut) SYS=$BUILD/vm/system-dracut GEN=dracut DRIVER=double ;;
real) SYS=$BUILD/vm/system-real GEN=initramfs-tools DRIVER=real ;;
real-dracut) SYS=$BUILD/vm/system-real-dracut GEN=dracut DRIVER=real ;;
trixie) SYS=$BUILD/vm/system-trixie GEN=initramfs-tools DRIVER=double SUITE=trixie ;;
trixie-dracut) SYS=$BUILD/vm/system-trixie-dracut GEN=dracut DRIVER=double SUITE=trixie ;;
real-trixie) SYS=$BUILD/vm/system-real-trixie GEN=initramfs-tools DRIVER=real SUITE=trixie ;;
*) die "usage: prepare.sh [initramfs-tools|dracut|real|real-dracut|trixie|trixie-dracut|real-trixie]" ;;
esac
if [ "$DRIVER" = real ]; then
	REAL_SRC=$(real_dattobd) || die "$REAL_SRC"
fi
DOUBLE=$(find "$BUILD/double" -mindepth 1 -maxdepth 1 -name 'dattobd-*' 2>/dev/null | head -n1)
[ -f "$DOUBLE/dkms.conf" ] || die "no test double tree under $BUILD/double (run: make test-tools)"
[ -x "$BUILD/tests/dbdtest" ] || die "no $BUILD/tests/dbdtest (run: make test-tools)"
DVER=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$DOUBLE/dkms.conf")

# manual_add_modules, instmods and copy_exec skip what they cannot find:
# list the initrd. INITRD LIST FILE...
expect_in_initrd() {
	local initrd=$1 list=$2 f
	shift 2
	for f in "$@"; do
		grep -q "$f" "$list" || die "$initrd lacks $f (see $list, $SYS/initramfs.log)"
	done
}

make_initramfs_tools_initrd() {
	# Only the modules the guests need: virtio's, with what the lvm2 and
	# mdadm hooks add themselves (MODULES=list), not MODULES=most's 210
	# (Debian's default). Every mkinitramfs of a scenario then took 2.5 s
	# instead of 6.3 s here, and the initrd is 8.8 MB instead of 16.7 MB.
	# TEST-65-luks, whose cryptroot needs more, puts MODULES=most back.
	echo 'MODULES=list' >"$R/etc/initramfs-tools/conf.d/dbdtest-modules"
	printf '%s\n' virtio_pci virtio_blk >>"$R/etc/initramfs-tools/modules"
	in_chroot "$R" update-initramfs -c -k "$KVER" >"$SYS/initramfs.log" 2>&1 ||
		die "update-initramfs failed, see $SYS/initramfs.log"
	log "initrd made by update-initramfs in $(since "$t1") s"
	in_chroot "$R" lsinitramfs "/boot/initrd.img-$KVER" >"$SYS/initrd.list"
	expect_in_initrd "the initrd" "$SYS/initrd.list" usr/lib/dbdboot/dbdboot-early \
		scripts/local-premount/dbdboot dattobd.ko
}

# Debian's name for the initrd (dracut's own default would be
# /boot/initramfs-KVER.img); the one without systemd kept aside.
make_dracut_initrds() {
	local nosd=/boot/initrd-nosystemd-$KVER
	in_chroot "$R" dracut -f --kver "$KVER" "/boot/initrd.img-$KVER" >"$SYS/initramfs.log" 2>&1 ||
		die "dracut failed, see $SYS/initramfs.log"
	in_chroot "$R" dracut -f --kver "$KVER" --omit systemd "$nosd" >>"$SYS/initramfs.log" 2>&1 ||
		die "dracut --omit systemd failed, see $SYS/initramfs.log"
	log "initrds made by dracut in $(since "$t1") s"
	in_chroot "$R" lsinitrd "/boot/initrd.img-$KVER" >"$SYS/initrd.list"
	expect_in_initrd "the initrd" "$SYS/initrd.list" usr/lib/dbdboot/dbdboot-early \
		dbdboot-early.service dattobd.ko
	in_chroot "$R" lsinitrd "$nosd" >"$SYS/initrd-nosystemd.list"
	expect_in_initrd "the initrd without systemd" "$SYS/initrd-nosystemd.list" \
		usr/lib/dbdboot/dbdboot-early pre-mount/10-dbdboot-pre-mount.sh dattobd.ko
	grep -q 'usr/lib/systemd/systemd$' "$SYS/initrd-nosystemd.list" &&
		die "the initrd made with --omit systemd has systemd (see $SYS/initrd-nosystemd.list)"
	mv "$R$nosd" "$SYS/initrd-nosystemd"
}

build_double() {
	if ! in_chroot "$R" dkms build -m dattobd -v "$DVER" -k "$KVER" >>"$SYS/dkms.log" 2>&1; then
		tail -n 30 "$R/var/lib/dkms/dattobd/$DVER/build/make.log" 2>/dev/null >&2
		die "dkms build of the test double for $KVER failed, see $SYS/dkms.log"
	fi
	in_chroot "$R" dkms install -m dattobd -v "$DVER" -k "$KVER" >>"$SYS/dkms.log" 2>&1 ||
		die "dkms install failed, see $SYS/dkms.log"
	# dkms 3.2 (Debian 13) compresses what it installs as the kernel's own
	# modules are (.ko.xz there); dkms 3.0 (Debian 12) does not.
	compgen -G "$R/lib/modules/$KVER/updates/dkms/dattobd.ko*" >/dev/null ||
		die "dkms installed no dattobd.ko under /lib/modules/$KVER/updates/dkms"
	log "test double built and installed by dkms in $(since "$t1") s:" \
		"$(cd "$R/lib/modules/$KVER/updates/dkms" && echo dattobd.ko*)"
	# The fault scenarios (Debian 12's) need no more.
	[ "$SUITE" = bookworm ] || return 0
	# A module built for the other kernel ABI, for the fault scenarios.
	mkdir -p "$R/usr/lib/debug/boot"
	cp "$base/sysmap/System.map-$OLD" "$R/usr/lib/debug/boot/System.map-$OLD"
	in_chroot "$R" dkms build -m dattobd -v "$DVER" -k "$OLD" >>"$SYS/dkms.log" 2>&1 ||
		die "dkms build of the test double for $OLD failed, see $SYS/dkms.log"
	cp "$R/var/lib/dkms/dattobd/$DVER/$OLD/x86_64/module/dattobd.ko" "$SYS/dattobd-$OLD.ko"
	in_chroot "$R" dkms remove -m dattobd -v "$DVER" -k "$OLD" >>"$SYS/dkms.log" 2>&1 || true
	rm -f "$R/usr/lib/debug/boot/System.map-$OLD"
}

# What a build of the real dattobd for kernel K leaves in the root (a
# merged-/usr tree: /lib/modules is usr/lib/modules in a layer or a copy;
# the module dattobd.ko, or dattobd.ko.xz from Debian 13's dkms 3.2).
real_build_files() { # real_build_files K
	echo "var/lib/dkms/dattobd/$DVER/$1" "var/lib/dkms/dattobd/kernel-$1-x86_64" \
		"usr/lib/modules/$1/updates/dkms" \
		"usr/lib/modules/$1/System.map" "var/lib/dbdboot/kernels/$1" \
		"etc/dkms/dattobd-$DVER.conf" "usr/src/dattobd-$DVER/patches"
}

# The cache of the real driver's build with the fix, like the base tree's:
# keyed by everything the build depends on (the release, the fix and the
# host code that applies it, the kernel, the base tree); the first run
# builds, a later one with the same key restores it and dbdboot rebuild
# then verifies it and finds nothing to do. A dkms build of the real
# driver takes minutes (its configure step alone), and the dracut system
# needs the same one.
real_build_cache() { # real_build_cache K
	local key
	key=$( { if [ -d "$REAL_SRC" ]; then tar -C "$REAL_SRC" -c --sort=name --mtime=@0 .; else cat "$REAL_SRC"; fi
		cat "$TOP/initrd-modules/kernels/fixes/"*.patch "$TOP/initrd-modules/kernels/fix.c" "$TOP/initrd-modules/kernels/rebuild.c"
		echo "$1 $base"; } | sha256sum | cut -c1-16)
	echo "$VM_CACHE/real-builds/$DVER-$1-$key"
}

# The real driver for kernel K, built by dbdboot rebuild (System.map
# recovered, the fix applied by dkms; or taken from the cache), and checked
# as a user would: status says whether the module carries the fix.
build_real() { # build_real K
	local k=$1 want='carried' cache f
	cache=$(real_build_cache "$k")
	if [ "${DBDBOOT_DRIVER_FIX:-on}" = off ]; then
		touch "$R/etc/dbdboot/no-driver-fix"
		want='switched off'
	elif [ -f "$cache/done" ]; then
		for f in $(real_build_files "$k"); do
			mkdir -p "$(dirname "$R/$f")"
			rm -rf "${R:?}/$f"
			cp -a "$cache/$f" "$R/$f"
		done
		in_chroot "$R" depmod -a "$k"
		log "the real dattobd's build (with the fix) taken from the cache: $cache"
	fi
	in_chroot "$R" dbdboot rebuild -k "$k" >>"$SYS/dkms.log" 2>&1 ||
		die "dbdboot rebuild of the real dattobd $DVER for $k failed, see $SYS/dkms.log"
	in_chroot "$R" dbdboot status -k "$k" >"$SYS/status.txt" 2>&1 || true
	grep -q "^  driver fix    $want" "$SYS/status.txt" ||
		die "status does not say the fix is $want (see $SYS/status.txt, $SYS/dkms.log)"
	log "real dattobd $DVER: dbdboot rebuild: $(grep -o 'nothing to do\|built, installed and verified' "$SYS/dkms.log" | tail -n1) (fix $want) in $(since "$t1") s"
	if [ "$want" = carried ] && [ ! -f "$cache/done" ]; then
		rm -rf "$cache.tmp"
		for f in $(real_build_files "$k"); do
			mkdir -p "$(dirname "$cache.tmp/$f")"
			cp -a "$R/$f" "$cache.tmp/$f"
		done
		: >"$cache.tmp/done"
		rm -rf "$cache"
		mv "$cache.tmp" "$cache"
	fi
	if [ "$want" = carried ] && [ "$FLAVOUR" = real ] && [ "$k" = "$KVER" ]; then
		build_unfixed "$cache"
	fi
}

# The driver's configure step (its genconfig.sh: a kbuild run for each of
# about 110 feature tests, some 6 minutes of CPU here, the bulk of a real
# build) as it ran for the fixed build of kernel K, written again from what
# it printed there (in dbdboot's copy of dkms' output, STATE/kernels/K/
# dkms.log: one line per test, present or not) and the addresses of the
# symbols it looks up in the System.map it read. The fix changes no test
# and no symbol, so the build without it needs no second run. Checked
# against a run of genconfig.sh for 6.1.0-57-cloud-amd64: the same
# definitions. Fails (the caller then runs the configure step) unless the
# log has exactly one result for each test.
configure_from_log() { # configure_from_log K SRC >kernel-config.h
	local log=$R/var/lib/dbdboot/kernels/$1/dkms.log map=$R/lib/modules/$1/System.map src=$2 n want s a
	[ -f "$log" ] && [ -f "$map" ] || return 1
	want=$(find "$src/configure-tests/feature-tests" -maxdepth 1 -name '*.c' | wc -l)
	n=$(grep -c '^performing configure test: HAVE_[A-Z0-9_]* - \(not \)\{0,1\}present$' "$log")
	[ "$want" -gt 0 ] && [ "$n" = "$want" ] || return 1
	printf '#ifndef DATTOBD_KERNEL_CONFIG_H\n#define DATTOBD_KERNEL_CONFIG_H\n'
	sed -n 's/^performing configure test: \(HAVE_[A-Z0-9_]*\) - present$/#define \1/p' "$log"
	while read -r s; do
		[ -n "$s" ] || continue
		a=$(awk -v s="$s" '$3 == s { print $1 }' "$map")
		echo "#define ${s^^}_ADDR 0x${a:-0}"
	done <"$src/configure-tests/symbol-tests"
	echo '#endif'
}

# The same release built as it is, without the fix, for the driver's bug
# as it is (TEST-92-real-unfixed): as dkms would build it (its configure
# step, written from the fixed build's when it can be: configure_from_log;
# then kbuild), into the image at /dbdboot-tests/dattobd-unfixed.ko,
# where a scenario puts it in place of the fixed build. Cached with that
# build (the real system only; the dracut one does not need it).
build_unfixed() {
	local cache=$1 u=/tmp/dattobd-unfixed t how='its configure step run again'
	if [ ! -f "$cache/unfixed.ko" ]; then
		t=$(date +%s)
		rm -rf "${R:?}$u"
		cp -a "$R/usr/src/dattobd-$DVER" "$R$u"
		rm -rf "${R:?}$u/patches"
		if configure_from_log "$KVER" "$R$u" >"$R$u/kernel-config.h"; then
			how="the fixed build's configure results"
		else
			rm -f "$R$u/kernel-config.h"
			in_chroot "$R" sh -c "cd $u && ./genconfig.sh '$KVER' -j2" >"$SYS/unfixed.log" 2>&1 ||
				die "the configure step of dattobd $DVER failed, see $SYS/unfixed.log"
		fi
		in_chroot "$R" sh -c "make -j2 -C /lib/modules/$KVER/build M=$u KVER=$KVER modules" \
			>>"$SYS/unfixed.log" 2>&1 || die "the build of dattobd $DVER without the fix failed, see $SYS/unfixed.log"
		cp "$R$u/dattobd.ko" "$cache/unfixed.ko.tmp"
		mv "$cache/unfixed.ko.tmp" "$cache/unfixed.ko"
		rm -rf "${R:?}$u"
		log "real dattobd $DVER built without the fix ($how) in $(since "$t") s"
	fi
	[ -z "$(modinfo -F dbdboot_fix "$cache/unfixed.ko")" ] ||
		die "$cache/unfixed.ko carries dbdboot's fix"
	cp "$cache/unfixed.ko" "$R/dbdboot-tests/dattobd-unfixed.ko"
}

t0=$(date +%s)
base=$(bash "$VM_LIB/mkrootfs.sh" "$SUITE")
# The system's kernel: the newest ABI; the real driver's systems run the
# older one (OLD), so that both build the driver for one kernel (a dkms
# build of the real driver is some 6 minutes of CPU; the second system
# takes the first one's from real_build_cache) and the newest is left for
# TEST-93-real-dracut-upgrade to upgrade to (NEW_KVER).
NEW=$(tail -n1 "$base/kernels")
OLD=$(head -n1 "$base/kernels")
KVER=$NEW
[ "$DRIVER" = double ] || KVER=$OLD
LOWER=$base/root
if [ "$GEN" = dracut ]; then
	LOWER=$(bash "$VM_LIB/mkdracut.sh" "$base")/upper:$base/root
fi
log "base $base, kernel $KVER, $FLAVOUR"

cleanup() {
	chroot_umount "$SYS/root"
	mountpoint -q "$SYS/root" && umount "$SYS/root"
}
if mountpoint -q "$SYS/root" 2>/dev/null; then cleanup; fi
rm -rf "$SYS"
mkdir -p "$SYS/upper" "$SYS/work" "$SYS/root"
trap cleanup EXIT
mount -t overlay overlay -o "lowerdir=$LOWER,upperdir=$SYS/upper,workdir=$SYS/work" "$SYS/root"
R=$SYS/root

root_install "$R" >/dev/null
if [ "$DRIVER" = double ]; then
	cp -a "$DOUBLE" "$R/usr/src/dattobd-$DVER"
	cp "$base/sysmap/System.map-$KVER" "$R/lib/modules/$KVER/System.map"
else
	DVER=$(real_dattobd_unpack "$REAL_SRC" "$R/usr/src")
fi

mkdir -p "$R/dbdboot-tests/bin"
cp "$VM_DIR/guest/init" "$VM_DIR/guest/lib.sh" "$R/dbdboot-tests/"
cp "$BUILD/tests/dbdtest" "$R/dbdboot-tests/bin/"
for d in "$VM_DIR"/TEST-* "$VM_DIR"/bench-* "$VM_DIR"/draft-* "$VM_DIR/demo"; do
	[ -f "$d/guest.sh" ] || continue
	mkdir -p "$R/dbdboot-tests/$(basename "$d")"
	cp "$d/guest.sh" "$R/dbdboot-tests/$(basename "$d")/"
done

# The whole-system boots (vm_boot --systemd): the test unit, fail-fast
# emergency mode, dbdboot's units enabled and on the console, a root fstab
# (pass 0: no fsck in the initrd, as before), a fixed machine id.
cp "$VM_DIR/guest/systemd-test" "$R/dbdboot-tests/"
install -D -m 0644 "$VM_DIR/guest/dbdtest.service" "$R/etc/systemd/system/dbdtest.service"
install -D -m 0644 "$VM_DIR/guest/emergency.conf" "$R/etc/systemd/system/emergency.service.d/dbdtest.conf"
install -D -m 0644 "$VM_DIR/guest/rescue.conf" "$R/etc/systemd/system/rescue.service.d/dbdtest.conf"
for u in dbdboot-shutdown dbdboot-verdict; do
	install -D -m 0644 "$VM_DIR/guest/console.conf" "$R/etc/systemd/system/$u.service.d/dbdtest.conf"
done
echo 'LABEL=root / ext4 defaults 0 0' >"$R/etc/fstab"
echo 0b5c5a3e5d2a4c1e8f7a6b5c4d3e2f10 >"$R/etc/machine-id"

chroot_mount "$R"
in_chroot "$R" systemctl enable dbdboot-shutdown.service dbdboot-verdict.service \
	>"$SYS/systemctl.log" 2>&1 || die "systemctl enable failed, see $SYS/systemctl.log"
# No login prompt on the serial console: it would share lines with the verdicts.
in_chroot "$R" systemctl mask serial-getty@ttyS0.service getty@tty1.service \
	>>"$SYS/systemctl.log" 2>&1 || die "systemctl mask failed, see $SYS/systemctl.log"
# Nor what no scenario needs and every systemd boot would wait for:
# e2scrub_reap holds multi-user.target back by seconds under TCG (it scans
# for LVM snapshots), the timers only arm jobs no test runs.
in_chroot "$R" systemctl mask e2scrub_reap.service e2scrub_all.timer apt-daily.timer \
	apt-daily-upgrade.timer dpkg-db-backup.timer fstrim.timer >>"$SYS/systemctl.log" 2>&1 ||
	die "systemctl mask failed, see $SYS/systemctl.log"
# With dracut installed, mdadm's shutdown unit runs dracut at every
# shutdown (a minute under TCG) to make md arrays stop cleanly; no dracut
# scenario has one.
if [ "$GEN" = dracut ]; then
	in_chroot "$R" systemctl mask mdadm-shutdown.service >>"$SYS/systemctl.log" 2>&1 ||
		die "systemctl mask failed, see $SYS/systemctl.log"
fi
# -cpu max offers SVM, so udev loads kvm_amd, which under TCG has held a
# boot up for up to 14 s (an RCU stall clearing its pages): no guest runs VMs.
printf 'blacklist kvm_amd\nblacklist kvm_intel\nblacklist kvm\n' >"$R/etc/modprobe.d/dbdtest-no-kvm.conf"
# Every systemd boot under TCG pays for each process it starts: what no
# scenario uses is left out (about 3 s of a 27 s boot, measured with a
# boot that only starts the test unit). The PC machine's IDE controller
# (udev would load ata_piix and probe it), the gettys getty-static starts
# when there is no logind, LVM's monitoring of mirrors and snapshots (not
# its activation), the mounts and modules nothing reads, and the
# generators of what no test has (GPT auto-mounts, gettys, hibernation,
# dm-integrity and dm-verity, offline updates, systemd.run=). Kept: fstab,
# cryptsetup, debug (systemd.wants= on the command line starts the test
# unit), sysv and rc-local (packages' init scripts), dbdboot's.
printf 'blacklist ata_piix\nblacklist pata_acpi\nblacklist ata_generic\nblacklist powernow_k8\n' \
	>"$R/etc/modprobe.d/dbdtest-no-ide.conf"
in_chroot "$R" systemctl mask getty-static.service lvm2-monitor.service modprobe@efi_pstore.service \
	modprobe@fuse.service sys-fs-fuse-connections.mount sys-kernel-debug.mount sys-kernel-tracing.mount \
	dev-hugepages.mount >>"$SYS/systemctl.log" 2>&1 || die "systemctl mask failed, see $SYS/systemctl.log"
mkdir -p "$R/etc/systemd/system-generators"
for g in gpt-auto getty hibernate-resume integritysetup veritysetup system-update run; do
	ln -sf /dev/null "$R/etc/systemd/system-generators/systemd-$g-generator"
done
t1=$(date +%s)
in_chroot "$R" dkms add -m dattobd -v "$DVER" >"$SYS/dkms.log" 2>&1 ||
	die "dkms add failed, see $SYS/dkms.log"
if [ "$DRIVER" = double ]; then
	build_double
else
	build_real "$KVER"
fi
t1=$(date +%s)
if [ "$GEN" = dracut ]; then
	make_dracut_initrds
else
	make_initramfs_tools_initrd
fi
chroot_umount "$R"

cp "$R/boot/vmlinuz-$KVER" "$SYS/vmlinuz"
cp "$R/boot/initrd.img-$KVER" "$SYS/initrd"
# Debian 13's initramfs-tools puts the modules, compressed already
# (.ko.xz), into a first segment that it does not compress, and the rest
# into a zstd one: vm_initrd --without is for Debian 12's systems only.
if [ "$SUITE" = bookworm ] || [ "$GEN" = dracut ]; then
	zstd -q -t "$SYS/initrd" 2>/dev/null ||
		die "the initrd is not one zstd archive (vm_initrd --without needs that): is zstd in the root tree?"
fi
t1=$(date +%s)
size=$(($(du -sm "$R" | cut -f1) * 5 / 4 + 256))
mke2fs -q -F -t ext4 -E lazy_itable_init=0,lazy_journal_init=0 -L root -d "$R" \
	"$SYS/root.img" "${size}M"
log "root image of ${size} MiB made in $(since "$t1") s"
cleanup
trap - EXIT
# The layer stays: scenarios that change the system with packages mount it
# over the base again (vm_system_overlay).
mv "$SYS/upper" "$SYS/layer"
rm -rf "$SYS/work" "$SYS/root"
printf 'KVER=%s\nOLD_KVER=%s\nNEW_KVER=%s\nBASE=%s\nLOWER=%s\n' "$KVER" "$OLD" "$NEW" "$base" "$LOWER" >"$SYS/env"
log "system ready in $(since "$t0") s"
