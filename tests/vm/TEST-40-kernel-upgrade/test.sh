#!/bin/bash
# TEST-40-kernel-upgrade: the kernel upgrade from OLD_KVER to KVER with the
# real packages, dpkg, dkms and update-initramfs, in each install order:
# headers first, image first, both in one dpkg call. Before each, KVER is
# purged (the kernel removal: what dbdboot wrote for it must go). After
# each, with only dbdboot's kernel hooks to help, `dbdboot status` must say
# KVER is ready, and a boot of KVER with the initrd the hooks left must have
# the agent load the module dkms built and reload the root before its
# first mount. The System.map the build needs is the one dbdboot recovers.
# The old kernel has dattobd built, so dkms keeps it registered throughout,
# as on a real system; which is why, headers first, dkms' own header hook
# fails the headers' configuration (see below).
# UPGRADE_ORDERS chooses the orders (all three by default). On the dracut
# system, image first, with the real driver: TEST-93-real-dracut-upgrade
# (it was TEST-75, with the double).
# vm-cost: 255 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

DEBS=$(vm_kernel_debs "$KVER")
IMG=$(basename "$(ls "$DEBS"/linux-image-"$KVER"_*.deb)")
HDR=$(basename "$(ls "$DEBS"/linux-headers-"$KVER"_*.deb)")
vm_system_overlay
R=$SC_DIR/root
mkdir -p "$R/tmp/debs"
cp "$DEBS/$IMG" "$DEBS/$HDR" "$R/tmp/debs/"
cat >"$R/etc/dbdboot/manifest" <<'MANIFEST'
dbdboot-manifest 1
volume mode=incremental device=LABEL=root cow=/.datto minor=0
MANIFEST

# The system as it runs before the upgrade: OLD_KVER with dattobd built and
# in its initrd (dbdboot rebuild recovers OLD_KVER's System.map first).
# That build also keeps dattobd registered with dkms through the purges.
in_chroot "$R" dbdboot rebuild -k "$OLD_KVER" >"$SC_DIR/old.log" 2>&1 ||
	die "dbdboot rebuild -k $OLD_KVER failed, see $SC_DIR/old.log"
in_chroot "$R" dbdboot inject -k "$OLD_KVER" >>"$SC_DIR/old.log" 2>&1 ||
	die "dbdboot inject -k $OLD_KVER failed, see $SC_DIR/old.log"
in_chroot "$R" dbdboot status -k "$OLD_KVER" >>"$SC_DIR/old.log" 2>&1 ||
	die "dbdboot status -k $OLD_KVER says not ready, see $SC_DIR/old.log"
# Again: nothing to do, quickly.
in_chroot "$R" dbdboot rebuild -k "$OLD_KVER" >>"$SC_DIR/old.log" 2>&1 ||
	die "the second dbdboot rebuild -k $OLD_KVER failed, see $SC_DIR/old.log"
grep -q 'verified: nothing to do' "$SC_DIR/old.log" ||
	die "the second rebuild of $OLD_KVER did not find it verified, see $SC_DIR/old.log"

# A build that fails (a broken source): exit 1 with the end of dkms'
# make.log and what to do; then the repaired source builds again.
SRC=$(ls -d "$R"/usr/src/dattobd-*/)
cp "$SRC/main.c" "$SC_DIR/main.c.good"
echo '#error dbdboot test: a build that fails' >>"$SRC/main.c"
if in_chroot "$R" dbdboot rebuild -k "$OLD_KVER" --force >"$SC_DIR/fail.log" 2>&1; then
	die "a failing build was reported as a success, see $SC_DIR/fail.log"
fi
for text in 'last lines of /var/lib/dkms/dattobd' 'a build that fails' 'what to do:' \
	"dbdboot rebuild -k $OLD_KVER"; do
	grep -q -- "$text" "$SC_DIR/fail.log" || die "the failed rebuild did not say '$text', see $SC_DIR/fail.log"
done
cp "$SC_DIR/main.c.good" "$SRC/main.c"
in_chroot "$R" dbdboot rebuild -k "$OLD_KVER" >>"$SC_DIR/old.log" 2>&1 ||
	die "the rebuild after the repair failed, see $SC_DIR/old.log"

# The removal: first let dbdboot own KVER's System.map (recovered, over the
# -dbg one prepare.sh put there), then purge the kernel.
in_chroot "$R" dbdboot sysmap -k "$KVER" --force >"$SC_DIR/sysmap.log" 2>&1 ||
	die "dbdboot sysmap failed, see $SC_DIR/sysmap.log"
[ -d "$R/var/lib/dbdboot/kernels/$KVER" ] || die "dbdboot recorded nothing for $KVER"

purge() { # purge ORDER
	vm_pkg dpkg --purge "linux-headers-$KVER" "linux-image-$KVER" >"$SC_DIR/purge-$1.log" 2>&1 ||
		die "dpkg --purge failed, see $SC_DIR/purge-$1.log"
	[ ! -e "$R/lib/modules/$KVER/System.map" ] ||
		die "the recovered System.map of the removed $KVER is still there"
	[ ! -e "$R/var/lib/dbdboot/kernels/$KVER" ] ||
		die "dbdboot's records of the removed $KVER are still there"
	if in_chroot "$R" dbdboot status -k "$KVER" >/dev/null 2>&1; then
		die "status says the removed $KVER is ready"
	fi
}

install_order() { # install_order ORDER
	local o=$1 log=$SC_DIR/install-$1.log
	case $o in
	headers-first)
		# dattobd's build cannot work before the image exists (no System.map),
		# and dkms' own header hook tries it and fails the headers' configure
		# step, dbdboot or not (dkms 3.0.10 offers no per-kernel way to hold
		# its autoinstall off). dbdboot's hook says so beforehand; the image's
		# hooks build it; dpkg --configure -a then ends cleanly.
		if vm_pkg dpkg -i "/tmp/debs/$HDR" >"$log" 2>&1; then
			log "headers-first: dkms' header hook did not fail this time"
		else
			grep -q 'header_postinst.d/dkms exited' "$log" ||
				{ tail -n 30 "$log" >&2; die "the headers' configure step failed, and not in dkms' hook"; }
		fi
		grep -q 'that failure is expected\|That failure is expected' "$log" ||
			die "dbdboot's header hook did not explain dkms' coming failure"
		vm_pkg dpkg -i "/tmp/debs/$IMG" >>"$log" 2>&1 && vm_pkg dpkg --configure -a >>"$log" 2>&1
		;;
	image-first) vm_pkg dpkg -i "/tmp/debs/$IMG" >"$log" 2>&1 && vm_pkg dpkg -i "/tmp/debs/$HDR" >>"$log" 2>&1 ;;
	together) vm_pkg dpkg -i "/tmp/debs/$HDR" "/tmp/debs/$IMG" >"$log" 2>&1 ;;
	esac || { tail -n 40 "$log" >&2; die "the $o installation failed, see $log"; }
	grep 'dbdboot' "$log" | sed "s/^/  $o| /" >&2 || true
	vm_expect_ready "$o"
}

ORDERS=${UPGRADE_ORDERS:-headers-first image-first together}
for order in $ORDERS; do
	t0=$(date +%s)
	purge "$order"
	install_order "$order"
	log "$order: purged and installed in $(since "$t0") s"
	vm_boot_tree "$order"
done
n=$(echo "$ORDERS" | wc -w)
vm_done "kernel upgrade, install orders $ORDERS, each after a removal; boots: $n"
