#!/bin/bash
# Run dbdboot's test suites and end with one line "N passed, N failed".
#
#   tests/check.sh [unit] [vm] [SCENARIO...]
#
# unit: cmocka unit tests (ASan+UBSan), short libFuzzer runs, shellcheck of
#       every shell script, the test client's command line.
# vm:   every scenario under tests/vm/TEST-*; or name scenarios to run only
#       those (TEST-01-smoke or 01).
# Needs the build made by `make check` (it calls this). Settings:
#   FUZZ_SECONDS  length of each fuzz run (default 10)
#   BUILD         build directory (default build)
#   DBDBOOT_DATTOBD  the real dattobd for the real-driver scenarios (the
#                 VM_FLAVOUR=real and real-dracut ones; tests/vm/lib/common.sh);
#                 without it they are skipped and counted so
#   DBDBOOT_REQUIRE_REAL=1  a missing real dattobd fails them instead (CI)
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/vm/lib/common.sh
. "$TOP/tests/vm/lib/common.sh"
BUILD=${BUILD:-$TOP/build}
FUZZ_SECONDS=${FUZZ_SECONDS:-10}
RESULTS=$BUILD/test-results
mkdir -p "$RESULTS"
pass=0
fail=0
skip=0
failed_names=

result() { # result OK|FAIL|SKIP NAME [DETAIL]
	if [ "$1" = OK ]; then
		pass=$((pass + 1))
		printf 'ok - %s\n' "$2"
	elif [ "$1" = SKIP ]; then
		skip=$((skip + 1))
		printf 'ok - %s # SKIP %s\n' "$2" "$3"
	else
		fail=$((fail + 1))
		failed_names="$failed_names $2"
		printf 'not ok - %s%s\n' "$2" "${3:+ # $3}"
	fi
}

# Count the TAP lines of one test program's output.
tap_program() { # tap_program NAME LOG CMD...
	local name=$1 log=$2 line n=0
	shift 2
	CMOCKA_MESSAGE_OUTPUT=TAP "$@" >"$log" 2>&1
	local rc=$?
	while IFS= read -r line; do
		case $line in
		"ok "*) result OK "$name: ${line#ok * - }"; n=$((n + 1)) ;;
		"not ok "*) result FAIL "$name: ${line#not ok * - }" "see $log"; n=$((n + 1)) ;;
		esac
	done <"$log"
	if [ "$n" = 0 ] || { [ $rc != 0 ] && ! grep -q '^not ok' "$log"; }; then
		result FAIL "$name" "exit status $rc, see $log"
	fi
}

shell_scripts() {
	(cd "$TOP" && find . -path ./build -prune -o -path ./.git -prune -o -type f -print |
		while read -r f; do
			case $f in
			*.sh | ./completion/*) echo "$f" ;;
			*) head -c 64 "$f" 2>/dev/null | head -n1 | grep -qE '^#!.*/(ba|da)?sh' && echo "$f" ;;
			esac
		done | sort)
}

