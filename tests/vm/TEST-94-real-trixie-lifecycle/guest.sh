#!/bin/sh
# Guest side of TEST-94-real-trixie-lifecycle: TEST-90's checks, boot by
# boot, and Debian 13's module: dkms 3.2's dattobd.ko.xz, loaded by the agent.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

k=$(uname -r)
case $k in
*+deb13-cloud-amd64) ;;
*) fail "not a Debian 13 kernel: $k" ;;
esac
if [ "$1" != 1 ]; then
	grep -q "\"path\": \"/lib/modules/$k/updates/dkms/dattobd.ko.xz\"" /run/dbdboot/early.json ||
		fail "the agent did not load dkms 3.2's dattobd.ko.xz: $(cat /run/dbdboot/early.json)"
fi
DBDTEST_NO_CRASH=1 exec sh -e /dbdboot-tests/TEST-90-real-lifecycle/guest.sh "$@"
