#!/bin/bash
# TEST-75-dracut-upgrade: TEST-40's kernel upgrade on the dracut system,
# the image installed first and then the headers (the order in which
# nothing but dbdboot's header hook puts the module into the initrd, here
# by dracut -f): the new kernel's dracut initrd holds the dkms-built module
# and the root is reloaded at its boot. 1 boot.
# vm-cost: 220 (seconds, for tests/check.sh: the longest scenarios start first)
VM_FLAVOUR=dracut
UPGRADE_ORDERS="image-first"
# shellcheck source=tests/vm/TEST-40-kernel-upgrade/test.sh
. "$(dirname "$0")/../TEST-40-kernel-upgrade/test.sh"
