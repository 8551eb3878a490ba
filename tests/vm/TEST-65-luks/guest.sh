#!/bin/sh
# Guest side of TEST-65-luks (systemd as PID 1).
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

case $1 in
1)
	expect_eq "the root" "$(findmnt -n -o SOURCE /)" /dev/mapper/croot
	expect_eq "the data volume" "$(findmnt -n -o SOURCE /data)" /dev/mapper/cdata
	systemctl is-active -q systemd-cryptsetup@cdata.service ||
		fail "the data volume was not unlocked by systemd-cryptsetup@cdata.service"
	track /dev/mapper/croot / 0
	track /dev/mapper/cdata /data 1
	dbdboot sync
	cat /etc/dbdboot/manifest
	grep -q "minor=0 .*stage=initramfs" /etc/dbdboot/manifest || fail "the root is not stage=initramfs"
	grep -q "minor=1 .*stage=root" /etc/dbdboot/manifest || fail "the data volume is not stage=root"
	;;
2)
	cat /run/dbdboot/early.json
	root_dm=$(basename "$(readlink -f /dev/mapper/croot)")
	data_dm=$(basename "$(readlink -f /dev/mapper/cdata)")
	expect_eq "root reloaded in the initramfs" "$(report_field 0 phase) $(report_field 0 outcome)" \
		"initramfs reloaded"
	expect_eq "data volume reloaded in the real root" \
		"$(report_field 1 phase) $(report_field 1 outcome)" "after-switch-root reloaded"
	# The root: unlocked by cryptroot, then reloaded, then mounted.
	expect_before_in_kmsg 'dbdboot: minor 0: UUID=.* reloaded' "EXT4-fs ($root_dm): mounted"
	# The data volume: unlocked by systemd-cryptsetup, reloaded, fsck'd, mounted.
	expect_before_in_kmsg 'dbdboot: minor 1: UUID=.* reloaded' "EXT4-fs ($data_dm): mounted"
	for u in systemd-fsck@dev-mapper-cdata.service data.mount; do
		systemctl show -P After "$u" | tr ' ' '\n' | grep -qx dbdboot-reload-1.service ||
			fail "$u is not ordered after dbdboot-reload-1.service: $(systemctl show -P After "$u")"
	done
	# Ordered against the opened mapper device (named by its filesystem's
	# UUID in the manifest), not the LUKS disk under it. (systemctl quotes
	# the names that hold a backslash.)
	fs_uuid=$(blkid -o value -s UUID /dev/mapper/cdata)
	dev_unit=$(systemd-escape --path --suffix=device "/dev/disk/by-uuid/$fs_uuid")
	after=$(systemctl show -P After dbdboot-reload-1.service)
	echo "$after" | tr -d '"' | tr ' ' '\n' | grep -qxF "$dev_unit" ||
		fail "dbdboot-reload-1.service is not ordered after $dev_unit: $after"
	cat /run/dbdboot/verdict.json
	expect_verdict 0 resumed
	expect_verdict 1 resumed
	;;
*) fail "no boot $1 in this scenario" ;;
esac
