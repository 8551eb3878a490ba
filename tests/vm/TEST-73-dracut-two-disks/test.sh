#!/bin/bash
# TEST-73-dracut-two-disks: TEST-11's two tracked disks (the root by label,
# a data disk by its path), on the dracut system with systemd in the
# initrd: both reloaded before either is mounted, both resumed.
# vm-cost: 50 (seconds, for tests/check.sh: the longest scenarios start first)
VM_FLAVOUR=dracut
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_root_overlay
vm_disk data 64
vm_boot 1 data
vm_expect_pass 1
printf '%s\n' 'dbdboot-manifest 1' \
	'volume mode=incremental device=LABEL=root cow=/.datto minor=0' \
	'volume mode=incremental device=/dev/vdb cow=/.datto-data minor=5' >"$SC_DIR/manifest"
vm_initrd tracked --manifest "$SC_DIR/manifest"
vm_boot 2 --initrd tracked data
vm_expect_pass 2
vm_expect_log 2 "dbdboot: 2 of 2 volumes reloaded"
vm_done "dracut with systemd: the root and a second disk reloaded: 2 boots"
