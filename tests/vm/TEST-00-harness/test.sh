#!/bin/bash
# TEST-00-harness: the bench can fail. A guest that fails must give a FAIL
# verdict with its reason, and vm_expect_pass must refuse it; a guest that
# passes must be accepted. A shutdown that lingers past SHUTDOWN_HANG_S
# after the verdict line is stopped and judged hung.
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

SHUTDOWN_HANG_S=3 vm_boot 1 --append dbdtest.linger=60
vm_expect_log 1 "DBDBOOT-TEST: FAIL $SC_NAME 1: deliberate failure"
if (vm_expect_pass 1) 2>/dev/null; then
	die "vm_expect_pass accepted a boot whose guest failed"
fi
why=$( (SHUTDOWN_HANG_S=3 vm_expect_shutdown 1) 2>&1) &&
	die "vm_expect_shutdown accepted a boot whose shutdown lingered 60 s"
case $why in
*"did not finish within 3s of the test's verdict line"*) ;;
*) die "a lingering shutdown was not judged hung: $why" ;;
esac
if (vm_expect_pass 7) 2>/dev/null; then
	die "vm_expect_pass accepted a boot that never ran"
fi
vm_boot 2
vm_expect_pass 2
vm_done "harness: a failing guest is caught, a hung shutdown stopped, a passing one accepted, 2 boots"
