#!/bin/bash
# TEST-02-clean-reboot: after a clean umount the COW header is clean; in the
# next boot a reload issued before the volume is mounted, then the
# read-write mount, give state 2 again with the same uuid and seqid.
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_disk scratch 64
vm_boot 1 scratch
vm_expect_pass 1
vm_boot 2 scratch
vm_expect_pass 2
vm_expect_log 2 "reload-incremental minor 0: /dev/vdb"
vm_expect_log 2 "mounted: no"
vm_done "clean reboot: 2 boots"
