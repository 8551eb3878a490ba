#!/bin/bash
# TEST-82-trixie-apt-kernel: TEST-81's kernel upgrade by apt, in both of
# apt's install orders (apt-get install, then unattended-upgrade), on
# Debian 13 (VM_FLAVOUR=trixie): dbdboot installed as its .deb with apt,
# kernels named 6.12.NNN+deb13-cloud-amd64 whose headers also need their
# own linux-kbuild-ABI, dkms 3.2 installing dattobd.ko.xz, modules under
# /usr/lib/modules. Both upgrades are checked by dbdboot status; the
# second one is booted (TEST-55 boots Debian 13 with its module already).
# vm-cost: 200 (seconds, for tests/check.sh: the longest scenarios start first)
VM_FLAVOUR=trixie
APT_BOOTS=unattended
# shellcheck source=tests/vm/TEST-81-apt-kernel/test.sh
. "$(dirname "$0")/../TEST-81-apt-kernel/test.sh"
