#!/bin/bash
# TEST-21-signatures: module signatures enforced (module.sig_enforce=1 on
# the next boot's command line, in /etc/default/grub as a user would put
# it). In a chroot of the system, before any reboot, `dbdboot status`
# predicts that dattobd will not load, and says why:
#  - unsigned: the module prepare.sh's dkms built (no openssl there, so
#    dkms had no key to sign with);
#  - signed by a key the kernel cannot trust: openssl installed, `dbdboot
#    rebuild --force`: dkms makes its MOK key and signs the module; status
#    and rebuild name the key and say how to enroll it (mokutil).
# Each is then booted with module.sig_enforce=1: the kernel refuses the
# module, the agent names the refusal (EKEYREJECTED), and `dbdboot
# verdict` judges the root chain-broken, module-signature-refused.
# The positive path (an enrolled key, the kernel's own key) is unit-tested
# on fake roots (tests/unit/test-host-sig.c).
# TEST-22-trixie-signatures runs this on Debian 13 (VM_FLAVOUR=trixie).
# vm-cost: 60 (seconds, for tests/check.sh: the longest scenarios start first)
VM_FLAVOUR=${VM_FLAVOUR:-}
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

printf 'dbdboot-manifest 1\nvolume mode=incremental device=LABEL=root cow=/.datto minor=0\n' >"$SC_DIR/manifest"
vm_system_overlay
R=$SC_DIR/root
printf 'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX="module.sig_enforce=1"\n' \
	>"$R/etc/default/grub"
cp "$SC_DIR/manifest" "$R/etc/dbdboot/manifest"

predicts() { # predicts NAME TEXT...: status says not ready, with each TEXT
	local name=$1 t
	shift
	if in_chroot "$R" dbdboot status -k "$KVER" >"$SC_DIR/status-$name.log" 2>&1; then
		die "$name: status says $KVER is ready, with signatures enforced (see $SC_DIR/status-$name.log)"
	fi
	for t in "$@"; do
		grep -qF -- "$t" "$SC_DIR/status-$name.log" || die "$name: status does not say '$t' (see $SC_DIR/status-$name.log)"
	done
	grep '^  signature' "$SC_DIR/status-$name.log" | sed "s/^/  $name| /" >&2
	in_chroot "$R" dbdboot status -k "$KVER" -J >"$SC_DIR/status-$name.json" 2>/dev/null || true
	grep -q '"will_load": false' "$SC_DIR/status-$name.json" || die "$name: -J does not say will_load false"
}

predicts unsigned "will not load: signatures are enforced (module.sig_enforce=1 in /etc/default/grub)" \
	"the module is unsigned" "dkms has no signing key"
vm_initrd unsigned --manifest "$SC_DIR/manifest"

vm_apt_install openssl
if in_chroot "$R" dbdboot rebuild --force -k "$KVER" >"$SC_DIR/rebuild.log" 2>&1; then
	die "rebuild says all is well although the kernel will refuse the module (see $SC_DIR/rebuild.log)"
fi
grep -q 'mokutil --import /var/lib/dkms/mok.pub' "$SC_DIR/rebuild.log" ||
	die "rebuild does not say how to enroll dkms' key (see $SC_DIR/rebuild.log)"
[ -f "$R/var/lib/dkms/mok.key" ] || die "dkms made no signing key"
predicts untrusted "signed by dkms' key" "whose certificate is not enrolled" \
	"mokutil --import /var/lib/dkms/mok.pub" "[signer: DKMS module signing key]"
in_chroot "$R" dbdboot inject -k "$KVER" >"$SC_DIR/inject.log" 2>&1 ||
	die "inject failed, see $SC_DIR/inject.log"
cp "$R/boot/initrd.img-$KVER" "$SC_DIR/initrd-untrusted"
vm_overlay_umount

for b in unsigned untrusted; do
	vm_boot "$b" --initrd "$b" --append module.sig_enforce=1
	vm_expect_pass "$b"
done
vm_expect_log unsigned "Loading of unsigned module is rejected"
vm_expect_log untrusted "Loading of module with unavailable key is rejected"
vm_done "${VM_FLAVOUR:-initramfs-tools}: signatures enforced: refusal predicted by status, named by the agent and the verdict; boots: 2"
