#!/bin/bash
# draft-luks (not run yet: named draft-, so tests/check.sh skips it; see
# the issue's closing note): the root on LUKS (initramfs-tools' cryptroot, unlocked with
# a key file in the initrd) and a LUKS data volume unlocked from
# /etc/crypttab in the real root (systemd-cryptsetup), both tracked; the
# tracked devices are the opened mapper devices. The disk of the prepared
# system (vda) serves as the boot partition: its /boot is what the host
# boots, bind-mounted at /boot in the LUKS root.
# Boot 1 (the plain root): makes the LUKS root on vdb (a copy of the
# system, without what booting does not need), the LUKS data disk vdc,
# and the LUKS root's initrd. Boot 2 (on LUKS): both tracked, dbdboot
# sync. Boot 3: the root reloaded in the initramfs after its unlock and
# before its mount; the data volume left to the real root and reloaded
# there after its unlock and before its mount; both resumed.
# vm-cost: 330 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_root_copy
vm_disk lroot 1024
vm_disk ldata 64
vm_boot 1 --systemd --guest-initrd --timeout 400 lroot ldata
vm_expect_pass 1
for b in 2 3; do
	vm_boot $b --systemd --guest-initrd --root /dev/mapper/croot lroot ldata
	vm_expect_pass $b
done
vm_expect_log 3 "minor 1: UUID="
vm_done "root on LUKS and a LUKS data volume from crypttab, each reloaded before its mount: 3 boots"
