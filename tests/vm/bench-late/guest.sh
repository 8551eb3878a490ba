#!/bin/sh
# Guest side of bench-late (systemd as PID 1): see test.sh.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

figure() {
	# When multi-user.target was reached, in microseconds of the monotonic
	# clock (from the kernel's start: the initramfs included).
	us=$(systemctl show -P ActiveEnterTimestampMonotonic multi-user.target)
	echo "bench: multi-user-ms $((us / 1000))"
	dmesg | grep -c 'too late to reload' | sed 's/^/bench: too-late /'
}

destroy() { # destroy FIRST LAST: stop tracking those minors, then sync
	for m in $(seq "$1" "$2"); do dbdtest destroy "$m"; done
	dbdboot sync >/dev/null
}

case $1 in
1)
	wipefs -q -a /dev/vdb
	pvcreate -q /dev/vdb || fail "pvcreate"
	vgcreate -q late /dev/vdb || fail "vgcreate"
	for i in 1 2 3 4 5 6 7 8; do
		lvcreate -q -y -L 12M -n "lv$i" late || fail "lvcreate lv$i"
		mkfs.ext4 -q -E lazy_itable_init=0,lazy_journal_init=0 "/dev/late/lv$i"
		mkdir -p "/late/$i"
		echo "/dev/late/lv$i /late/$i ext4 defaults 0 0" >>/etc/fstab
	done
	vg_by_service late /dev/vdb
	systemctl daemon-reload
	track /dev/vda / 0
	for i in 1 2 3 4 5 6 7 8; do
		mount "/late/$i"
		track "/dev/late/lv$i" "/late/$i" "$i"
	done
	dbdboot sync >/dev/null
	[ "$(grep -c 'stage=root' /etc/dbdboot/manifest)" = 8 ] || fail "not 8 stage=root volumes"
	;;
2 | 4 | 6 | 8 | 9) figure ;;
3) figure; destroy 2 8 ;;
5) figure; destroy 1 1 ;;
7) figure ;;
*) fail "no boot $1 in this bench" ;;
esac
