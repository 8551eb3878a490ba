#!/bin/bash
# TEST-71-dracut-nosystemd: the same on the dracut initrd made with systemd
# omitted (dracut's shell init): the pre-mount hook reloads the root before
# its mount; resumed.
# vm-cost: 45 (seconds, for tests/check.sh: the longest scenarios start first)
VM_FLAVOUR=dracut
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_root_overlay
vm_boot 1 --initrd-file "$SYS/initrd-nosystemd"
vm_expect_pass 1
printf '%s\n' 'dbdboot-manifest 1' \
	'volume mode=incremental device=LABEL=root cow=/.datto minor=0' >"$SC_DIR/manifest"
vm_initrd tracked --from "$SYS/initrd-nosystemd" --manifest "$SC_DIR/manifest"
vm_boot 2 --initrd tracked
vm_expect_pass 2
vm_expect_log 2 "dbdboot: minor 0: LABEL=root reloaded incremental on /dev/vda"
vm_expect_log_order 2 'dbdboot: dbdboot-early .*phase initramfs' 'EXT4-fs \(vda\): mounted'
if grep -aq 'systemd\[1\]' "$SC_DIR/boot-2.log"; then
	die "boot 2 of $SC_NAME: systemd ran in the initrd made without it"
fi
vm_done "dracut without systemd: the root reloaded by the pre-mount hook before its mount: 2 boots"
