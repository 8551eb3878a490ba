#!/bin/bash
# TEST-03-crash: QEMU is killed while the volume is active; in the next
# boot the reload is accepted but activation fails with -EINVAL (header not
# clean) and the minor stays unverified.
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_disk scratch 64
vm_boot 1 --kill-on "DBDBOOT-TEST: READY-TO-KILL" scratch
vm_expect_log 1 "DBDBOOT-TEST: READY-TO-KILL"
vm_boot 2 scratch
vm_expect_pass 2
vm_expect_log 2 "cow file not left in clean state"
vm_done "crash: 2 boots, QEMU killed in the first"
