#!/bin/bash
# TEST-64-md-raid1: a tracked data volume on an md RAID1 of two disks. Boot
# 1 makes the array, tracks /dev/md0 and syncs. Boot 2: the reload goes to
# the md device (whatever its number now), never to a member disk, before
# its mount; resumed.
# vm-cost: 85 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_root_copy
vm_disk m1 64
vm_disk m2 64
for b in 1 2; do
	vm_boot $b --systemd --guest-initrd m1 m2
	vm_expect_pass $b
done
vm_done "a data volume on md RAID1, reloaded on the array, never a member: 2 boots"
