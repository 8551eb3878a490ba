# shellcheck shell=sh
# Helpers for the guest scripts of the VM scenarios (dash). Sourced.
# A guest script runs with sh -e: any failing command fails the boot.

fail() {
	echo "FAIL: $*"
	echo "$*" >/run/dbdtest-fail
	exit 1
}

note() {
	echo "guest: $*"
}

# Value of KEY in key=value output.
kv() { # kv KEY < output
	sed -n "s/^$1=//p" | head -n1
}

# A field of minor MINOR in /proc/datto-info, as printed (quotes removed).
proc_field() { # proc_field MINOR FIELD
	awk -v m="$1" -v f="\"$2\":" '
		$1 == "\"minor\":" { cur = $2; sub(",", "", cur) }
		cur == m && $1 == f { v = $2; sub(",$", "", v); gsub("\"", "", v); print v; exit }
	' /proc/datto-info
}

expect_eq() { # expect_eq WHAT GOT WANT
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
	note "$1 = $2 (as expected)"
}

# Run a command that must fail with the given errno name (dbdtest prints it).
expect_errno() { # expect_errno ERRNO CMD...
	want=$1
	shift
	if out=$("$@" 2>&1); then
		fail "'$*' succeeded, want $want"
	fi
	case $out in
	*"($want)"*) note "'$*' refused with $want (as expected)" ;;
	*) fail "'$*': $out; want $want" ;;
	esac
}

show_proc() {
	echo "--- /proc/datto-info"
	cat /proc/datto-info
	echo "---"
}
