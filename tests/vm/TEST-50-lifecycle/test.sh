#!/bin/bash
# TEST-50-lifecycle: systemd as PID 1, real reboots, no hand-written
# manifest. Boot 1: the root and a data disk (in /etc/fstab) are tracked by
# the backup agent's own calls, then `dbdboot sync`. Boots 2 and 3 (two
# clean reboots in a row): both reloaded before their mounts, verdict
# "resumed" with the same uuid and seqid. In boot 3 a third volume is set
# up and the data disk destroyed, with no other step: boot 4 resumes the
# root and the new volume, and the destroyed one has left the manifest and
# the verdict (the shutdown unit synced). Boot 4 then writes and QEMU is
# killed during the writes: boot 5's verdict is chain-broken,
# unclean-shutdown, for both tracked volumes, never resumed (this was
# TEST-51-crash, which spent a setup boot of its own).
# TEST-77-dracut-lifecycle runs boots 1 and 2 of this on the dracut system
# (LIFECYCLE_BOOTS).
# vm-cost: 180 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_root_copy
vm_disk data 64
vm_disk extra 64
BOOTS=${LIFECYCLE_BOOTS:-1 2 3 4 5}
for b in $BOOTS; do
	kill=()
	[ "$b" != 4 ] || kill=(--kill-on DBDTEST-WRITING)
	vm_boot "$b" --systemd --guest-initrd "${kill[@]}" data extra
	vm_expect_pass "$b"
done
vm_expect_log 2 "dbdboot: verdict minor 0 (UUID="
case " $BOOTS " in *" 4 "*) vm_expect_log 4 "dbdboot: minor 2: UUID=" ;; esac
case " $BOOTS " in *" 5 "*) vm_expect_log 5 "dbdboot: verdict minor 2 (UUID=" ;; esac
vm_done "tracking lifecycle with systemd: boots $BOOTS"
