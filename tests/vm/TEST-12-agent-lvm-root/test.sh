#!/bin/bash
# TEST-12-agent-lvm-root: the root on LVM, tracked. The agent runs after the
# initramfs has activated the volume group and before the root is mounted.
# Boot 1 (the usual system) makes the volume group on an empty disk, copies
# a small root filesystem into its logical volume and sets up tracking;
# boot 2 boots from that logical volume with the manifest in the initrd.
# The small root: busybox, the test client and the guest scripts.
# vm-cost: 45 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_tiny_root tiny lvroot
truncate -s 64M "$SC_DIR/pv.img"

vm_boot 1 pv tiny
vm_expect_pass 1
cat >"$SC_DIR/manifest" <<'MANIFEST'
dbdboot-manifest 1
volume mode=incremental device=/dev/mapper/dbdvg-root cow=/.datto minor=0
MANIFEST
vm_initrd lvm --manifest "$SC_DIR/manifest"
# Boot 2: no system disk; the root is the logical volume on the PV (vda now).
vm_boot 2 --initrd lvm --root /dev/mapper/dbdvg-root --no-system-disk pv
vm_expect_pass 2
vm_done "agent reloads a root on LVM: 2 boots"