# One fuzz run of FUZZER; its exit status into RESULTS/NAME.rc.
run_fuzzer() { # run_fuzzer FUZZER
	local n corpus rc=0
	n=$(basename "$1")
	corpus=$TOP/tests/fuzz/corpus/${n#fuzz-}
	mkdir -p "$RESULTS/$n.corpus"
	"$1" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 -artifact_prefix="$RESULTS/$n-" \
		"$RESULTS/$n.corpus" "$corpus" >"$RESULTS/$n.log" 2>&1 || rc=$?
	echo "$rc" >"$RESULTS/$n.rc"
}

# One script checked by shellcheck, in its dialect: OUT.log, OUT.rc, OUT.dialect.
shellcheck_one() { # FILE OUT
	local f=$1 dialect=()
	case $f in
	./initramfs-hooks/* | ./initrd-modules/kernels/hooks/* | ./initrd-modules/lifecycle/system-shutdown | \
		./tests/vm/guest/* | ./tests/vm/*/guest.sh | ./dracut-module/*/dbdboot-pre*.sh) dialect=(-s dash) ;;
	esac
	echo "${dialect[*]}${dialect[*]:+ }" >"$2.dialect"
	(cd "$TOP" && shellcheck -x "${dialect[@]}" "$f") >"$2.log" 2>&1
	echo $? >"$2.rc"
}

run_unit() {
	local t f
	for t in "$BUILD"/tests/test-*; do
		[ -x "$t" ] || continue
		tap_program "unit/$(basename "$t")" "$RESULTS/$(basename "$t").log" "$t"
	done
	# The fuzzers run two at a time (one per core), their results in order.
	# Only their own pids are waited for: the VM systems and scenarios run
	# in the background meanwhile.
	local -a fuzzers=() pids=()
	for f in "$BUILD"/tests/fuzz-*; do
		[ -x "$f" ] && fuzzers+=("$f")
	done
	for ((i = 0; i < ${#fuzzers[@]}; i += 2)); do
		pids=()
		for f in "${fuzzers[@]:i:2}"; do
			run_fuzzer "$f" &
			pids+=($!)
		done
		wait "${pids[@]}"
	done
	for f in "${fuzzers[@]}"; do
		local n
		n=$(basename "$f")
		if [ "$(cat "$RESULTS/$n.rc")" = 0 ]; then
			result OK "fuzz/$n: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$RESULTS/$n.log" | awk '{print $2}') runs in ${FUZZ_SECONDS}s"
		else
			result FAIL "fuzz/$n" "see $RESULTS/$n.log"
		fi
	done
	# Every script through shellcheck, two at a time (one per core), the results in order.
	local -a scripts=()
	local i k
	local -a slot=(0 0)
	mapfile -t scripts < <(shell_scripts)
	mkdir -p "$RESULTS/shellcheck"
	for i in "${!scripts[@]}"; do
		k=$((i % 2))
		[ "${slot[$k]}" = 0 ] || wait "${slot[$k]}"
		shellcheck_one "${scripts[$i]}" "$RESULTS/shellcheck/$i" &
		slot[k]=$!
	done
	for k in 0 1; do
		[ "${slot[$k]}" = 0 ] || wait "${slot[$k]}"
	done
	for i in "${!scripts[@]}"; do
		f=${scripts[$i]}
		if [ "$(cat "$RESULTS/shellcheck/$i.rc")" = 0 ]; then
			result OK "shellcheck $(cat "$RESULTS/shellcheck/$i.dialect")${f#./}"
		else
			cat "$RESULTS/shellcheck/$i.log"
			result FAIL "shellcheck ${f#./}"
		fi
	done
	for f in "$TOP"/tests/cli/test-*.sh; do
		[ -f "$f" ] || continue
		tap_program "cli/$(basename "$f" .sh)" "$RESULTS/cli-$(basename "$f").log" \
			env BUILD="$BUILD" bash "$f"
	done
}

# A scenario's expected length in seconds: its test.sh's "# vm-cost: N"
# line (the long ones have one), else 30 (the short ones have none).
vm_cost() { # vm_cost S
	local c
	c=$(sed -n 's/^# vm-cost: \([0-9]*\).*/\1/p' "$1/test.sh" | head -n1)
	echo "${c:-30}"
}

# Scenarios run VM_JOBS at a time (default 2, one per core: two TCG guests
# in parallel finish well before two in a row); results print in the order
# given, after the unit tests'. The scenarios S..., run in the background of the unit tests: each starts
# once its system is prepared (RESULTS/vm-prepare-FLAVOUR.rc), the longest
# first among those ready; one at a time while the unit tests run (they
# leave a core idle most of the time; RESULTS/unit.done says they are
# over) or while a system is still being prepared
# (RESULTS/vm-prepare-FLAVOUR.running), VM_JOBS (2) at a time after. A scenario whose system could not be
# prepared is not started: its result says so. Each status into
# RESULTS/vm-NAME.rc; report_vm counts them.
vm_schedule() { # vm_schedule S...
	local s f i jobs running pick
	local -a pending=() started=()
	for s in "$@"; do
		rm -f "$RESULTS/vm-$(basename "$s").rc"
	done
	while read -r _ s; do pending+=("$s"); done < <(for s in "$@"; do echo "$(vm_cost "$s") $s"; done |
		sort -s -k1,1nr)
	while [ ${#pending[@]} -gt 0 ]; do
		jobs=${VM_JOBS:-2}
		[ -f "$RESULTS/unit.done" ] || jobs=1
		# A system being prepared (the real driver's builds use both cores
		# for minutes): one guest beside it, not two, or their boots slow
		# down past their timeouts (seen: a dracut boot past 150 s).
		compgen -G "$RESULTS/vm-prepare-*.running" >/dev/null && jobs=1
		running=0
		for s in "${started[@]}"; do
			[ -f "$RESULTS/vm-$(basename "$s").rc" ] || running=$((running + 1))
		done
		pick=-1
		for i in "${!pending[@]}"; do
			[ -f "$RESULTS/vm-prepare-$(vm_flavour "${pending[$i]}").rc" ] && { pick=$i; break; }
		done
		if [ "$running" -ge "$jobs" ] || [ "$pick" = -1 ]; then
			sleep 1
			continue
		fi
		s=${pending[$pick]}
		unset "pending[$pick]"
		pending=("${pending[@]}")
		f=$(vm_flavour "$s")
		r=$RESULTS/vm-$(basename "$s")
		if [ "$(cat "$RESULTS/vm-prepare-$f.rc")" != 0 ]; then
			echo "vm: error: its system ($f) could not be prepared, see $RESULTS/vm-prepare-$f.log" >"$r.log"
			echo 1 >"$r.rc"
			continue
		fi
		started+=("$s")
		echo "# vm scenario $(basename "$s") started"
		(bash "$s/test.sh" >"$r.log" 2>&1
			echo $? >"$r.rc.tmp" && mv "$r.rc.tmp" "$r.rc") &
	done
	wait
}

# Wait for scenario S (started by vm_schedule) and count its result.
report_vm() { # report_vm S
	local s=$1 log rc
	log=$RESULTS/vm-$(basename "$1").log
	rc=$RESULTS/vm-$(basename "$1").rc
	while [ ! -f "$rc" ]; do sleep 1; done
	echo "# vm scenario $(basename "$s") (log: $log)"
	if [ "$(cat "$rc")" = 0 ]; then
		result OK "vm/$(basename "$s"): $(tail -n1 "$log")"
	else
		tail -n 15 "$log" | sed 's/^/#   /'
		result FAIL "vm/$(basename "$s")" "see $log"
	fi
}

FLAVOURS="initramfs-tools dracut trixie trixie-dracut real real-dracut real-trixie"
# A scenario's system: its test.sh's VM_FLAVOUR=X (or VM_FLAVOUR=${VM_FLAVOUR:-X},
# for a twin to set before it sources it) line, else initramfs-tools.
vm_flavour() { # vm_flavour S
	local f
	# shellcheck disable=SC2016 # the pattern holds a literal ${
	f=$(sed -n 's/^VM_FLAVOUR=\(\${VM_FLAVOUR:-\)\{0,1\}\([a-z-]*\).*/\2/p' "$1/test.sh" | head -n1)
	echo "${f:-initramfs-tools}"
}

# The VM systems the scenarios need, prepared (tests/vm/lib/prepare.sh) in
# the background: while the unit tests run, which leave a core idle most of
# the time, and prepare.sh mostly writes files. The initramfs-tools system,
# then the dracut one when a scenario sets VM_FLAVOUR=dracut, then Debian
# 13's (trixie, trixie-dracut, and real-trixie when the real dattobd is
# there); beside them, Debian 12's with the real driver (real, real-dracut:
# their dkms builds take minutes) when a scenario wants them and the real
# dattobd is there (REAL_WHY says why not). Each status into RESULTS/vm-prepare-FLAVOUR.rc.
prepare_start() { # prepare_start SCENARIO...
	local f s want=' initramfs-tools ' chain1='' chain2=''
	for s in "$@"; do want="$want$(vm_flavour "$s") "; done
	REAL_WHY=''
	case $want in *" real"*) REAL_WHY=$(real_dattobd) && REAL_WHY='' ;; esac
	for f in $FLAVOURS; do
		rm -f "$RESULTS/vm-prepare-$f.rc" "$RESULTS/vm-prepare-$f.running"
		case $want in *" $f "*) ;; *) continue ;; esac
		case $f in
		# Debian 13's real build after the double's systems: the two
		# chains then take about as long as each other.
		real-trixie) [ -z "$REAL_WHY" ] && chain1="$chain1 $f" ;;
		real*) [ -z "$REAL_WHY" ] && chain2="$chain2 $f" ;;
		*) chain1="$chain1 $f" ;;
		esac
	done
	# A flavour no system is prepared for would leave its scenarios waiting.
	for f in $want; do
		case " $FLAVOURS " in *" $f "*) continue ;; esac
		echo "vm: error: no VM system is named '$f' (tests/check.sh: FLAVOURS)" >"$RESULTS/vm-prepare-$f.log"
		echo 1 >"$RESULTS/vm-prepare-$f.rc"
	done
	PREPARE_PIDS=''
	for s in "$chain1" "$chain2"; do
		[ -n "$s" ] || continue
		(for f in $s; do
			: >"$RESULTS/vm-prepare-$f.running"
			bash "$TOP/tests/vm/lib/prepare.sh" "$f" >"$RESULTS/vm-prepare-$f.log" 2>&1
			echo $? >"$RESULTS/vm-prepare-$f.rc.tmp" && mv "$RESULTS/vm-prepare-$f.rc.tmp" "$RESULTS/vm-prepare-$f.rc"
			rm -f "$RESULTS/vm-prepare-$f.running"
		done) &
		PREPARE_PIDS="$PREPARE_PIDS $!"
	done
}

