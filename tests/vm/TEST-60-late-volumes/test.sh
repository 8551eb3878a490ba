#!/bin/bash
# TEST-60-late-lvm: a tracked data LV on a second volume group, which the
# initramfs does not activate: its autoactivation is off (udev in the
# initramfs would activate it otherwise) and a service of the real root
# activates it.
# Boot 1: the root and vg2/data (in /etc/fstab) tracked, dbdboot sync
# marks the LV stage=root. Boot 2: the initramfs reloads the root and
# leaves the LV to the real root without waiting; dbdboot-generator's unit
# reloads it there before its fsck and mount; both resumed.
# vm-cost: 100 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_root_copy
vm_disk pv 64
for b in 1 2; do
	vm_boot $b --systemd --guest-initrd pv
	vm_expect_pass $b
done
vm_expect_log 2 "left to the real root (stage=root)"
vm_done "a data LV the initramfs does not activate, reloaded in the real root: 2 boots"
