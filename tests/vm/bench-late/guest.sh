#!/bin/sh
# Guest side of bench-late (systemd as PID 1): see test.sh.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

figure() {
	# "Startup finished in 2.1s (kernel) + 14.0s (userspace) ..." and
	# "multi-user.target reached after 13.9s in userspace".
	t=$(systemd-analyze time 2>/dev/null | tr '\n' ' ')
	k=$(echo "$t" | sed -n 's/.*finished in \([0-9.]*\)\(m*s\) (kernel).*/\1 \2/p')
	u=$(echo "$t" | sed -n 's/.*multi-user.target reached after \([0-9.]*\)\(m*s\) in userspace.*/\1 \2/p')
	ms=$(echo "$k $u" | awk '{ k = $2 == "s" ? $1 * 1000 : $1; u = $4 == "s" ? $3 * 1000 : $3; printf "%.0f", k + u }')
	echo "bench: multi-user-ms $ms ($t)"
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
