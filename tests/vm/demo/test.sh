#!/bin/bash
# The main job, shown on a throwaway VM (make demo): dbdboot keeps the
# root's dattobd tracking across a reboot. Boot 1 starts tracking the root
# (with the test double standing in for dattobd) and shuts down cleanly;
# boot 2 has the manifest in its initrd: dbdboot-early reloads the root
# before it is mounted, and tracking resumes with the same uuid and seqid.
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

show() { # show BOOT: what the guest printed for people
	grep -a '^DEMO|' "$SC_DIR/boot-$1.log" | tr -d '\r' | cut -c6-
}

echo "== dbdboot demo: kernel $KVER in QEMU (TCG); the root is /dev/vda"
vm_root_overlay
vm_boot 1 2>"$SC_DIR/boot-1.host"
vm_expect_pass 1 2>>"$SC_DIR/boot-1.host" || { cat "$SC_DIR/boot-1.host"; exit 1; }
echo
echo "== boot 1: start tracking the root, then shut down cleanly"
show 1
cat >"$SC_DIR/manifest" <<'MANIFEST'
dbdboot-manifest 1
volume mode=incremental device=LABEL=root cow=/.datto minor=0
MANIFEST
vm_initrd tracked --manifest "$SC_DIR/manifest"
echo
echo "== the manifest put into the initrd:"
sed 's/^/   /' "$SC_DIR/manifest"
vm_boot 2 --initrd tracked 2>"$SC_DIR/boot-2.host"
vm_expect_pass 2 2>>"$SC_DIR/boot-2.host" || { cat "$SC_DIR/boot-2.host"; exit 1; }
echo
echo "== boot 2: dbdboot-early ran in the initramfs"
show 2
echo
echo "== result: tracking of the root survived the reboot (serial logs: $SC_DIR)"
