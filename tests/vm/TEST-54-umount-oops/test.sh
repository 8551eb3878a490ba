#!/bin/bash
# TEST-54-umount-oops: systemd as PID 1; the double imitates dattobd
# 0.12.1's oops at the umount of a reloaded volume (oops_at_umount: header
# written clean, then the umount never returns and the driver's lock stays
# held). Boot 1 tracks the root and a data disk. Boot 2 reloads both
# (resumed), switches the fault on and reboots: the shutdown stalls at the
# data disk's umount and QEMU is killed there. Boot 3's verdict:
# chain-broken for the data disk (its journal was replayed untracked, though
# the driver resumes it) and for the root left unclosed behind it.
# vm-cost: 125 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_root_copy
vm_disk data 64
vm_boot 1 --systemd --guest-initrd data
vm_expect_pass 1
vm_boot 2 --systemd --guest-initrd --kill-on "imitated by the test double" data
vm_expect_pass 2
vm_expect_log 2 "dbdboot: shutdown recorded"
vm_boot 3 --systemd --guest-initrd data
vm_expect_pass 3
vm_done "driver oops at umount: chain-broken, never resumed (3 boots)"
