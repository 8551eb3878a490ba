#!/bin/bash
# TEST-41-bundle: boot 1 exports the dkms-built module as a bundle onto a
# disk; boot 2, the same system without the module and without dkms, make
# or a compiler, refuses a damaged bundle and one relabelled for the other
# kernel, then imports the good one: the module loads and dbdboot status
# verifies it.
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_disk bundle 32
vm_boot export bundle
vm_expect_pass export
vm_boot import --append dbdboot=off bundle
vm_expect_pass import
vm_done "bundle exported in one boot, imported in another: 2 boots"
