#!/bin/sh
# Guest side of TEST-82-trixie-apt-kernel: TEST-40's checks, as TEST-81's.
# shellcheck source=tests/vm/TEST-40-kernel-upgrade/guest.sh
. /dbdboot-tests/TEST-40-kernel-upgrade/guest.sh
