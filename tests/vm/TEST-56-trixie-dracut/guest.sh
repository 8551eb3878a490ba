#!/bin/sh
# Guest side of TEST-56-trixie-dracut: TEST-55's checks, boot by boot.
DBDTEST_NO_CRASH=1 DBDTEST_NOSYSTEMD_NEXT=1 exec sh -e /dbdboot-tests/TEST-55-trixie-lifecycle/guest.sh "$@"
