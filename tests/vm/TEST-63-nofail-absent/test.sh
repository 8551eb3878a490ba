#!/bin/bash
# TEST-63-nofail-absent: a tracked data disk with a nofail /etc/fstab line
# that is absent at the next boot. Boot 1 tracks it and syncs. Boot 2,
# without the disk: the initramfs does not wait for it (its time beyond
# the module load is printed), the boot reaches multi-user.target while
# the device's job still waits, and the verdict says chain-broken:
# device-absent for it and resumed for the root.
# vm-cost: 95 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_root_copy
vm_disk gone 64
vm_boot 1 --systemd --guest-initrd gone
vm_expect_pass 1
vm_boot 2 --systemd --guest-initrd
vm_expect_pass 2
vm_done "a nofail disk absent at boot: not waited for, chain-broken device-absent: 2 boots"
