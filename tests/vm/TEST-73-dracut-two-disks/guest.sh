#!/bin/sh
# Guest side of TEST-73-dracut-two-disks: TEST-11's checks, boot by boot.
exec sh -e /dbdboot-tests/TEST-11-agent-two-disks/guest.sh "$@"
