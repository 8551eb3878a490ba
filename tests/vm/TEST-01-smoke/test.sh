#!/bin/bash
# TEST-01-smoke: the double, built by real dkms, loads in the real root;
# setup-snapshot on a scratch volume, transition to incremental, state 2;
# the documented refusals; destroy; unload; the hang_ioctl fault switch.
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_disk scratch 64
vm_boot 1 scratch
vm_expect_pass 1
vm_expect_log 1 "dattobd: test double"
vm_done "smoke: 1 boot"
