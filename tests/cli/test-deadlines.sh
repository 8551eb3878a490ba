#!/bin/bash
# Every program dbdboot runs has a deadline: a fake dkms and a fake
# update-initramfs that never exit (and ignore SIGTERM, and leave a child
# behind) are stopped with their whole process group at the deadline; the
# failure says what hung and what to do; the kernel hooks still exit 0.
# The real program (sanitizers) against a fake root; deadlines shortened
# through the environment, as dbdboot(8) documents.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/tap.sh
. "$TOP/tests/cli/tap.sh"
# shellcheck source=tests/cli/fakeroot.sh
. "$TOP/tests/cli/fakeroot.sh"
cleanup() {
	[ -f "$R/hang.pids" ] && xargs -r kill -9 <"$R/hang.pids" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# A kernel with image, headers, a real-looking System.map, and dattobd
# registered with dkms: what rebuild needs to reach "dkms build".
fake_kernel
mkdir -p "$R/usr/src/dattobd-1.0" "$R/var/lib/dkms/dattobd/1.0" "$R/usr/share/initramfs-tools" \
	"$R/etc/dbdboot"
echo 'PACKAGE_NAME=dattobd' >"$R/usr/src/dattobd-1.0/dkms.conf"
ln -s /usr/src/dattobd-1.0 "$R/var/lib/dkms/dattobd/1.0/source"
: >"$R/usr/share/initramfs-tools/hook-functions"
printf 'dbdboot-manifest 1\n' >"$R/etc/dbdboot/manifest"
fake_program hang dkms update-initramfs

# all_gone: every pid the fakes wrote is gone (reaped or killed), and some were written.
all_gone() {
	local p n=0
	[ -s "$R/hang.pids" ] || { echo "# no pids recorded" >&2; return 1; }
	while read -r p; do
		n=$((n + 1))
		if kill -0 "$p" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null; then
			echo "# process $p is still running" >&2
			return 1
		fi
	done <"$R/hang.pids"
	[ "$n" -ge 2 ]
}
run() { # run ENV... -- ARGS: dbdboot under an outer limit; output in $T/out, status in $T/rc
	local -a env=()
	while [ "$1" != -- ]; do env+=("$1"); shift; done
	shift
	rm -f "$R/hang.pids"
	rc=0
	env HANG_ONLY=build "${env[@]}" timeout -k 5 120 "$D" --root "$R" "$@" >"$T/out" 2>&1 || rc=$?
	echo "$rc" >"$T/rc"
}
has() { grep -qF -- "$1" "$T/out" || { echo "# output: $(cat "$T/out")" >&2; return 1; }; }
rc_is() { [ "$(cat "$T/rc")" = "$1" ] || { echo "# exit $(cat "$T/rc"), want $1" >&2; return 1; }; }

run DBDBOOT_TIMEOUT_DKMS_BUILD=2 -- rebuild -k "$K"
ok "rebuild with a dkms build that never ends: exit 1 (not the outer limit)" rc_is 1
ok "rebuild: says dkms build hung, and was stopped" has "dkms build did not finish within 2 s and was stopped"
ok "rebuild: says how to give it longer" has "DBDBOOT_TIMEOUT_DKMS_BUILD=SECONDS"
ok "rebuild: says what to do next" has "then run: dbdboot rebuild -k $K"
ok "rebuild: the fake dkms and its child are gone (TERM ignored: KILL)" all_gone

run DBDBOOT_TIMEOUT_DKMS_BUILD=2 -- kernel-hook image-installed "$K"
ok "kernel-hook image-installed with a hung dkms: exit 0" rc_is 0
ok "kernel-hook: the hang is named" has "did not finish within 2 s"
ok "kernel-hook: nothing left running" all_gone

run DBDBOOT_TIMEOUT_UPDATE_INITRAMFS=2 HANG_ONLY=-k -- inject -k "$K"
ok "inject with an update-initramfs that never ends: exit 1" rc_is 1
ok "inject: names update-initramfs and its deadline" has "update-initramfs did not finish within 2 s"
ok "inject: nothing left running" all_gone

run DBDBOOT_TIMEOUT_DKMS_BUILD=soon HANG_ONLY=nothing -- rebuild -k "$K"
ok "a deadline that is not a number: warned about" has "DBDBOOT_TIMEOUT_DKMS_BUILD='soon' is not a number of seconds"

rm -f "$R/usr/sbin/dkms"
ok "the deadlines are in dbdboot(8)" grep -q 'DBDBOOT_TIMEOUT_DKMS_BUILD' "$TOP/doc/dbdboot.8"
tap_end
