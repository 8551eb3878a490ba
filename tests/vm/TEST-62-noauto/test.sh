#!/bin/bash
# TEST-62-noauto: a tracked volume with a noauto /etc/fstab line, mounted
# by hand after boot. Boot 1 tracks it and syncs (stage=root: it is not
# mounted at / or /usr). Boot 2: its device is there at the initramfs'
# first look, so the initramfs reloads it; the hand mount comes after, and
# the verdict, pending before it, is resumed after it.
# vm-cost: 105 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_root_copy
vm_disk later 64
for b in 1 2; do
	vm_boot $b --systemd --guest-initrd later
	vm_expect_pass $b
done
vm_done "a noauto volume mounted by hand after boot: 2 boots"
