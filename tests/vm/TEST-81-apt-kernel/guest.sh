#!/bin/sh
# Guest side of TEST-81-apt-kernel: the same checks as TEST-40's, of the
# kernel apt or unattended-upgrades installed.
# shellcheck source=tests/vm/TEST-40-kernel-upgrade/guest.sh
. /dbdboot-tests/TEST-40-kernel-upgrade/guest.sh
