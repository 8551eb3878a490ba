#!/bin/sh
# Guest side of the demo (make demo), run by dbdtest.service with systemd
# as PID 1. Each step prints the command a user would type and its real
# output, trimmed, on lines starting with DEMO| that the host shows; the
# checks of lib.sh make the boot fail when the story is not true.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

say() { printf 'DEMO|%s\n' "$*" >/dev/console; }
show() { sed 's/^/DEMO|    /' >/dev/console; }
run() { # run CMD...: the command as typed, then its output
	say "\$ $*"
	rc=0
	"$@" >/run/demo.out 2>&1 || rc=$?
	show </run/demo.out
	[ "$rc" = 0 ] || say "    (exit status $rc)"
}
# The uuid and seqid of minor MINOR's chain in the driver's INFO record
# (dbdtest info's output; the UUID= of dbdboot's lines is the volume's).
ids() { # ids MINOR < INFO
	info=$(cat)
	echo "minor $1: chain uuid $(echo "$info" | kv uuid), seqid $(echo "$info" | kv seqid)"
}
# The kernel log's lines of the agent's reloads and the volumes' first
# read-write mounts, in the order they happened.
reloads_then_mounts() {
	say "\$ dmesg | grep -E 'dbdboot: minor|EXT4-fs \(vd[ab]\): (mounted|re-mounted)'"
	dmesg | grep -E 'dbdboot: minor|EXT4-fs \(vd[ab]\): (mounted|re-mounted)' | show
}

TF=/var/lib/prometheus/node-exporter
VERDICT_ID=0a162eb9fe9840f594a3be7226f4b1f1
# expect_metric FILE LINE: node_exporter's textfile FILE holds LINE
expect_metric() {
	grep -qxF "$2" "$TF/$1" || fail "$TF/$1 lacks '$2': $(cat "$TF/$1" 2>&1)"
}
# expect_journal MINOR VERDICT REASON: this boot's journal has that verdict entry
expect_journal() {
	journalctl -b -o export "MESSAGE_ID=$VERDICT_ID" "MINOR=$1" "VERDICT=$2" "REASON=$3" |
		grep -q "^VOLUME=" || fail "the journal has no verdict entry of minor $1: $2 $3"
}

case $1 in
1)
	[ ! -s /etc/dbdboot/manifest ] || fail "the system came with a manifest"
	mkdir -p "$TF"	# as prometheus-node-exporter's package makes it
	fstab_disk data
	say "The backup agent starts tracking the root and the data disk (its full"
	say "backups), with dattobd's ioctls (dbdtest makes the calls dbdctl makes):"
	say "\$ dbdtest setup-snapshot /dev/vda /.datto 0; dbdtest transition-to-incremental 0"
	say "\$ dbdtest setup-snapshot /dev/vdb /data/.datto 1; dbdtest transition-to-incremental 1"
	track /dev/vda / 0
	track /dev/vdb /data 1
	for m in 0 1; do ids $m </var/lib/dbdtest/$m.info | show; done
	say ""
	say "dbdboot writes down what the driver tracks, for the next boots:"
	run dbdboot sync
	say "\$ grep ^volume /etc/dbdboot/manifest"
	grep ^volume /etc/dbdboot/manifest | show
	say ""
	say "\$ systemctl reboot   (a clean reboot)"
	;;
2)
	reloads_then_mounts
	say ""
	say "Did tracking survive? What the backup agent asks before an incremental backup:"
	run dbdboot verdict
	expect_all_resumed 0 1 >/dev/null
	say "the chains the driver has now, the same as set up in boot 1:"
	for m in 0 1; do dbdtest info $m | ids $m | show; done
	say ""
	say "What the running kernel has for the next boot (without -k: every installed kernel):"
	run dbdboot status -k "$(uname -r)"
	say ""
	say "Where monitoring looks (node_exporter's textfile folder, the journal; dbdboot(8), MONITORING):"
	say "\$ grep -h '^dbdboot_volume_resumed\|^dbdboot_kernel_ready' $TF/*.prom"
	grep -h '^dbdboot_volume_resumed\|^dbdboot_kernel_ready' "$TF"/*.prom | show
	for m in 0 1; do
		grep -q "^dbdboot_volume_resumed{minor=\"$m\",.*} 1$" "$TF/dbdboot-verdict.prom" ||
			fail "dbdboot-verdict.prom does not say minor $m resumed"
		expect_journal $m resumed ""
	done
	expect_metric dbdboot-verdict.prom "dbdboot_all_resumed 1"
	expect_metric dbdboot-kernels.prom "dbdboot_kernel_ready{kernel=\"$(uname -r)\",running=\"1\"} 1"
	grep -q '^dbdboot_shutdown_record_timestamp_seconds [0-9]' "$TF/dbdboot-shutdown.prom" ||
		fail "no shutdown record time in dbdboot-shutdown.prom"
	say ""
	say "Now writes to the root and /data, and the machine dies during them (QEMU killed)."
	crash_during_writes
	;;
3)
	reloads_then_mounts
	say ""
	say "The driver reloaded both volumes, but it could not close them when the"
	say "machine died: what it tracked last may be lost, and the verdict says so:"
	run dbdboot verdict
	expect_all_unclean 0 1 >/dev/null
	say "\$ journalctl -b MESSAGE_ID=$VERDICT_ID VERDICT=chain-broken -o cat"
	journalctl -b "MESSAGE_ID=$VERDICT_ID" VERDICT=chain-broken -o cat | show
	[ "$(journalctl -b "MESSAGE_ID=$VERDICT_ID" -o cat | wc -l)" = 2 ] ||
		fail "the journal has the verdicts more than once a volume, though they did not change"
	for m in 0 1; do
		grep -q "^dbdboot_volume_verdict{minor=\"$m\",.*,verdict=\"chain-broken\",reason=\"unclean-shutdown\"} 1$" \
			"$TF/dbdboot-verdict.prom" || fail "dbdboot-verdict.prom does not say minor $m chain-broken"
		expect_journal $m chain-broken unclean-shutdown
	done
	expect_metric dbdboot-verdict.prom "dbdboot_previous_shutdown_clean 0"
	say ""
	say "The same for programs: dbdboot verdict -J, /run/dbdboot/verdict.json (dbdboot-verdict(5))"
	;;
esac
