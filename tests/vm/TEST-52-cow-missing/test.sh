#!/bin/bash
# TEST-52-cow-missing: systemd as PID 1. Boot 1 tracks a data disk, then
# a clean reboot; while the machine is off, the COW file is deleted from
# the disk image (debugfs, from the host). Boot 2's verdict: chain-broken,
# COW missing.
# vm-cost: 85 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_root_copy
vm_disk data 64
vm_boot 1 --systemd --guest-initrd data
vm_expect_pass 1
vm_debugfs data -w "rm /.datto"
vm_boot 2 --systemd --guest-initrd data
vm_expect_pass 2
vm_done "COW file deleted while off: chain-broken, cow-missing (2 boots)"
