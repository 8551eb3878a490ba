#!/bin/sh
# Guest side of TEST-77-dracut-lifecycle: TEST-50's checks, boot by boot.
exec sh -e /dbdboot-tests/TEST-50-lifecycle/guest.sh "$@"
