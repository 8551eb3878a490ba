#!/bin/bash
# A fuzz campaign: every libFuzzer harness under tests/fuzz, one after the
# other on a corpus of its own that grows from run to run, each for
# SECONDS (default 600) or until RUNS executions (whichever comes first).
# Prints, per harness: executions, executions per second, coverage
# (libFuzzer's "cov" and "ft") at the start and at the end, the corpus
# size, and any crash or leak found (its input kept in the results folder).
#
#   bench/fuzz-campaign.sh [-t SECONDS] [-n RUNS] [-j JOBS] [HARNESS...]
#
# -j runs that many harnesses at once (default 1). The corpus lives in
# build/fuzz-campaign/NAME (seeded from tests/fuzz/corpus/NAME); crashes go
# to build/fuzz-campaign/crashes/, never to the repository.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
SECONDS_EACH=600
RUNS=
JOBS=1
while getopts t:n:j:h o; do
	case $o in
	t) SECONDS_EACH=$OPTARG ;;
	n) RUNS=$OPTARG ;;
	j) JOBS=$OPTARG ;;
	h) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "Try '$0 -h'" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
make -s -C "$TOP" test-tools BUILD="$BUILD" >/dev/null
OUT=$BUILD/fuzz-campaign
mkdir -p "$OUT/crashes"
if [ $# -eq 0 ]; then
	for f in "$BUILD"/tests/fuzz-*; do
		set -- "$@" "${f##*/fuzz-}"
	done
fi

# campaign NAME: one harness; prints its line.
campaign() {
	local n=$1 f=$BUILD/tests/fuzz-$1 log=$OUT/$1.log corpus=$OUT/$1 first last runs secs
	mkdir -p "$corpus"
	cp -n "$TOP/tests/fuzz/corpus/$n/"* "$corpus/" 2>/dev/null || true
	"$f" -max_total_time="$SECONDS_EACH" ${RUNS:+-runs="$RUNS"} -print_final_stats=1 \
		-artifact_prefix="$OUT/crashes/$n-" -close_fd_mask=3 "$corpus" >"$log" 2>&1 || true
	first=$(grep -m1 -o 'INITED cov: [0-9]* ft: [0-9]*' "$log" | awk '{print $3 "/" $5}')
	last=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n1 | awk '{print $2 "/" $4}')
	runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}')
	secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | awk '{print $5}')
	printf '%-11s %12s runs %8s/s  cov/ft %9s -> %-11s corpus %5s  %s\n' "$n" "${runs:-?}" \
		"$(( ${runs:-0} / (${secs:-1} > 0 ? ${secs:-1} : 1) ))" "${first:-?}" "${last:-?}" \
		"$(find "$corpus" -type f | wc -l)" \
		"$(grep -q 'ERROR: \|deadly signal\|leak' "$log" && echo "FOUND: see $log" || echo ok)"
}

printf '%-11s %17s %10s  %-26s %-12s\n' harness executions rate "coverage (start -> end)" corpus
running=0
for n in "$@"; do
	[ -x "$BUILD/tests/fuzz-$n" ] || { echo "no harness fuzz-$n" >&2; exit 2; }
	campaign "$n" &
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then
		wait -n || true
		running=$((running - 1))
	fi
done
wait