# Wait for prepare_start's work and count each system as a test; 0 when
# the initramfs-tools one (which every scenario needs) is there.
prepare_report() {
	local f log rc=0
	# shellcheck disable=SC2086 # a list of pids
	wait $PREPARE_PIDS
	for f in $FLAVOURS; do
		log=$RESULTS/vm-prepare-$f.log
		[ -f "$RESULTS/vm-prepare-$f.rc" ] || continue
		echo "# prepared the VM system, $f (log: $log)"
		if [ "$(cat "$RESULTS/vm-prepare-$f.rc")" = 0 ]; then
			result OK "vm/prepare $f: $(tail -n1 "$log" | cut -d' ' -f3-)"
		else
			tail -n 20 "$log" | sed 's/^/#   /'
			result FAIL "vm/prepare $f" "see $log"
			# The other systems' scenarios fail and say why.
			[ "$f" != initramfs-tools ] || rc=1
		fi
	done
	return $rc
}

# A real-driver scenario without the real dattobd: skipped, saying how to
# run it; a failure when DBDBOOT_REQUIRE_REAL=1 (CI).
skip_real() { # skip_real S
	local why="the real-driver scenario did not run: $REAL_WHY; then: make check-vm T=${1##*/TEST-}"
	if [ "${DBDBOOT_REQUIRE_REAL:-0}" = 1 ]; then
		result FAIL "vm/$(basename "$1")" "$why (DBDBOOT_REQUIRE_REAL=1)"
	else
		result SKIP "vm/$(basename "$1")" "$why"
	fi
}

