#!/bin/bash
# TEST-70-dracut-root: TEST-10's root reload, on the dracut system with
# systemd in the initrd. Boot 1 sets up tracking of the root; boot 2 has
# the manifest in its dracut initrd: dbdboot-early.service reloads the root
# before systemd-fsck-root.service and sysroot.mount (the kernel log and
# the console show the order); resumed after the read-write remount.
# vm-cost: 55 (seconds, for tests/check.sh: the longest scenarios start first)
VM_FLAVOUR=dracut
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_root_overlay
vm_boot 1
vm_expect_pass 1
printf '%s\n' 'dbdboot-manifest 1' \
	'volume mode=incremental device=LABEL=root cow=/.datto minor=0' >"$SC_DIR/manifest"
vm_initrd tracked --manifest "$SC_DIR/manifest"
vm_boot 2 --initrd tracked
vm_expect_pass 2
vm_expect_log 2 "dbdboot: minor 0: LABEL=root reloaded incremental on /dev/vda"
# systemd cuts the unit names short on the console: matched by their starts.
vm_expect_log_order 2 'Finished .*dbdboot-early' 'Starting .*systemd-fsck-root'
vm_expect_log_order 2 'Finished .*dbdboot-early' 'Mounting .*sysroot'
vm_done "dracut with systemd: the root reloaded before sysroot.mount: 2 boots"
