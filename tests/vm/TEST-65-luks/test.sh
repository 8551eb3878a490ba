#!/bin/bash
# TEST-65-luks: the root on LUKS, unlocked in the initramfs by
# initramfs-tools' cryptroot with a key file in the initrd, and a LUKS data
# volume unlocked from /etc/crypttab in the real root (systemd-cryptsetup);
# both tracked, the tracked devices being the opened mapper devices.
# The host makes it all, as an installer would (under TCG the guest would
# take minutes): the system with cryptsetup and cryptsetup-initramfs, its
# initrd, the LUKS root (vdb) and data disk (vdc), encrypted offline by
# cryptsetup (no device mapper needed on the host), and a boot disk (vda)
# whose /boot the LUKS root bind-mounts, which the harness boots from.
# Boot 1: both tracked, dbdboot sync marks the root stage=initramfs and the
# data volume stage=root. Boot 2: the root reloaded in the initramfs after
# its unlock and before its mount; the data volume left to the real root,
# reloaded there after its unlock and before its fsck and mount; both
# resumed.
# vm-cost: 245 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

t0=$(date +%s)
vm_system_overlay
R=$SC_DIR/root
vm_apt_install cryptsetup cryptsetup-initramfs
ROOT_UUID=$(cat /proc/sys/kernel/random/uuid)
DATA_UUID=$(cat /proc/sys/kernel/random/uuid)

mkdir "$R/etc/keys"
chmod 0700 "$R/etc/keys"
head -c 64 /dev/urandom >"$R/etc/keys/root.key"
head -c 64 /dev/urandom >"$R/etc/keys/data.key"
chmod 0600 "$R"/etc/keys/*.key
# The root's entry has the initramfs option: the hook cannot see the root
# it will be (it runs on the host), so it is told.
cat >"$R/etc/crypttab" <<EOF
croot UUID=$ROOT_UUID /etc/keys/root.key luks,initramfs
cdata UUID=$DATA_UUID /etc/keys/data.key luks
EOF
cat >"$R/etc/fstab" <<EOF
/dev/mapper/croot / ext4 defaults 0 0
LABEL=lboot /bootdisk ext4 defaults 0 0
/bootdisk/boot /boot none bind 0 0
/dev/mapper/cdata /data ext4 defaults 0 2
EOF
mkdir -p "$R/bootdisk" "$R/data"
echo 'KEYFILE_PATTERN="/etc/keys/*.key"' >>"$R/etc/cryptsetup-initramfs/conf-hook"
echo 'UMASK=0077' >>"$R/etc/initramfs-tools/initramfs.conf"
# Debian's default module policy again (prepare.sh's MODULES=list lacks
# the ciphers cryptroot asks for in a chroot that cannot see the disks).
rm -f "$R/etc/initramfs-tools/conf.d/dbdtest-modules"
in_chroot "$R" update-initramfs -u -k "$KVER" >"$SC_DIR/initramfs.log" 2>&1 ||
	die "update-initramfs with cryptroot failed, see $SC_DIR/initramfs.log"
in_chroot "$R" lsinitramfs "/boot/initrd.img-$KVER" >"$SC_DIR/initrd.list"
for f in cryptroot/crypttab cryptroot/keyfiles/croot.key usr/sbin/cryptsetup \
	usr/lib/dbdboot/dbdboot-early dattobd.ko; do
	grep -q "$f" "$SC_DIR/initrd.list" || die "the initrd lacks $f (see $SC_DIR/initrd.list, $SC_DIR/initramfs.log)"
done
grep -q "^croot UUID=$ROOT_UUID " <(in_chroot "$R" unmkinitramfs "/boot/initrd.img-$KVER" /tmp/i >/dev/null 2>&1 &&
	cat "$R/tmp/i/cryptroot/crypttab") || die "the initrd's crypttab lacks the root"
rm -rf "$R/tmp/i"

# The boot disk: /boot as the host would boot it (kernel, the new initrd).
mkdir -p "$SC_DIR/bootdisk"
cp -a "$R/boot" "$SC_DIR/bootdisk/boot"
mke2fs -q -F -t ext4 -E lazy_itable_init=0,lazy_journal_init=0 -L lboot -d "$SC_DIR/bootdisk" \
	"$SC_DIR/root.img" 128M
rm -rf "$SC_DIR/bootdisk"
# The LUKS root: the system without what booting it does not need.
rm -rf "${R:?}"/boot/* "$R"/usr/src/linux-headers-* "$R/usr/lib/gcc" "$R/lib/modules/$OLD_KVER" \
	"$R/usr/share/doc" "$R/usr/share/man" "$R/usr/share/locale" "$R"/var/lib/apt/lists/*
chroot_umount "$R"
size=$(($(du -sm "$R" | cut -f1) * 5 / 4 + 128))
mke2fs -q -F -t ext4 -E lazy_itable_init=0,lazy_journal_init=0 -d "$R" "$SC_DIR/lroot.img" "${size}M"
vm_disk ldata 64
# Offline encryption in place: the data moves up by the 32 MiB given for
# the LUKS2 header. PBKDF2 at its minimum: argon2 would take minutes at
# every unlock under TCG.
mkdir -p "$SC_DIR/luks"
chroot_mount "$R"
mkdir -p "$R/run/luks"
mount --bind "$SC_DIR/luks" "$R/run/luks"
for d in lroot:root:$ROOT_UUID ldata:data:$DATA_UUID; do
	IFS=: read -r img key uuid <<<"$d"
	mv "$SC_DIR/$img.img" "$SC_DIR/luks/$img.img"
	truncate -s +32M "$SC_DIR/luks/$img.img"
	in_chroot "$R" cryptsetup reencrypt -q --encrypt --type luks2 --uuid "$uuid" \
		--pbkdf pbkdf2 --pbkdf-force-iterations 1000 --reduce-device-size 32M \
		--key-file "/etc/keys/$key.key" "/run/luks/$img.img" >>"$SC_DIR/luks.log" 2>&1 ||
		die "could not encrypt $img.img, see $SC_DIR/luks.log"
	mv "$SC_DIR/luks/$img.img" "$SC_DIR/$img.img"
done
vm_overlay_umount
trap - EXIT
log "system on LUKS made in $(since "$t0") s"

for b in 1 2; do
	vm_boot $b --systemd --guest-initrd --root /dev/mapper/croot lroot ldata
	vm_expect_pass $b
done
vm_expect_log 2 "minor 1: UUID="
# At each shutdown the record comes before the data volume leaves read-write:
# blk-availability.service's blkdeactivate unmounts dm filesystems when it
# stops, and dbdboot-shutdown.service is ordered to stop before it.
for b in 1 2; do
	vm_expect_log_order "$b" 'dbdboot: shutdown recorded' 'dattobd: minor 1: .* leaving read-write'
	if grep -aq 'could not name minor 1' "$SC_DIR/boot-$b.log"; then
		die "boot $b of $SC_NAME: the shutdown sync found the data volume gone"
	fi
done
vm_done "the root on LUKS and a LUKS data volume from crypttab, each reloaded before its mount: 2 boots"
