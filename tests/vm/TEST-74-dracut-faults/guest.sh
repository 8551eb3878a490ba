#!/bin/sh
# Guest side of TEST-74-dracut-faults: TEST-20's checks, boot by boot (the
# boot name is the fault).
exec sh -e /dbdboot-tests/TEST-20-agent-faults/guest.sh "$@"
