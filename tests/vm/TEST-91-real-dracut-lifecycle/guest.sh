#!/bin/sh
# Guest side of TEST-91-real-dracut-lifecycle: TEST-90's checks, with no
# crash at boot 4.
DBDTEST_NO_CRASH=1 exec sh -e /dbdboot-tests/TEST-90-real-lifecycle/guest.sh "$@"
