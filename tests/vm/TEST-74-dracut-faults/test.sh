#!/bin/bash
# TEST-74-dracut-faults: TEST-20's faults that touch the initrd, on the
# dracut system with systemd in the initrd: dbdboot=off, the module missing
# from the initrd, a corrupt manifest, a reload ioctl hung for 600 s. Each
# boot reaches the real root within the agent's deadline plus 10 s, and
# the report names the fault (TEST-20's checks).
# vm-cost: 100 (seconds, for tests/check.sh: the longest scenarios start first)
VM_FLAVOUR=dracut
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

# shellcheck source=tests/vm/lib/faults.sh
. "$(dirname "$0")/../lib/faults.sh"
fault_off
fault_module_missing
fault_corrupt_manifest
fault_hung_ioctl
vm_done "dracut faults: 4 fault boots, each reached the root in time and named the fault"
