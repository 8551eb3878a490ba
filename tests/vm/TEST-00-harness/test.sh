#!/bin/bash
# TEST-00-harness: the bench can fail. A guest that fails must give a FAIL
# verdict with its reason, and vm_expect_pass must refuse it; a guest that
# passes must be accepted. A shutdown that lingers past SHUTDOWN_HANG_S
# after the verdict line is stopped and judged hung. A kernel that panics
# before it runs the initramfs (here: no initramfs, no root device) is
# booted once more, its first log kept, and never passes.
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
printf 'not an initramfs\n' >"$SC_DIR/garbage.img"
vm_boot 3 --initrd-file "$SC_DIR/garbage.img" --root /dev/nowhere --no-system-disk
vm_expect_log 3 "Kernel panic"
[ -f "$SC_DIR/boot-3.log.hung" ] || die "a kernel that panicked before the initramfs was not booted again"
if (vm_expect_pass 3) 2>/dev/null; then
	die "vm_expect_pass accepted a boot whose kernel panicked"
fi
vm_boot 2
vm_expect_pass 2
vm_done "harness: a failing guest is caught, a hung shutdown stopped, a kernel dead before the initramfs booted again, a passing one accepted, 4 boots"
