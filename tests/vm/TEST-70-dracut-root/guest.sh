#!/bin/sh
# Guest side of TEST-70-dracut-root: TEST-10's checks, boot by boot (the
# initrd differs, not what the real root must see).
exec sh -e /dbdboot-tests/TEST-10-agent-root/guest.sh "$@"
