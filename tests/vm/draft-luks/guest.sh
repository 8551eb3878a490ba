#!/bin/sh
# Guest side of draft-luks (systemd as PID 1).
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

# LUKS2 with PBKDF2 and few iterations: unlocking at boot under TCG would
# take minutes with argon2.
luks() { # luks DEV KEYFILE NAME
	cryptsetup luksFormat -q --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 \
		--key-file "$2" "$1" || fail "could not format $1"
	cryptsetup open --key-file "$2" "$1" "$3" || fail "could not open $1"
}

case $1 in
1)
	mkdir -p /etc/keys
	chmod 700 /etc/keys
	head -c 64 /dev/urandom >/etc/keys/root.key
	head -c 64 /dev/urandom >/etc/keys/data.key
	chmod 600 /etc/keys/*.key
	luks /dev/vdb /etc/keys/root.key croot
	luks /dev/vdc /etc/keys/data.key cdata
	mkfs.ext4 -q -E lazy_itable_init=0,lazy_journal_init=0 /dev/mapper/croot
	mkfs.ext4 -q -E lazy_itable_init=0,lazy_journal_init=0 /dev/mapper/cdata
	mkdir -p /mnt/new
	mount /dev/mapper/croot /mnt/new
	tar -C / --one-file-system --exclude=./usr/src --exclude=./usr/lib/gcc \
		--exclude=./usr/share/doc --exclude=./usr/share/man --exclude=./usr/share/locale \
		--exclude=./boot --exclude=./mnt --exclude=./proc --exclude=./sys --exclude=./run \
		--exclude=./dev -cf - . | tar -C /mnt/new -xf - || fail "could not copy the root"
	mkdir -p /mnt/new/boot /mnt/new/mnt /mnt/new/proc /mnt/new/sys /mnt/new/run /mnt/new/dev \
		/mnt/new/oldroot /mnt/new/data
	for m in /mnt/new/lib/modules/*; do
		[ "${m##*/}" = "$(uname -r)" ] || rm -rf "$m"	# the other kernel's modules
	done
	cat >/mnt/new/etc/fstab <<-EOF
	/dev/mapper/croot / ext4 errors=remount-ro 0 1
	/dev/vda /oldroot ext4 defaults 0 0
	/oldroot/boot /boot none bind 0 0
	/dev/mapper/cdata /data ext4 defaults 0 2
	EOF
	cat >/mnt/new/etc/crypttab <<-EOF
	croot UUID=$(cryptsetup luksUUID /dev/vdb) /etc/keys/root.key luks
	cdata UUID=$(cryptsetup luksUUID /dev/vdc) /etc/keys/data.key luks
	EOF
	mkdir -p /mnt/new/etc/cryptsetup-initramfs
	echo 'KEYFILE_PATTERN="/etc/keys/root.key"' >/mnt/new/etc/cryptsetup-initramfs/conf-hook
	echo 'UMASK=0077' >>/mnt/new/etc/initramfs-tools/initramfs.conf
	for d in proc sys dev run; do mount --bind "/$d" "/mnt/new/$d"; done
	mount --bind /boot /mnt/new/boot
	chroot /mnt/new update-initramfs -u -k "$(uname -r)" || fail "update-initramfs in the LUKS root failed"
	lsinitramfs "/boot/initrd.img-$(uname -r)" | grep -q 'cryptroot/keyfiles/croot.key' ||
		fail "the root's key file is not in the initrd"
	lsinitramfs "/boot/initrd.img-$(uname -r)" | grep -q 'dbdboot-early' ||
		fail "the agent is not in the initrd"
	for d in boot run dev sys proc; do umount "/mnt/new/$d"; done
	umount /mnt/new
	cryptsetup close cdata
	cryptsetup close croot
	;;
2)
	expect_eq "the root" "$(findmnt -n -o SOURCE /)" /dev/mapper/croot
	expect_eq "the data volume" "$(findmnt -n -o SOURCE /data)" /dev/mapper/cdata
	track /dev/mapper/croot / 0
	track /dev/mapper/cdata /data 1
	dbdboot sync
	cat /etc/dbdboot/manifest
	grep -q "minor=0 .*stage=initramfs" /etc/dbdboot/manifest || fail "the root is not stage=initramfs"
	grep -q "minor=1 .*stage=root" /etc/dbdboot/manifest || fail "the data volume is not stage=root"
	;;
3)
	cat /run/dbdboot/early.json
	root_dm=$(basename "$(readlink -f /dev/mapper/croot)")
	data_dm=$(basename "$(readlink -f /dev/mapper/cdata)")
	expect_eq "root reloaded in the initramfs" "$(report_field 0 phase) $(report_field 0 outcome)" \
		"initramfs reloaded"
	expect_eq "data volume reloaded in the real root" \
		"$(report_field 1 phase) $(report_field 1 outcome)" "after-switch-root reloaded"
	expect_before_in_kmsg 'dbdboot: minor 0: UUID=.* reloaded' "EXT4-fs ($root_dm): mounted"
	expect_before_in_kmsg 'dbdboot: minor 1: UUID=.* reloaded' "EXT4-fs ($data_dm): mounted"
	cat /run/dbdboot/verdict.json
	expect_verdict 0 resumed
	expect_verdict 1 resumed
	;;
*) fail "no boot $1 in this scenario" ;;
esac
