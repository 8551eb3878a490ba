#!/bin/sh
# Guest side of TEST-22-trixie-signatures: TEST-21's checks.
# shellcheck source=tests/vm/TEST-21-signatures/guest.sh
. /dbdboot-tests/TEST-21-signatures/guest.sh
