#!/bin/bash
# TEST-61-hotplug: a tracked data disk that is not there at boot and is
# plugged in (QEMU device_add) 5 s after the guest's test starts, then
# mounted with systemd-mount by its UUID. Boot 1 tracks it (mounted by
# hand, no fstab line) and syncs (stage=root). Boot 2: the initramfs
# leaves it; the generator's unit, waiting for its device, reloads it when
# it appears, before the mount; the verdict, absent at first, is resumed.
# vm-cost: 85 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_root_copy
vm_disk hot 64
vm_boot 1 --systemd --guest-initrd hot
vm_expect_pass 1
vm_boot 2 --systemd --guest-initrd --hotplug-on "guest: plug the disk in now" hot
vm_expect_pass 2
vm_done "a data disk plugged in after boot, reloaded before its mount: 2 boots"
