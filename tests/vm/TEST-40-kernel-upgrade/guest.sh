#!/bin/sh
# Guest side of TEST-40-kernel-upgrade: the kernel just installed is
# running; its initrd (made by the package hooks) held the module dkms
# built, and the agent reloaded the root before its first mount.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

k=$(uname -r)
cat /run/dbdboot/early.json
# dattobd.ko.xz on Debian 13 (dkms 3.2 compresses what it installs).
m="\"module\": {\"outcome\": \"loaded\", \"path\": \"/lib/modules/$k/updates/dkms/dattobd.ko"
grep -qF -e "$m\"" -e "$m.xz\"" /run/dbdboot/early.json || fail "the agent did not load the dkms-built module of $k"
grep -q '"outcome": "reloaded"' /run/dbdboot/early.json || fail "the report does not say reloaded"
expect_before_in_kmsg 'dbdboot: minor 0: LABEL=root reloaded' 'EXT4-fs (vda): mounted filesystem'
dbdboot status -k "$k" || fail "dbdboot status on the booted system says $k is not ready"
