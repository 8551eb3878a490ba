#!/bin/sh
# Guest side of TEST-72-dracut-lvm-root: TEST-12's checks, boot by boot (in
# boot 2 from the small root, which holds TEST-12's guest script too).
exec sh -e /dbdboot-tests/TEST-12-agent-lvm-root/guest.sh "$@"
