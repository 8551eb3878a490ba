#!/bin/bash
# TEST-91-real-dracut-lifecycle: TEST-90's boots 1 to 4 on the dracut system
# with the real dattobd (systemd in the initrd and as PID 1): three clean
# reboots resumed with every shutdown finished (the crash is TEST-90's).
# vm-cost: 200 (seconds, for tests/check.sh: the longest scenarios start first)
VM_FLAVOUR=real-dracut
REAL_CRASH=0
# shellcheck source=tests/vm/TEST-90-real-lifecycle/test.sh
. "$(dirname "$0")/../TEST-90-real-lifecycle/test.sh"
