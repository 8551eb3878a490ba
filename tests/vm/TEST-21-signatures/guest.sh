#!/bin/sh
# Guest side of TEST-21-signatures: booted with module.sig_enforce=1, the
# module unsigned or signed by a key this kernel does not trust.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

R=/run/dbdboot/early.json
cat "$R"
grep -q '"module": {"outcome": "failed"' "$R" || fail "the report does not say the module failed"
grep -q '"error": "EKEYREJECTED"' "$R" || fail "the report does not name EKEYREJECTED"
grep -q "refused by the kernel's signature check" "$R" || fail "the report does not say why"
[ ! -d /sys/module/dattobd ] || fail "dattobd loaded although its signature was refused"
# The verdict, as dbdboot-verdict.service makes it (the root's manifest
# written first: this image has none; snapshot=on discards it).
mount -o remount,rw /
printf 'dbdboot-manifest 1\nvolume mode=incremental device=LABEL=root cow=/.datto minor=0\n' \
	>/etc/dbdboot/manifest
dbdboot verdict || true
cat /run/dbdboot/verdict.json
expect_verdict 0 chain-broken module-signature-refused
