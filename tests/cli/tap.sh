# shellcheck shell=bash
# Minimal TAP for the shell tests of tests/cli. Sourced.
tap_n=0
tap_failed=0
ok() { # ok NAME CMD...: pass when CMD succeeds
	local name=$1
	shift
	tap_n=$((tap_n + 1))
	if "$@"; then
		echo "ok $tap_n - $name"
	else
		echo "not ok $tap_n - $name"
		tap_failed=$((tap_failed + 1))
	fi
}
tap_end() {
	echo "1..$tap_n"
	[ "$tap_failed" = 0 ]
}
# out_has TEXT CMD...: CMD's stdout+stderr holds TEXT (whatever its status)
out_has() {
	local text=$1 out
	shift
	out=$("$@" 2>&1)
	case $out in *"$text"*) return 0 ;; esac
	echo "# '$*' printed: $out" >&2
	return 1
}
# status_is N CMD...
status_is() {
	local want=$1 rc=0
	shift
	"$@" >/dev/null 2>&1 || rc=$?
	[ "$rc" = "$want" ] || { echo "# '$*' exited $rc, want $want" >&2; return 1; }
}
