#!/bin/bash
# TEST-94-real-trixie-lifecycle: the real dattobd 0.12.1 on Debian 13
# (VM_FLAVOUR=real-trixie: kernel 6.12, built by `dbdboot rebuild` with
# the System.map recovered from the zstd kernel and dbdboot's fix applied
# by dkms 3.2, installed as dattobd.ko.xz), systemd as PID 1: TEST-90's
# boots 1 to 3. The root and a data disk tracked and synced, then two
# clean reboots in a row: both reloaded before their mounts and resumed
# with the same uuid and seqid, and every shutdown finishes on its own
# (the second is where the driver's reload bug oopses without the fix).
# vm-cost: 160 (seconds, for tests/check.sh: the longest scenarios start first)
VM_FLAVOUR=real-trixie
REAL_CRASH=0
REAL_CLEAN_BOOTS="1 2 3"
# shellcheck source=tests/vm/TEST-90-real-lifecycle/test.sh
. "$(dirname "$0")/../TEST-90-real-lifecycle/test.sh"
