#!/bin/bash
# TEST-76-dracut-inject: dbdboot inject and status on a dracut system.
# In a chroot of it (the host): `inject -k` regenerates the initrd with
# dracut -f and reads it back, `inject --manifest-only` appends a changed
# manifest to it (a few hundred bytes, not a new initrd), and status finds
# it under Debian's name and under Fedora's (/boot/initramfs-KVER.img);
# dracut without the agent, or without dattobd, warns and makes the initrd.
# Then booted: boot 1 tracks the root and `dbdboot sync` appends the
# manifest to the guest's own dracut initrd; boot 2 boots that initrd
# (as a boot loader would): the root reloaded before its mount, resumed.
# vm-cost: 185 (seconds, for tests/check.sh: the longest scenarios start first)
VM_FLAVOUR=dracut
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

R=$SC_DIR/root
status_of() { # status_of FIELD...: the kernel's status, FIELDs checked
	local want
	in_chroot "$R" dbdboot status -k "$KVER" -J >"$SC_DIR/status.json" 2>>"$SC_DIR/inject.log" || true
	for want in "$@"; do
		grep -q -- "$want" "$SC_DIR/status.json" ||
			die "dbdboot status lacks $want: $(cat "$SC_DIR/status.json")"
	done
}
vm_system_overlay
printf '%s\n' 'dbdboot-manifest 1' \
	'volume mode=incremental device=LABEL=root cow=/.datto minor=0' >"$R/etc/dbdboot/manifest"
in_chroot "$R" dbdboot inject -k "$KVER" >"$SC_DIR/inject.log" 2>&1 ||
	die "dbdboot inject -k $KVER failed on the dracut system, see $SC_DIR/inject.log"
grep -q 'dracut' "$SC_DIR/inject.log" || die "inject did not run dracut, see $SC_DIR/inject.log"
status_of '"ready": true' '"generator": "dracut"' '"script": "ok"' '"manifest": "ok"'
size0=$(stat -c %s "$R/boot/initrd.img-$KVER")
echo '# changed' >>"$R/etc/dbdboot/manifest"
status_of '"manifest": "stale"'
in_chroot "$R" dbdboot inject -k "$KVER" --manifest-only >>"$SC_DIR/inject.log" 2>&1 ||
	die "dbdboot inject --manifest-only failed on a dracut initrd, see $SC_DIR/inject.log"
grown=$(($(stat -c %s "$R/boot/initrd.img-$KVER") - size0))
if [ "$grown" -le 0 ] || [ "$grown" -ge 4096 ]; then
	die "inject --manifest-only changed the dracut initrd by $grown bytes (an appended segment is < 4 KiB)"
fi
status_of '"ready": true' '"manifest": "ok"'
mv "$R/boot/initrd.img-$KVER" "$R/boot/initramfs-$KVER.img"
status_of '"ready": true' "\"path\": \"/boot/initramfs-$KVER.img\""

# What is missing never fails dracut: an initrd without it, a loud warning.
missing() { # missing WHAT WARNING [ENV...]: dracut -f without WHAT
	local what=$1 warning=$2 log=$SC_DIR/dracut-no-$1.log
	shift 2
	in_chroot "$R" env "$@" dracut -f --kver "$KVER" "/tmp/initrd-no-$what" >"$log" 2>&1 ||
		die "dracut failed when $what was missing (it must warn and go on), see $log"
	grep -q -- "$warning" "$log" || die "dracut did not warn '$warning' without $what, see $log"
	in_chroot "$R" lsinitrd "/tmp/initrd-no-$what" >"$log.list"
}
missing agent "the early agent /usr/lib/dbdboot/absent is missing" DBDBOOT_AGENT=/usr/lib/dbdboot/absent
if grep -q 'dbdboot-early' "$SC_DIR/dracut-no-agent.log.list"; then
	die "the initrd made without the agent has an agent or its unit"
fi
mv "$R/lib/modules/$KVER/updates/dkms/dattobd.ko" "$SC_DIR/dattobd.ko.aside"
in_chroot "$R" depmod "$KVER"
missing module "no dattobd module for kernel $KVER"
mv "$SC_DIR/dattobd.ko.aside" "$R/lib/modules/$KVER/updates/dkms/dattobd.ko"
in_chroot "$R" depmod "$KVER"
grep -q 'dattobd.ko' "$SC_DIR/dracut-no-module.log.list" && die "the initrd made without dattobd has it"
grep -q 'dbdboot-early.service' "$SC_DIR/dracut-no-module.log.list" ||
	die "the initrd made without dattobd lost the agent's unit too"
vm_overlay_umount
trap - EXIT
log "inject on dracut: regenerated, then $grown bytes appended; found under both names"

vm_root_copy
vm_boot 1
vm_expect_pass 1
vm_boot 2 --guest-initrd
vm_expect_pass 2
vm_expect_log 2 "dbdboot: minor 0: UUID="
vm_done "dracut: inject regenerates and appends, status reads both names, a synced manifest booted: 2 boots"
