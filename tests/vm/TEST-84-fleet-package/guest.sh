#!/bin/sh
# Guest side of TEST-84-fleet-package: KVER booted as apt installed it on a
# host without compilers; its initrd held the module of the fleet's
# package, signed by the fleet's key, and the agent reloaded the root
# before its first mount.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

k=$(uname -r)
cat /run/dbdboot/early.json
grep -qF "\"module\": {\"outcome\": \"loaded\", \"path\": \"/lib/modules/$k/updates/dbdboot/dattobd.ko\"" \
	/run/dbdboot/early.json || fail "the agent did not load the package's module"
grep -q '"outcome": "reloaded"' /run/dbdboot/early.json || fail "the report does not say reloaded"
expect_before_in_kmsg 'dbdboot: minor 0: LABEL=root reloaded' 'EXT4-fs (vda): mounted filesystem'
[ "$(modinfo -F signer dattobd)" = "Fleet module key" ] || fail "the loaded module is not signed by the fleet's key"
for p in gcc cc make dkms; do
	! command -v "$p" >/dev/null || fail "this host has $p"
done
dbdboot status -k "$k" || fail "dbdboot status on the booted system says $k is not ready"
