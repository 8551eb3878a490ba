#!/bin/bash
# TEST-00-harness: the bench can fail. A guest that fails must give a FAIL
# verdict with its reason, and vm_expect_pass must refuse it; a guest that
# passes must be accepted.
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_boot 1
vm_expect_log 1 "DBDBOOT-TEST: FAIL $SC_NAME 1: deliberate failure"
if (vm_expect_pass 1) 2>/dev/null; then
	die "vm_expect_pass accepted a boot whose guest failed"
fi
if (vm_expect_pass 7) 2>/dev/null; then
	die "vm_expect_pass accepted a boot that never ran"
fi
vm_boot 2
vm_expect_pass 2
vm_done "harness: a failing guest is caught, a passing one accepted, 2 boots"
