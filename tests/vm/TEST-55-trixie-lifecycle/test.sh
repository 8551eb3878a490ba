#!/bin/bash
# TEST-55-trixie-lifecycle: Debian 13 (VM_FLAVOUR=trixie: kernel
# 6.12.NNN+deb13-cloud-amd64, dkms 3.2, systemd 257, initramfs-tools whose
# initrd holds the modules in an uncompressed segment and the rest in a
# zstd one, every module .ko.xz, /lib a link to usr/lib), the test double,
# systemd as PID 1, real reboots. Boot 1: the root, a data disk (in
# /etc/fstab) and an LV the initramfs does not activate (its volume group
# activated by a service of the real root, in /etc/fstab) tracked by the
# backup agent's calls, then `dbdboot sync`;
# dbdboot status finds the kernel ready with the module dkms installed
# compressed (dattobd.ko.xz) and the initrd holding it. Boot 2 (a clean
# reboot): both reloaded before their mounts by the agent, which loaded
# the compressed module from the initrd, and the LV left to the real root
# and reloaded there before its mount; verdict resumed with the same uuid
# and seqid for the three; then writes, and QEMU is killed during them:
# boot 3's verdict is chain-broken, unclean-shutdown, for the three
# (TRIXIE_CRASH=0, as TEST-56 sets: boot 2 ends with a clean reboot
# instead, after making the next initrd without systemd, and boot 3
# through it resumes the three again).
# vm-cost: 120 (seconds, for tests/check.sh: the longest scenarios start first)
VM_FLAVOUR=${VM_FLAVOUR:-trixie}
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_root_copy
vm_disk data 64
vm_disk pv 64
vm_boot 1 --systemd --guest-initrd data pv
vm_expect_pass 1
vm_expect_shutdown 1
if [ "${TRIXIE_CRASH:-1}" = 0 ]; then
	vm_boot 2 --systemd --guest-initrd data pv
	vm_expect_pass 2
	vm_expect_shutdown 2
	# Boot 3 (TEST-56): the initrd boot 2 made without systemd.
	vm_boot 3 --systemd --guest-initrd data pv
	vm_expect_pass 3
	vm_expect_no_log 3 "initrd.target"
	vm_expect_log 3 "dbdboot: minor 0: UUID="
	vm_done "Debian 13 ($VM_FLAVOUR): root, data disk and a late LV resumed after two clean reboots, the second through an initrd without systemd (3 boots)"
	exit 0
fi
vm_boot 2 --systemd --guest-initrd --kill-on "DBDTEST-WRITING" data pv
vm_expect_pass 2
vm_expect_log 2 "dbdboot: verdict minor 0 (UUID="
vm_boot 3 --systemd --guest-initrd data pv
vm_expect_pass 3
vm_done "Debian 13 ($VM_FLAVOUR): root, data disk and a late LV resumed after a clean reboot, chain-broken after a crash (3 boots)"
