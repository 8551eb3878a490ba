#!/bin/bash
# TEST-53-off: systemd as PID 1. Boot 1 tracks a data disk. Boot 2 runs
# with dbdboot=off: chain-broken, not reloaded. Boot 3 reloads it again and
# the driver resumes it, but the verdict stays chain-broken (earlier-break):
# boot 2's writes were never tracked. Boot 3 then sets up a new chain (the
# backup agent's full backup) and syncs; boot 4 resumes it.
# vm-cost: 140 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_root_copy
vm_disk data 64
vm_boot 1 --systemd --guest-initrd data
vm_expect_pass 1
vm_boot 2 --systemd --guest-initrd --append dbdboot=off data
vm_expect_pass 2
vm_boot 3 --systemd --guest-initrd data
vm_expect_pass 3
vm_boot 4 --systemd --guest-initrd data
vm_expect_pass 4
vm_done "dbdboot=off breaks the chain until a new setup (4 boots)"
