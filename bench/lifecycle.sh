#!/bin/bash
# dbdboot sync, verdict and record-shutdown on a fake root with 8 tracked
# volumes (ext4 images named by UUID) and a 16 MiB zstd initrd per kernel
# (2 kernels), each against the thing a user would otherwise run:
#   - sync with nothing changed, against inject --manifest-only (the goal:
#     under 20 ms, no initrd read);
#   - sync with a change (a seqid moved on), against inject --manifest-only
#     of both kernels (the goal: within 2x);
#   - verdict, and record-shutdown with nothing changed (what the shutdown
#     unit adds on the host side), against starting dbdboot at all.
# Prints "name: median ms (min-max)" lines and the ratios. Needs make deps.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
RUNS=${RUNS:-9}
make -s -C "$TOP" all BUILD="$BUILD"
D=$BUILD/dbdboot
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
R=$T/root
mkdir -p "$R/proc/sys/kernel/random" "$R/proc/self" "$R/dev" "$R/etc/dbdboot" "$R/run/dbdboot" "$R/boot"
echo 11111111-2222-3333-4444-555555555555 >"$R/proc/sys/kernel/random/boot_id"
: >"$R/proc/self/mountinfo"
for k in 6.1.0-98-bench-amd64 6.1.0-99-bench-amd64; do
	: >"$R/boot/vmlinuz-$k"
	mkdir -p "$R/lib/modules/$k" "$T/initrd/etc"
	head -c 24000000 /dev/urandom | base64 >"$T/initrd/filler"
	(cd "$T/initrd" && find . | cpio --quiet -o -H newc | zstd -q -3) >"$R/boot/initrd.img-$k"
	rm -rf "$T/initrd"
done
seq_of=1
info() { # the fake /proc/datto-info: 8 active minors, seqid $seq_of
	{
		printf '{\n\t"version": "0.12.1",\n\t"devices": [\n'
		for m in 0 1 2 3 4 5 6 7; do
			[ $m = 0 ] || printf ',\n'
			printf '\t\t{\n\t\t\t"minor": %d,\n\t\t\t"cow_file": "/.datto",\n' $m
			printf '\t\t\t"block_device": "/dev/vd%s",\n' "$(echo abcdefgh | cut -c$((m + 1)))"
			printf '\t\t\t"seq_id": %d,\n\t\t\t"uuid": "00112233445566778899aabbccddee%02d",\n' "$seq_of" $m
			printf '\t\t\t"state": 2\n\t\t}'
		done
		printf '\n\t]\n}\n'
	} >"$R/proc/datto-info"
}
for d in a b c d e f g h; do mke2fs -q -F -t ext4 "$R/dev/vd$d" 4M >/dev/null 2>&1; done
info

# median_ms CMD...: RUNS runs; prints "median (min-max)" in ms.
median_ms() {
	local t0 t1 all=()
	for _ in $(seq "$RUNS"); do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1 || true
		t1=$(date +%s%N)
		all+=($(((t1 - t0) / 100000)))
	done
	printf '%s\n' "${all[@]}" | sort -n | awk '{ v[NR] = $1 } END {
		m = v[int((NR + 1) / 2)]; printf "%d.%d ms (%d.%d-%d.%d)\n", m / 10, m % 10,
		v[1] / 10, v[1] % 10, v[NR] / 10, v[NR] % 10 }'
}
ms_of() { echo "${1%% ms*}"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

"$D" --root "$R" sync >/dev/null 2>&1
start=$(median_ms "$D" --version)
unchanged=$(median_ms "$D" --root "$R" sync)
inject1=$(median_ms "$D" --root "$R" inject -k 6.1.0-99-bench-amd64 --manifest-only)
bump() { seq_of=$((seq_of + 1)); info; "$D" --root "$R" sync; }
changed=$(median_ms bump)
inject2=$(median_ms sh -c "'$D' --root '$R' inject -k 6.1.0-98-bench-amd64 --manifest-only && '$D' --root '$R' inject -k 6.1.0-99-bench-amd64 --manifest-only")
"$D" --root "$R" record-shutdown >/dev/null 2>&1
verdict=$(median_ms "$D" --root "$R" verdict)
record=$(median_ms "$D" --root "$R" record-shutdown)
echo "dbdboot --version (process start): $start"
echo "sync, nothing changed, 8 volumes: $unchanged; $(ratio "$(ms_of "$unchanged")" "$(ms_of "$inject1")")x inject --manifest-only of one kernel ($inject1)"
echo "sync, a seqid changed, 8 volumes, 2 kernels: $changed; $(ratio "$(ms_of "$changed")" "$(ms_of "$inject2")")x inject --manifest-only of both ($inject2)"
echo "verdict, 8 volumes: $verdict; $(awk -v a="$(ms_of "$verdict")" -v b="$(ms_of "$start")" 'BEGIN { printf "%.1f", a - b }') ms more than starting dbdboot"
echo "record-shutdown, nothing changed, 8 volumes: $record; $(awk -v a="$(ms_of "$record")" -v b="$(ms_of "$start")" 'BEGIN { printf "%.1f", a - b }') ms more than starting dbdboot"
