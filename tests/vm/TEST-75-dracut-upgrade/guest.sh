#!/bin/sh
# Guest side of TEST-75-dracut-upgrade: TEST-40's checks.
exec sh -e /dbdboot-tests/TEST-40-kernel-upgrade/guest.sh "$@"
