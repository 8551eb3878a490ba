#!/bin/bash
# rebuild never leaves a kernel without the module it had: with a fake dkms
# whose build or install fails (or installs something that is not a
# module), the dattobd.ko installed before is in place afterwards, byte for
# byte, and the message says so; a newer version is built before the old
# one is touched (no unbuild of the old one). And the dkms source it
# registers when dkms forgot it is the newest by version order.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/tap.sh
. "$TOP/tests/cli/tap.sh"
# shellcheck source=tests/cli/fakeroot.sh
. "$TOP/tests/cli/fakeroot.sh"
A=$(uname -m)
KO=$R/lib/modules/$K/updates/dkms/dattobd.ko

fake_kernel
mkdir -p "$R/lib/modules/$K/updates/dkms"
register() { # register VERSION: a dkms source tree for it
	mkdir -p "$R/usr/src/dattobd-$1" "$R/var/lib/dkms/dattobd/$1"
	echo 'PACKAGE_NAME=dattobd' >"$R/usr/src/dattobd-$1/dkms.conf"
	ln -sfn "/usr/src/dattobd-$1" "$R/var/lib/dkms/dattobd/$1/source"
}
installed() { # installed VERSION: dkms' tree says it is installed for K
	mkdir -p "$R/var/lib/dkms/dattobd/$1/$K/$A/module"
	ln -sfn "$1/$K/$A" "$R/var/lib/dkms/dattobd/kernel-$K-$A"
	printf 'the module installed before\n' >"$KO"
}
fake_program fake-dkms dkms depmod
register 1.0
installed 1.0
before=$(sha256sum <"$KO")
same() { [ "$(sha256sum <"$KO" 2>/dev/null)" = "$before" ]; }
run() { # run ENV... -- ARGS
	local -a env=()
	while [ "$1" != -- ]; do env+=("$1"); shift; done
	shift
	: >"$R/calls"
	rc=0
	env "${env[@]}" "$D" --root "$R" "$@" >"$T/out" 2>&1 || rc=$?
}
has() { grep -qF -- "$1" "$T/out" || { echo "# output: $(cat "$T/out")" >&2; return 1; }; }

run -- rebuild -k "$K" --force
ok "--force, the build fails: exit 1" test "$rc" = 1
ok "--force: dkms unbuild removed the old module first (as dkms does)" grep -q "^dkms unbuild" "$R/calls"
ok "--force, the build fails: the old module is back, byte for byte" same
ok "--force, the build fails: said" has "the dattobd installed before this build is back at '/lib/modules/$K/updates/dkms/dattobd.ko'"
ok "--force, the build fails: depmod run for it" grep -q "^depmod -a $K" "$R/calls"

run FAKE_BUILD=ok FAKE_INSTALL=junk -- rebuild -k "$K" --force
ok "the new module fails its checks: exit 1" test "$rc" = 1
ok "the new module fails its checks: the old one is back" same
ok "the new module fails its checks: said why" has "could not verify the dattobd dkms installed"

installed 1.0
register 2.0
run -- rebuild -k "$K"
ok "a newer version whose build fails: exit 1" test "$rc" = 1
ok "a newer version: it is built first, the old one not unbuilt" test "$(grep -c unbuild "$R/calls")" = 0
ok "a newer version whose build fails: the old module untouched" same
ok "a newer version whose build fails: says it is still in place" has "the dattobd installed before is still in place"

# dkms forgot dattobd: the newest source in /usr/src by version, 0.10 after 0.9.
rm -rf "$R/var/lib/dkms/dattobd" "$R/usr/src/"dattobd-*
mkdir -p "$R/usr/src/dattobd-0.9" "$R/usr/src/dattobd-0.10"
echo 'PACKAGE_NAME=dattobd' | tee "$R/usr/src/dattobd-0.9/dkms.conf" >"$R/usr/src/dattobd-0.10/dkms.conf"
run -- rebuild -k "$K"
ok "no source registered: registers the newest by version (0.10, not 0.9)" \
	grep -qx "dkms add /usr/src/dattobd-0.10" "$R/calls"
tap_end
