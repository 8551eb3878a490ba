#!/bin/bash
# Benchmark (run by bench/agent.sh, not by make check): dbdboot-early's time
# from its start to its last reload, read from kernel log timestamps, for 1
# and for 8 volumes (8 disks; no COW files needed: a reload only records).
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

disks=()
for i in 1 2 3 4 5 6 7 8; do
	vm_disk "vol$i" 16
	disks+=("vol$i")
done
for n in 1 8; do
	{
		echo "dbdboot-manifest 1"
		for i in $(seq 1 "$n"); do
			echo "volume mode=incremental device=LABEL=vol$i cow=/.datto minor=$i"
		done
	} >"$SC_DIR/manifest-$n"
	vm_initrd "v$n" --manifest "$SC_DIR/manifest-$n"
	vm_boot "v$n" --initrd "v$n" --append printk.devkmsg=on "${disks[@]}" 2>/dev/null
	vm_expect_pass "v$n"
	tr -d '\r' <"$SC_DIR/boot-v$n.log" | awk -v n="$n" '
		function ts() { match($0, /\[ *[0-9]+\.[0-9]+\]/); return substr($0, RSTART + 1, RLENGTH - 2) + 0 }
		/dbdboot: dbdboot-early/ { start = ts() }
		/dbdboot: minor .* reloaded/ { last = ts(); count++ }
		/dbdboot: .* volumes reloaded/ { end = ts() }
		END {
			if (count != n) { print "agent: expected " n " reloads, saw " count; exit 1 }
			printf "agent start to last reload, %d volume(s): %.0f ms (agent done at %.0f ms)\n",
				n, (last - start) * 1000, (end - start) * 1000
		}'
done
