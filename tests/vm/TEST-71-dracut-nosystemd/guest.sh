#!/bin/sh
# Guest side of TEST-71-dracut-nosystemd: TEST-10's checks, boot by boot (the
# initrd differs, not what the real root must see).
exec sh -e /dbdboot-tests/TEST-10-agent-root/guest.sh "$@"
