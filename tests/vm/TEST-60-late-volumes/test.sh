#!/bin/bash
# TEST-60-late-volumes: systemd as PID 1; the volumes the initramfs cannot
# or need not reload, five of them beside the root in one system, so that
# two boots check them all (they were five scenarios of two boots each):
#   minor 1  a data LV on a second volume group whose autoactivation is
#            off (udev in the initramfs would activate it otherwise), which
#            a service of the real root activates (/data, fstab pass 0);
#   minor 2  a noauto fstab volume (/later), mounted by hand after boot;
#   minor 3  a volume on md RAID1 of two disks (/md);
#   minor 4  a nofail disk (/gone) that is absent at the next boot;
#   minor 5  a disk mounted by hand (/hot, no fstab line), absent at the
#            next boot and plugged in (QEMU device_add) 5 s after the
#            guest's test starts, then mounted with systemd-mount by UUID.
# Boot 1 makes them, tracks them with the root and syncs: the root is
# stage=initramfs, the five stage=root. Boot 2 (the nofail and hot-plug
# disks left out):
#   - the initramfs reloads the root, the noauto volume and the array (on
#     the md device, never a member), and leaves the LV and the absent
#     disks to the real root without waiting for them (its time beyond the
#     module load is printed);
#   - multi-user.target is reached while the units of the absent disks
#     still wait for their devices: device-absent, chain-broken;
#   - dbdboot-reload-1.service reloads the LV before its fsck and mount
#     (data.mount is ordered after it though the fstab names the LV by
#     path and the manifest by UUID);
#   - the noauto volume is pending until it is mounted by hand;
#   - the plugged disk is reloaded by its waiting unit before the mount;
#   - then every present volume is resumed.
# vm-cost: 150 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_root_copy
for d in pv later m1 m2 gone hot; do vm_disk "$d" 64; done
vm_boot 1 --systemd --guest-initrd pv later m1 m2 gone hot
vm_expect_pass 1
vm_boot 2 --systemd --guest-initrd --hotplug-on "guest: plug the disk in now" hot pv later m1 m2
vm_expect_pass 2
vm_expect_log 2 "left to the real root (stage=root)"
vm_done "late volumes (an LV the initramfs does not activate, noauto, md RAID1, an absent nofail disk, a disk plugged in after boot), each reloaded before its mount or judged absent: 2 boots"
