#!/bin/sh
# Guest side of TEST-02-clean-reboot. Boot 1 sets up tracking and unmounts
# cleanly; boot 2 reloads and mounts.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

mkdir -p /mnt
modprobe dattobd
case $1 in
1)
	mount /dev/vdb /mnt
	dbdtest setup-snapshot /dev/vdb /mnt/.datto 0
	dbdtest transition-to-incremental 0
	echo data >/mnt/file
	dbdtest info 0 >/mnt/boot1.info
	sync
	umount /mnt
	expect_eq "state after umount" "$(proc_field 0 state)" 0
	mount -o ro /dev/vdb /mnt
	hdr=$(dbdtest cow-header /mnt/.datto)
	expect_eq "COW header clean after umount" "$(echo "$hdr" | kv clean)" 1
	expect_eq "COW header incremental" "$(echo "$hdr" | kv incremental)" 1
	expect_eq "state after read-only mount" "$(proc_field 0 state)" 0
	umount /mnt
	;;
2)
	expect_errno ENOENT dbdtest info 0
	dbdtest reload-incremental /dev/vdb /.datto 0
	expect_eq "state after reload" "$(proc_field 0 state)" 4
	mount /dev/vdb /mnt
	show_proc
	expect_eq "state after read-write mount" "$(proc_field 0 state)" 2
	info=$(dbdtest info 0)
	expect_eq "uuid across the reboot" "$(echo "$info" | kv uuid)" "$(kv uuid </mnt/boot1.info)"
	expect_eq "seqid across the reboot" "$(echo "$info" | kv seqid)" "$(kv seqid </mnt/boot1.info)"
	expect_eq "error" "$(echo "$info" | kv error)" 0
	expect_eq "COW header dirty while active" "$(dbdtest cow-header /mnt/.datto | kv clean)" 0
	expect_errno EINVAL dbdtest reload-incremental /dev/vdb /.datto 1
	umount /mnt
	expect_eq "COW header clean after umount" "$(mount -o ro /dev/vdb /mnt && dbdtest cow-header /mnt/.datto | kv clean)" 1
	umount /mnt
	;;
*) fail "no boot $1 in this scenario" ;;
esac
