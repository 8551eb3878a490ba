#!/bin/bash
# TEST-56-trixie-dracut: TEST-55's first two boots on Debian 13's dracut
# system (dracut in place of initramfs-tools, systemd in the initrd and as
# PID 1): the root and a data disk tracked and synced into the dracut
# initrd, resumed after a clean reboot (the crash is TEST-55's); then the
# initrd made again without systemd (dracut's shell init, the pre-mount
# hook), systemd still PID 1: both resumed after the next clean reboot.
# vm-cost: 120 (seconds, for tests/check.sh: the longest scenarios start first)
VM_FLAVOUR=trixie-dracut
TRIXIE_CRASH=0
# shellcheck source=tests/vm/TEST-55-trixie-lifecycle/test.sh
. "$(dirname "$0")/../TEST-55-trixie-lifecycle/test.sh"
