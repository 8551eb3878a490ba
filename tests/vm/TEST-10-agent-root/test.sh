#!/bin/bash
# TEST-10-agent-root: the root tracked incremental, clean reboot. Boot 1
# sets up tracking of the root and remounts it read-only (header clean).
# Boot 2 has the manifest in its initrd: dbdboot-early reloads the root
# from local-premount, before the root's first mount; after the read-write
# remount the minor is active with the same uuid and seqid.
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_root_overlay
vm_boot 1
vm_expect_pass 1
cat >"$SC_DIR/manifest" <<'MANIFEST'
dbdboot-manifest 1
volume mode=incremental device=LABEL=root cow=/.datto minor=0
MANIFEST
vm_initrd tracked --manifest "$SC_DIR/manifest"
vm_boot 2 --initrd tracked
vm_expect_pass 2
vm_expect_log 2 "dbdboot: minor 0: LABEL=root reloaded incremental on /dev/vda"
vm_done "agent reloads the root before its first mount: 2 boots"
