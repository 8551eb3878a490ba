#!/bin/bash
# TEST-83-trixie-deb: TEST-80 on Debian 13 (VM_FLAVOUR=trixie): dbdboot's
# package installed as an older version, upgraded, removed and purged with
# apt, each apt run rebuilding the initrd once; the records, the manifest
# and dbdboot's driver fix kept by the upgrade; nothing of dbdboot left in
# the initrd after the removal, nothing it wrote after the purge (System.maps
# it recovered, a module a bundle import installed where dkms 3.2 had put
# dattobd.ko.xz), and the kernels' purges leave no /usr/lib/modules folder.
# No boot (DEB_BOOTS=0): TEST-55 and TEST-82 boot Debian 13 with dbdboot.
# vm-cost: 100 (seconds, for tests/check.sh: the longest scenarios start first)
VM_FLAVOUR=trixie
DEB_BOOTS=0
# shellcheck source=tests/vm/TEST-80-deb/test.sh
. "$(dirname "$0")/../TEST-80-deb/test.sh"
