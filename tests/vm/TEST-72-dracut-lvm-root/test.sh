#!/bin/bash
# TEST-72-dracut-lvm-root: TEST-12's root on LVM, on the dracut system with
# systemd in the initrd: dracut activates the volume group, then
# dbdboot-early.service (after initrd-root-device.target) reloads the root
# before sysroot.mount. Boot 1 makes the VG and the small root in its LV and
# sets up tracking; boot 2 boots from the LV with the manifest in the initrd.
# vm-cost: 95 (seconds, for tests/check.sh: the longest scenarios start first)
VM_FLAVOUR=dracut
GUEST_ALSO=TEST-12-agent-lvm-root
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_tiny_root tiny lvroot
truncate -s 64M "$SC_DIR/pv.img"
vm_boot 1 pv tiny
vm_expect_pass 1
printf '%s\n' 'dbdboot-manifest 1' \
	'volume mode=incremental device=/dev/mapper/dbdvg-root cow=/.datto minor=0' >"$SC_DIR/manifest"
vm_initrd lvm --manifest "$SC_DIR/manifest"
vm_boot 2 --initrd lvm --root /dev/mapper/dbdvg-root --no-system-disk pv
vm_expect_pass 2
vm_expect_log_order 2 'Finished .*dbdboot-early' 'Mounting .*sysroot'
vm_done "dracut with systemd: a root on LVM reloaded before sysroot.mount: 2 boots"
