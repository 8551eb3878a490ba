#!/bin/sh
# Guest side of TEST-50-lifecycle (run by dbdtest.service, systemd as PID 1).
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

# The backup agent's new chain (its full backup): a new uuid, synced.
new_chain() { # new_chain BDEV MOUNTPOINT MINOR
	dbdtest destroy "$3"
	track "$1" "$2" "$3"
	dbdboot sync
}

case $1 in
1)
	[ ! -s /etc/dbdboot/manifest ] || fail "the system came with a manifest"
	fstab_disk data
	fstab_disk extra
	track /dev/vda / 0
	track /dev/vdb /data 1
	dbdboot sync
	cat /etc/dbdboot/manifest
	grep -q "^volume mode=incremental device=UUID=.* minor=0 .*by=sync" /etc/dbdboot/manifest ||
		fail "the manifest does not name the root by its UUID"
	grep -q "^volume mode=incremental device=UUID=.* minor=1 .*by=sync" /etc/dbdboot/manifest ||
		fail "the manifest does not name the data disk by its UUID"
	dbdboot sync --check || fail "sync --check says stale right after a sync"
	;;
2)
	expect_all_resumed 0 1
	expect_before_in_kmsg 'dbdboot: minor 1: UUID=' 'EXT4-fs (vdb): mounted filesystem'
	# Maintenance: rescue.target isolated; the shutdown unit must stay, so
	# that the reboot after records the shutdown (boot 3: resumed).
	systemctl isolate rescue.target || fail "systemctl isolate rescue.target failed"
	expect_eq "multi-user.target after the isolate" "$(systemctl is-active multi-user.target)" inactive
	expect_eq "dbdboot-shutdown.service after the isolate" \
		"$(systemctl is-active dbdboot-shutdown.service)" active
	;;
3)
	# The boot's target is rescue.target, which is reached only after this
	# test unit (the target wants it, so is ordered after it); its shell
	# (rescue.service, Type=idle) starts up to 5 s after the running jobs.
	systemctl list-jobs --no-legend rescue.target | grep -q 'rescue.target *start' ||
		fail "rescue.target is not the boot's target (no start job for it)"
	i=0
	while [ "$(systemctl is-active rescue.service)" != active ] && [ $i -lt 60 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	expect_eq "rescue.service in the rescue boot" "$(systemctl is-active rescue.service)" active
	expect_eq "multi-user.target in the rescue boot" "$(systemctl is-active multi-user.target)" inactive
	expect_eq "dbdboot-shutdown.service in the rescue boot" \
		"$(systemctl is-active dbdboot-shutdown.service)" active
	expect_all_resumed 0 1
	track /dev/vdc /extra 2
	dbdtest destroy 1
	;;
4)
	cat /etc/dbdboot/manifest
	expect_all_resumed 0 2
	expect_gone 1
	# Then a crash during writes (the root's; the new volume is active too).
	crash_during_writes
	;;
5)
	expect_all_unclean 0 2
	new_chain /dev/vdc /extra 2
	;;
6)
	cat /run/dbdboot/verdict.json
	expect_verdict 2 chain-broken not-reloaded
	echo "written untracked" >/extra/untracked
	;;
7)
	cat /run/dbdboot/verdict.json
	expect_eq "the driver resumed the old chain" "$(dbdtest info 2 | kv state)" 2
	expect_verdict 2 chain-broken earlier-break
	new_chain /dev/vda / 0
	new_chain /dev/vdc /extra 2
	;;
8)
	cat /run/dbdboot/verdict.json
	for m in 0 2; do
		expect_verdict $m resumed
		expect_eq "minor $m's new chain's uuid" "$(json_field $m uuid)" "$(kv uuid </var/lib/dbdtest/$m.info)"
	done
	is_double || fail "not the test double: its fault switch is needed"
	echo Y >/sys/module/dattobd/parameters/oops_at_umount
	;;
9)
	cat /run/dbdboot/verdict.json
	expect_eq "the report: the extra disk's journal" "$(report_field 2 journal)" needs-recovery
	expect_verdict 2 chain-broken journal-replayed
	[ "$(json_field 0 verdict)" = chain-broken ] || fail "the root left unclosed is not chain-broken"
	note "root: $(json_field 0 reason)"
	new_chain /dev/vda / 0
	new_chain /dev/vdc /extra 2
	;;
10)
	cat /run/dbdboot/verdict.json
	[ ! -e /extra/.datto ] || fail "the COW file is still there"
	expect_verdict 2 chain-broken cow-missing
	# The root: refused once in the initramfs (the double's fault switch),
	# mounted read-only there, which replayed its journal (marked as
	# needing recovery by the host), then reloaded in the real root with
	# the journal clean by then.
	dmesg | grep -q "reload-incremental minor 0 refused once" ||
		fail "the initramfs's reload of the root was not refused"
	dmesg | grep -q 'EXT4-fs (vda): recovery complete' ||
		fail "the initramfs's read-only mount did not replay the root's journal"
	expect_eq "the root's reload: phase" "$(report_field 0 phase)" after-switch-root
	expect_eq "the root's reload: outcome" "$(report_field 0 outcome)" reloaded
	expect_eq "the root at its reload: mounted" "$(report_field 0 mounted_at_reload)" read-only
	expect_eq "the root at its reload: journal" "$(report_field 0 journal)" clean
	expect_verdict 0 chain-broken mounted-read-only-before-reload
	;;
*) fail "no boot $1 in this scenario" ;;
esac
