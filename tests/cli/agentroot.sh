# shellcheck shell=bash
# A fake root for dbdboot-early (built with glibc and the sanitizers) in
# $T/r: /proc, /sys, /dev, /run and the manifest; the agent run against it.
# Sourced by the agent's shell tests after tap.sh, with T set.
A=${BUILD:-$TOP/build}/tests/dbdboot-early
fake_root() { # fake_root CMDLINE
	rm -rf "$T/r"
	mkdir -p "$T/r/proc/self" "$T/r/sys/module/dattobd" "$T/r/sys/class/block" \
		"$T/r/dev/disk/by-label" "$T/r/run" "$T/r/etc/dbdboot"
	echo "$1" >"$T/r/proc/cmdline"
	: >"$T/r/proc/self/mountinfo"
	: >"$T/r/dev/datto-ctl"
}
agent() { # agent ARGS...: run against the fake root, log in $T/log
	"$A" --proc "$T/r/proc" --sys "$T/r/sys" --dev "$T/r/dev" --run "$T/r/run" \
		--manifest "$T/r/etc/dbdboot/manifest" --kmsg - "$@" >"$T/log" 2>&1
}
report_has() { grep -qF -- "$1" "$T/r/run/dbdboot/early.json" || { cat "$T/r/run/dbdboot/early.json" >&2; return 1; }; }
log_has() { grep -qF -- "$1" "$T/log" || { cat "$T/log" >&2; return 1; }; }
manifest() { printf 'dbdboot-manifest 1\n%s\n' "$1" >"$T/r/etc/dbdboot/manifest"; }
elapsed_ms() { sed -n 's/.*"elapsed_ms": \([0-9]*\).*/\1/p' "$T/r/run/dbdboot/early.json"; }
