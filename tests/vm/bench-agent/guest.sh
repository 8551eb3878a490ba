#!/bin/sh
# Guest side of the agent benchmark: when the real root's init started,
# and, in the boots with dbdboot, that the reloads happened and where the
# agent's time went, from its report's own timings (all in ms from the
# agent's start): the wait for the module (its load started early in the
# initrd; the load's own length beside it); the manifest and the wait for devices (to
# the last device found); superblock and mount checks (from there to the
# last volume done, less the ioctls: the reads are made together); reload ioctls; the
# report (from the last volume done to the agent's end).
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

say_root_init_ms
case $1 in
without-*) exit 0 ;;
esac
R=/run/dbdboot/early.json
n=${1#v}
n=${n%%-*}
expect_eq "reloaded volumes" "$(grep -c '"outcome": "reloaded"' "$R")" "$n"
awk '
	function num(key,   m) { if (match($0, "\"" key "\": [0-9]+")) { m = substr($0, RSTART, RLENGTH); sub(/.*: /, "", m); return m + 0 } return -1 }
	/"elapsed_ms"/ { elapsed = num("elapsed_ms") }
	/"module": \{/ { module = num("waited_ms"); load = num("ms") }
	/"found_ms"/ {
		f = num("found_ms"); r = num("reload_ms"); d = num("done_ms")
		if (f > found) found = f
		if (d > done) done = d
		ioctls += r
	}
	END {
		printf "bench: breakdown module wait %d (its load %d, started early), manifest+devices %d, checks %d, ioctls %d, report %d, total %d, beside the module %d\n",
			module, load, found - module, done - found - ioctls, ioctls, elapsed - done, elapsed, elapsed - module
	}' "$R"
