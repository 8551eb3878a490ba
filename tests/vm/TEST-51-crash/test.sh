#!/bin/bash
# TEST-51-crash: systemd as PID 1. Boot 1 tracks the root and a data disk
# (the backup agent's calls, then dbdboot sync) and starts writing to both;
# QEMU is killed during the writes. Boot 2's verdict: chain-broken, unclean
# shutdown, for every tracked volume; never resumed.
# vm-cost: 65 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_root_copy
vm_disk data 64
vm_boot 1 --systemd --guest-initrd --kill-on "DBDTEST-WRITING" data
vm_expect_pass 1
vm_boot 2 --systemd --guest-initrd data
vm_expect_pass 2
vm_expect_log 2 "dbdboot: verdict minor 1 (UUID="
vm_done "crash during writes: chain-broken at the next boot (2 boots)"
