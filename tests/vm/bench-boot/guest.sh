#!/bin/sh
# Guest side of bench-boot: boot "setup" tracks the root with the real
# dattobd as a backup agent does, writes dbdboot's manifest (dbdboot sync)
# and the reload script dattobd's own initramfs script runs
# (/etc/datto/dla/reload_*: dbdctl reload-incremental), and shuts the root
# down cleanly. Every other boot prints when the real root's init started
# and checks that the way it was booted did what it should: the root
# reloaded (dattobd's script, dbdboot) or dattobd not loaded at all (none).
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

say_root_init_ms
case $1 in
setup)
	mount -o remount,rw /
	track /dev/vda / 0
	dbdboot sync
	mkdir -p /etc/datto/dla
	printf '#!/bin/sh\ndbdctl reload-incremental /dev/vda /.datto 0\n' >/etc/datto/dla/reload_root
	chmod 0755 /etc/datto/dla/reload_root
	sync
	mount -o remount,ro /
	;;
none-* | warmup)
	[ ! -d /sys/module/dattobd ] || fail "dattobd is loaded in the boot without it"
	;;
dattobd-*)
	expect_eq "the root's state after dattobd's own script" "$(proc_field 0 state)" 4
	;;
dbdboot-*)
	expect_eq "the root's state after dbdboot" "$(proc_field 0 state)" 4
	R=/run/dbdboot/early.json
	grep '"module"' "$R"
	echo "bench: agent $(sed -n 's/^  "elapsed_ms": \([0-9]*\),/\1/p' "$R") $(sed -n 's/.*"module": .*"ms": \([0-9]*\), "by": "\([a-z]*\)", "started_ms": \(-*[0-9]*\), "ended_ms": \(-*[0-9]*\), "waited_ms": \([0-9]*\)}.*/\1 \2 \3 \5/p' "$R")"
	;;
esac
