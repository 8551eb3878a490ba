#!/bin/bash
# TEST-22-trixie-signatures: TEST-21 on Debian 13 (VM_FLAVOUR=trixie):
# dkms 3.2 makes its own key and signs the module it then compresses
# (dattobd.ko.xz); status reads the signature through the compression and
# predicts the refusal, and the kernel (6.12) refuses both modules.
# vm-cost: 60 (seconds, for tests/check.sh: the longest scenarios start first)
VM_FLAVOUR=trixie
# shellcheck source=tests/vm/TEST-21-signatures/test.sh
. "$(dirname "$0")/../TEST-21-signatures/test.sh"
