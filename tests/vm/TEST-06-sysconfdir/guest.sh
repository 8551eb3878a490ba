#!/bin/sh
# Guest side of TEST-06-sysconfdir: TEST-10's checks, boot by boot (the
# install's paths differ, not what the real root must see).
exec sh -e /dbdboot-tests/TEST-10-agent-root/guest.sh "$@"