want_unit=0 want_vm=0 scenarios=()
for a in "$@"; do
	case $a in
	unit) want_unit=1 ;;
	vm) want_vm=1 ;;
	*)
		for d in "$TOP"/tests/vm/TEST-*"$a"*; do
			[ -d "$d" ] && scenarios+=("$d")
		done
		want_vm=1
		;;
	esac
done
[ $# -gt 0 ] || want_unit=1 want_vm=1

if [ $want_vm = 1 ] && [ ${#scenarios[@]} = 0 ]; then
	for d in "$TOP"/tests/vm/TEST-*; do [ -d "$d" ] && scenarios+=("$d"); done
fi
rm -f "$RESULTS/unit.done"
runnable=()
if [ $want_vm = 1 ] && [ ${#scenarios[@]} -gt 0 ]; then
	prepare_start "${scenarios[@]}"
	for d in "${scenarios[@]}"; do
		case $(vm_flavour "$d") in
		real*) [ -z "$REAL_WHY" ] || continue ;;
		esac
		runnable+=("$d")
	done
	vm_schedule "${runnable[@]}" &
	VM_PID=$!
fi
[ $want_unit = 1 ] && run_unit
: >"$RESULTS/unit.done"
if [ $want_vm = 1 ]; then
	if [ ${#scenarios[@]} = 0 ]; then
		result FAIL "vm" "no scenario found"
	else
		prepare_report || true
		for d in "${scenarios[@]}"; do
			case $(vm_flavour "$d") in
			real*) [ -z "$REAL_WHY" ] || skip_real "$d" ;;
			esac
		done
		wait "$VM_PID"
		for d in "${runnable[@]}"; do
			report_vm "$d"
		done
	fi
fi

[ -z "$failed_names" ] || echo "# failed:$failed_names"
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" = 0 ]
