#!/bin/bash
# TEST-74-dracut-faults: TEST-20's faults that touch the initrd, on the
# dracut system with systemd in the initrd: dbdboot=off, the module missing
# from the initrd, a corrupt manifest, a reload ioctl hung for 600 s. Each
# boot reaches the real root within the agent's deadline plus 10 s, and
# the report names the fault (TEST-20's checks).
# vm-cost: 110 (seconds, for tests/check.sh: the longest scenarios start first)
VM_FLAVOUR=dracut
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

printf '%s\n' 'dbdboot-manifest 1' \
	'volume mode=incremental device=LABEL=root cow=/.datto minor=0' >"$SC_DIR/manifest-root"
vm_initrd root --manifest "$SC_DIR/manifest-root"
vm_boot off --initrd root --append dbdboot=off
vm_expect_pass off

vm_initrd no-module --without '*/dattobd.ko' --manifest "$SC_DIR/manifest-root"
vm_boot module-missing --initrd no-module
vm_expect_pass module-missing

head -c 3000 "$SYS/dattobd-$OLD_KVER.ko" >"$SC_DIR/manifest-corrupt"
vm_initrd corrupt --manifest "$SC_DIR/manifest-corrupt"
vm_boot corrupt-manifest --initrd corrupt
vm_expect_pass corrupt-manifest

vm_boot hung-ioctl --initrd root --append "dbdboot.timeout=3 dattobd.hang_ioctl=3 dattobd.hang_secs=600"
vm_expect_pass hung-ioctl
vm_expect_log hung-ioctl "fault test: reload-incremental sleeps 600 s"
vm_done "dracut faults: 4 fault boots, each reached the root in time and named the fault"
