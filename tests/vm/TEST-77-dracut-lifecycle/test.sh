#!/bin/bash
# TEST-77-dracut-lifecycle: TEST-50's first two boots on the dracut system
# (systemd in the initrd and as PID 1): the root and a data disk tracked by
# the backup agent's calls, `dbdboot sync` appends the manifest to the
# dracut initrd; after a clean reboot both are resumed with the same uuid
# and seqid, each reloaded before its mount.
# vm-cost: 120 (seconds, for tests/check.sh: the longest scenarios start first)
VM_FLAVOUR=dracut
LIFECYCLE_BOOTS="1 2"
# shellcheck source=tests/vm/TEST-50-lifecycle/test.sh
. "$(dirname "$0")/../TEST-50-lifecycle/test.sh"
