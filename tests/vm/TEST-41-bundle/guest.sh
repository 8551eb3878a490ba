#!/bin/sh
# Guest side of TEST-41-bundle.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

k=$(uname -r)
mkdir -p /run/b
mount /dev/vdb /run/b || fail "could not mount the bundle disk"
case $1 in
export)
	dbdboot bundle export -k "$k" /run/b/dattobd.bundle 2>/run/export.log ||
		fail "bundle export failed: $(cat /run/export.log)"
	cat /run/export.log
	# What export printed, kept as the out-of-band channel would keep it.
	sed -n 's/.*bundle import --sha256 \([0-9a-f]*\) .*/\1/p' /run/export.log >/run/b/sha256
	[ "$(cat /run/b/sha256)" = "$(sha256sum /run/b/dattobd.bundle | cut -c1-64)" ] ||
		fail "export did not print the bundle's sha256"
	tar -tzf /run/b/dattobd.bundle
	umount /run/b
	;;
import)
	[ ! -d /sys/module/dattobd ] || fail "dattobd is loaded although dbdboot=off"
	# The root disk is a throwaway snapshot of the system image.
	mount -o remount,rw / || fail "could not remount the root read-write"
	rm -f "/lib/modules/$k/updates/dkms/dattobd.ko" /usr/sbin/dkms /usr/bin/make /usr/bin/gcc*
	depmod -a "$k"
	if modprobe dattobd 2>/dev/null; then fail "dattobd loads before the import"; fi
	sum=$(cat /run/b/sha256)
	if dbdboot bundle import /run/b/dattobd.bundle 2>/dev/null; then
		fail "a bundle was imported without --sha256"
	fi
	# Damaged: one byte of the compressed data changed (its sha256 with it).
	cp /run/b/dattobd.bundle /run/damaged
	printf 'X' | dd of=/run/damaged bs=1 seek=200 conv=notrunc 2>/dev/null
	if dbdboot bundle import --sha256 "$sum" /run/damaged; then fail "a damaged bundle was imported"; fi
	# Relabelled for the other installed kernel: its checksum still holds.
	other=''
	for d in /lib/modules/*; do
		[ "${d##*/}" = "$k" ] || other=${d##*/}
	done
	[ -n "$other" ] || fail "no other kernel installed"
	mkdir -p /run/re && tar -C /run/re -xzf /run/b/dattobd.bundle
	sed -i "s/^kernel .*/kernel $other/" /run/re/dbdboot-bundle.txt
	tar -C /run/re -czf /run/relabelled dbdboot-bundle.txt dattobd.ko
	if dbdboot bundle import --sha256 "$(sha256sum /run/relabelled | cut -c1-64)" /run/relabelled \
		2>/run/relabelled.err; then
		fail "a bundle relabelled for $other was imported"
	fi
	cat /run/relabelled.err
	grep -q 'built for another kernel' /run/relabelled.err || fail "the refusal does not say why"
	[ ! -e "/lib/modules/$other/updates/dkms/dattobd.ko" ] || fail "something was installed for $other"
	dbdboot bundle import --sha256 "$sum" /run/b/dattobd.bundle || fail "the good bundle was refused"
	modprobe dattobd || fail "the imported module does not load"
	[ -d /sys/module/dattobd ] || fail "dattobd is not loaded after modprobe"
	dbdboot status -k "$k" || fail "dbdboot status does not find $k ready after the import"
	;;
*) fail "no boot $1 in this scenario" ;;
esac
