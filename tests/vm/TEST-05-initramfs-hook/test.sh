#!/bin/bash
# TEST-05-initramfs-hook: the hook checks its inputs. No boot: real
# update-initramfs in a chroot on an overlay of the base tree.
#   - no dattobd built for the kernel: a loud warning, and an initrd with
#     the agent and the boot script (TEST-20 boots one without the module);
#   - no manifest: a warning; with one: it is in the initrd;
#   - the agent missing: a loud warning, and update-initramfs still makes a
#     bootable initrd (without the agent), as the policy for every initrd
#     hook says; dbdboot status reports it.
# vm-cost: 125 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_overlay
R=$SC_DIR/root
root_install "$R" >/dev/null
# The modules the system's initrd has (prepare.sh), not Debian's
# MODULES=most: each update-initramfs here took 40 s instead of 20 s
# (nothing here depends on the modules).
echo 'MODULES=list' >"$R/etc/initramfs-tools/conf.d/dbdtest-modules"

mkinitrd() { # mkinitrd LOG: update-initramfs -c for KVER; its status
	in_chroot "$R" update-initramfs -c -k "$KVER" >"$SC_DIR/$1" 2>&1
}
listing() { in_chroot "$R" lsinitramfs "/boot/initrd.img-$KVER"; }

mkinitrd no-module.log || die "update-initramfs failed without dattobd (see $SC_DIR/no-module.log)"
grep -q "W: dbdboot: no dattobd module for kernel $KVER" "$SC_DIR/no-module.log" ||
	die "no loud warning about the missing module (see $SC_DIR/no-module.log)"
grep -q "W: dbdboot: no manifest at /etc/dbdboot/manifest" "$SC_DIR/no-module.log" ||
	die "no warning about the missing manifest"
listing >"$SC_DIR/no-module.list"
grep -q 'usr/lib/dbdboot/dbdboot-early' "$SC_DIR/no-module.list" || die "the agent is not in the initrd"
grep -q 'scripts/local-premount/dbdboot' "$SC_DIR/no-module.list" || die "the boot script is not in the initrd"
! grep -q 'dattobd.ko' "$SC_DIR/no-module.list" || die "a dattobd module came from nowhere"
log "no module: warned loudly, initrd made with the agent and the script"

printf 'dbdboot-manifest 1\nvolume mode=incremental device=/dev/vdb cow=/.datto minor=0\n' \
	>"$R/etc/dbdboot/manifest"
mkinitrd manifest.log || die "update-initramfs failed with a manifest"
listing >"$SC_DIR/manifest.list"
grep -q '^etc/dbdboot/manifest$' "$SC_DIR/manifest.list" || die "the manifest is not in the initrd"
log "manifest: copied into the initrd"

rm "$R/usr/lib/dbdboot/dbdboot-early"
mkinitrd no-agent.log || die "update-initramfs failed without the agent (see $SC_DIR/no-agent.log)"
grep -q "W: dbdboot: the early agent /usr/lib/dbdboot/dbdboot-early is missing" "$SC_DIR/no-agent.log" ||
	die "no loud warning about the missing agent (see $SC_DIR/no-agent.log)"
listing >"$SC_DIR/no-agent.list"
! grep -q 'usr/lib/dbdboot/dbdboot-early' "$SC_DIR/no-agent.list" || die "an agent came from nowhere"
grep -q '^etc/dbdboot/manifest$' "$SC_DIR/no-agent.list" || die "the manifest is not in the initrd"
in_chroot "$R" dbdboot status -k "$KVER" >"$SC_DIR/no-agent.status" 2>&1 &&
	die "dbdboot status calls an initrd without the agent ready"
grep -q 'agent missing' "$SC_DIR/no-agent.status" ||
	die "dbdboot status does not say the agent is missing: $(cat "$SC_DIR/no-agent.status")"
log "no agent: warned loudly, initrd made without it, status says so"
vm_done "initramfs hook: warns without the module, the manifest or the agent, never fails"
