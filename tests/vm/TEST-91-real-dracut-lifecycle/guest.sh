#!/bin/sh
# Guest side of TEST-91-real-dracut-lifecycle: TEST-90's checks.
exec sh -e /dbdboot-tests/TEST-90-real-lifecycle/guest.sh "$@"
