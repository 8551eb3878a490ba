#!/bin/bash
# Benchmark (run by bench/agent.sh, not by make check): dbdboot-early's time
# from its start to its last reload, read from kernel log timestamps, and
# its breakdown from its report, for 1 and for 8 volumes (8 disks; no COW
# files needed: a reload only records); and the time to the real root's
# init against the same initrd without the agent: BENCH_AGENT_BOOTS (4)
# boots of each, medians.
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
done
# The same initrd without the agent: its boot script then does nothing.
vm_initrd without --without 'usr/lib/dbdboot/dbdboot-early'

boots=${BENCH_AGENT_BOOTS:-4}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
for kind in v1 v8 without; do
	ups=''
	for i in $(seq "$boots"); do
		b=$kind-$i
		vm_boot "$b" --initrd "$kind" --append printk.devkmsg=on "${disks[@]}" 2>/dev/null
		vm_expect_pass "$b"
		up=$(vm_root_init_ms "$b")
		ups="$ups $up"
		echo "boot $b: real root's init at $up ms"
		[ "$kind" = without ] && continue
		n=${kind#v}
		tr -d '\r' <"$SC_DIR/boot-$b.log" | sed -n 's/^bench: breakdown /agent breakdown, '"$n"' volume(s), ms: /p'
		tr -d '\r' <"$SC_DIR/boot-$b.log" | awk -v n="$n" '
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
	eval "median_$kind=$(echo "$ups" | tr ' ' '\n' | grep . | median)"
done
# shellcheck disable=SC2154 # set by the eval above
echo "dbdboot adds to the time to the real root: $((median_v1 - median_without)) ms with 1 volume, $((median_v8 - median_without)) ms with 8 (medians of $boots boots: $median_v1, $median_v8, $median_without ms without the agent; TCG's spread is wider than this)"
