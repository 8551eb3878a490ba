#!/bin/bash
# TEST-50-lifecycle: systemd as PID 1, real reboots, no hand-written
# manifest. Boot 1: the root and a data disk (in /etc/fstab) are tracked by
# the backup agent's own calls, then `dbdboot sync`. Boots 2 and 3 (two
# clean reboots in a row): both reloaded before their mounts, verdict
# "resumed" with the same uuid and seqid. Boot 2 ends by isolating
# rescue.target (`systemctl isolate`: the shutdown unit stays), boot 3 is
# a boot into rescue.target (systemd.unit=): each clean reboot after them
# is recorded, and the next verdict says resumed (issue 28, case 4: a
# maintenance boot is judged and closed like any other; it neither vouches
# for a chain it did not see closed nor breaks one that was). In boot 3 a third volume is set
# up and the data disk destroyed, with no other step: boot 4 resumes the
# root and the new volume, and the destroyed one has left the manifest and
# the verdict (the shutdown unit synced). Boot 4 then writes and QEMU is
# killed during the writes: boot 5's verdict is chain-broken,
# unclean-shutdown, for both tracked volumes, never resumed.
# The same machine then goes on, each step once a scenario of its own
# (TEST-51 to TEST-54, which each spent a setup boot):
# - boot 5: the backup agent starts a new chain on the extra disk (its
#   full backup: destroy, set up, sync); the root's chain stays broken;
# - boot 6 runs with dbdboot=off: the extra disk chain-broken,
#   not-reloaded, written to untracked; its shutdown records nothing;
# - boot 7: reloaded again and resumed by the driver, but the verdict
#   stays chain-broken (earlier-break): boot 6's writes were never
#   tracked. New chains on the root and the extra disk, synced;
# - boot 8: both resumed with the new uuids; then the double's
#   oops_at_umount (dattobd 0.12.1's oops at the umount of a reloaded
#   volume, imitated: the header written clean, then the umount never
#   returns and the driver's lock stays held): the shutdown stalls at the
#   extra disk's umount and QEMU is killed there, after the shutdown
#   record was written;
# - boot 9: chain-broken for the extra disk (its journal was replayed
#   untracked, though the driver resumes it: journal-replayed) and for the
#   root left unclosed behind it; a new chain on the extra disk, synced,
#   and a clean reboot; while the machine is off, the host deletes its COW
#   file (debugfs), and marks the root's journal as needing recovery (a
#   crash after the shutdown record, as boot 8's, but on the root);
# - boot 10: the extra disk chain-broken, cow-missing. The root: its
#   reload in the initramfs refused once (the double's
#   refuse_reload_minor), the initramfs mounts it read-only, which
#   replays the journal, and the real root reloads it (its journal clean
#   by then): chain-broken, mounted-read-only-before-reload (issue 25,
#   case 7: before, the verdict said resumed).
# TEST-77-dracut-lifecycle runs boots 1 and 2 of this on the dracut system
# (LIFECYCLE_BOOTS).
# vm-cost: 330 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_root_copy
vm_disk data 64
vm_disk extra 64
BOOTS=${LIFECYCLE_BOOTS:-1 2 3 4 5 6 7 8 9 10}
for b in $BOOTS; do
	opts=()
	case $b in
	# Boot 2 isolates rescue.target, boot 3 is booted into it: maintenance
	# that neither vouches for the chains nor breaks them.
	2) opts=(--append dbdtest.rescue=ok) ;;
	3) opts=(--append "systemd.unit=rescue.target dbdtest.rescue=ok") ;;
	4) opts=(--kill-on DBDTEST-WRITING) ;;
	6) opts=(--append dbdboot=off) ;;
	8) opts=(--kill-on "imitated by the test double") ;;
	10)
		vm_debugfs extra -w "rm /.datto"
		vm_debugfs root -w "feature needs_recovery"
		opts=(--append dattobd.refuse_reload_minor=0)
		;;
	esac
	vm_boot "$b" --systemd --guest-initrd "${opts[@]}" data extra
	vm_expect_pass "$b"
done
vm_expect_log 2 "dbdboot: verdict minor 0 (UUID="
case " $BOOTS " in *" 4 "*) vm_expect_log 4 "dbdboot: minor 2: UUID=" ;; esac
case " $BOOTS " in *" 5 "*) vm_expect_log 5 "dbdboot: verdict minor 2 (UUID=" ;; esac
case " $BOOTS " in *" 8 "*) vm_expect_log 8 "dbdboot: shutdown recorded" ;; esac
# dbdboot=off: the shutdown unit neither syncs nor records.
case " $BOOTS " in *" 6 "*) vm_expect_no_log 6 "dbdboot: shutdown recorded" ;; esac
vm_done "tracking lifecycle with systemd: boots $BOOTS"
