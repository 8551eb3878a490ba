#!/bin/bash
# TEST-90-real-lifecycle: the real dattobd (VM_FLAVOUR=real: 0.12.1 built
# by `dbdboot rebuild`, with dbdboot's fix of its reload bug), systemd as
# PID 1, real reboots. Boot 1: the root and a data disk tracked by the
# backup agent's calls, then `dbdboot sync`. Boots 2, 3 and 4 (three clean
# reboots in a row): both reloaded before their mounts, verdict "resumed"
# with the same uuid and seqid, and every shutdown finishes on its own with
# no oops (the driver's bug oopses at the second shutdown without the fix).
# Boot 4 then writes to both and QEMU is killed during the writes: boot 5's
# verdict is chain-broken, unclean-shutdown, for both.
# TEST-91-real-dracut-lifecycle runs boots 1 to 4 on the dracut system
# (REAL_CRASH=0: boot 4 reboots cleanly too; the crash is this one's);
# TEST-94-real-trixie-lifecycle boots 1 to 3 on Debian 13
# (REAL_CLEAN_BOOTS).
# Needs the real dattobd (DBDBOOT_DATTOBD; tests/check.sh skips it without).
# vm-cost: 165 (seconds, for tests/check.sh: the longest scenarios start first)
VM_FLAVOUR=${VM_FLAVOUR:-real}
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_root_copy
vm_disk data 64
CLEAN_BOOTS="1 2 3"
[ "${REAL_CRASH:-1}" = 1 ] || CLEAN_BOOTS=${REAL_CLEAN_BOOTS:-1 2 3 4}
for b in $CLEAN_BOOTS; do
	vm_boot "$b" --systemd --guest-initrd data
	vm_expect_pass "$b"
	vm_expect_shutdown "$b"
	# The fixed driver: the shutdown guard leaves every volume alone.
	vm_expect_no_log "$b" "dbdboot: stopped tracking"
done
vm_expect_log 2 "dbdboot: verdict minor 0 (UUID="
if [ "${REAL_CRASH:-1}" = 0 ]; then
	n=$(echo "$CLEAN_BOOTS" | wc -w)
	vm_done "real dattobd ($VM_FLAVOUR): $((n - 1)) clean reboots resumed, every shutdown finished ($n boots)"
	exit 0
fi
vm_boot 4 --systemd --guest-initrd --kill-on "DBDTEST-WRITING" data
vm_expect_pass 4
vm_expect_no_oops 4
vm_boot 5 --systemd --guest-initrd data
vm_expect_pass 5
vm_expect_no_oops 5
vm_done "real dattobd: three clean reboots resumed, shutdowns finished, then a crash chain-broken (5 boots)"
