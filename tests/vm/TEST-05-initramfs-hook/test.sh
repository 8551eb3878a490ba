#!/bin/bash
# TEST-05-initramfs-hook: the hook checks its inputs. No boot: real
# update-initramfs in a chroot on an overlay of the base tree.
#   - no dattobd built for the kernel: a loud warning, and an initrd with
#     the agent and the boot script (TEST-20 boots one without the module);
#   - no manifest: a warning; with one: it is in the initrd;
#   - the agent missing: update-initramfs fails and says why.
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_overlay
R=$SC_DIR/root
make -s -C "$TOP" install DESTDIR="$R" PREFIX=/usr BUILD="$BUILD" >/dev/null

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
if mkinitrd no-agent.log; then
	die "update-initramfs succeeded without the agent"
fi
grep -q "E: dbdboot: the early agent /usr/lib/dbdboot/dbdboot-early is missing" "$SC_DIR/no-agent.log" ||
	die "the failure does not say the agent is missing (see $SC_DIR/no-agent.log)"
log "no agent: update-initramfs failed and said why"
vm_done "initramfs hook: warns without the module or the manifest, fails without the agent"
