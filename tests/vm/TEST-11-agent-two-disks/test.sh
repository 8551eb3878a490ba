#!/bin/bash
# TEST-11-agent-two-disks: the root and a second disk tracked; the agent
# reloads both before either is mounted; both go active again with their
# uuids and seqids.
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_root_overlay
vm_disk data 64
vm_boot 1 data
vm_expect_pass 1
cat >"$SC_DIR/manifest" <<'MANIFEST'
dbdboot-manifest 1
# the root by label, the data disk by its path
volume mode=incremental device=LABEL=root cow=/.datto minor=0
volume mode=incremental device=/dev/vdb cow=/.datto-data minor=5
MANIFEST
vm_initrd tracked --manifest "$SC_DIR/manifest"
vm_boot 2 --initrd tracked data
vm_expect_pass 2
vm_expect_log 2 "dbdboot: 2 of 2 volumes reloaded"
vm_done "agent reloads the root and a second disk: 2 boots"
