#!/bin/bash
# rebuild never leaves a kernel without the module it had: with a fake dkms
# whose build or install fails (or installs something that is not a
# module), the dattobd.ko installed before is in place afterwards, byte for
# byte, and the message says so; it is back during the build after dkms
# unbuild removed it, and taken away only for dkms install (which would not
# replace it); a copy a killed run left is put back by the next run (the
# kill test itself: test-safe-writes.sh); a newer version is built before
# the old one is touched (no unbuild of the old one); two runs at once
# build once. And the dkms source it registers when dkms forgot it is the
# newest by version order.
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
ok "--force: the module dkms unbuild removed is back during the build, said" \
	has "dkms unbuild removed '/lib/modules/$K/updates/dkms/dattobd.ko': it is back while dkms builds"
ok "--force, the build fails: said it is still in place" has "the dattobd installed before is still in place"
ok "--force, the build fails: depmod run for it" grep -q "^depmod -a $K" "$R/calls"

run FAKE_BUILD=ok FAKE_INSTALL=junk -- rebuild -k "$K" --force
ok "the new module fails its checks: exit 1" test "$rc" = 1
ok "the new module fails its checks: the old one is back" same
ok "the new module fails its checks: said why" has "could not verify the dattobd dkms installed"
ok "the old module made way for dkms install (dkms 3.0 keeps one of the same version)" \
	sh -c "! grep -q 'exactly matches' '$R/var/lib/dbdboot/kernels/$K/dkms.log'"
ok "the old module's copy is gone once it is back" test ! -e "$R/var/lib/dbdboot/kernels/$K/kept-module"

# A run killed while the module was away left its copy: status says so, and
# the next run (rebuild or inject) puts it back before anything else.
S=$R/var/lib/dbdboot/kernels/$K
cp "$KO" "$S/kept-module"
echo "/lib/modules/$K/updates/dkms/dattobd.ko" >"$S/kept-module.path"
rm "$KO"
run -- status -k "$K"
ok "a copy left by a killed rebuild: status says so and what to run" \
	has "kept module   /lib/modules/$K/updates/dkms/dattobd.ko: a rebuild was interrupted before its successor was verified; run: dbdboot rebuild -k $K"
run -- status -J -k "$K"
ok "... -J: module.kept names its place" has "\"kept\": \"/lib/modules/$K/updates/dkms/dattobd.ko\""
run -- rebuild -k "$K"
ok "the next rebuild puts it back first, said" \
	has "a rebuild was interrupted: the dattobd installed before it is back at '/lib/modules/$K/updates/dkms/dattobd.ko'"
ok "byte for byte" same
ok "and its copy is gone" test ! -e "$S/kept-module.path"
cp "$KO" "$S/kept-module"
echo "/lib/modules/$K/updates/dkms/dattobd.ko" >"$S/kept-module.path"
rm "$KO"
mv "$R/boot/vmlinuz-$K" "$T/vmlinuz"
run -- inject -k "$K"
mv "$T/vmlinuz" "$R/boot/vmlinuz-$K"
ok "so does inject, before an initrd is made without it" same
echo "/etc/shadow" >"$S/kept-module.path"
run -- rebuild -k "$K"
ok "a copy's record naming no module of the kernel is ignored, said" has "names no module of $K ('/etc/shadow'): ignored"
rm -f "$S"/kept-module*

installed 1.0
register 2.0
run -- rebuild -k "$K"
ok "a newer version whose build fails: exit 1" test "$rc" = 1
ok "a newer version: it is built first, the old one not unbuilt" test "$(grep -c unbuild "$R/calls")" = 0
ok "a newer version whose build fails: the old module untouched" same
ok "a newer version whose build fails: says it is still in place" has "the dattobd installed before is still in place"

# Two runs at once: the second reads dkms' state only once the first is
# done (with dkms' state read before the lock it would build again, and dkms
# would refuse: "already built"). The first run's build waits for $T/go.
if command -v depmod >/dev/null; then
	rm -rf "$R/var/lib/dkms/dattobd/"*"/$K" "$R/var/lib/dkms/dattobd/kernel-$K-$A"
	fake_module "$KO"
	printf '0x1234abcd\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n' >"$R/lib/modules/$K/build/Module.symvers"
	fake_depmod	# lists it where dkms will install it
	mv "$KO" "$R/new.ko"
	: >"$R/calls"
	FAKE_BUILD=ok FAKE_INSTALL_FILE=/new.ko FAKE_WAIT=/go "$D" --root "$R" rebuild -k "$K" >"$T/first" 2>&1 &
	first=$!
	for _ in $(seq 200); do grep -q "dkms build" "$T/first" && break; sleep 0.05; done
	FAKE_BUILD=ok FAKE_INSTALL_FILE=/new.ko "$D" --root "$R" rebuild -k "$K" >"$T/second" 2>&1 &
	second=$!
	for _ in $(seq 200); do
		grep -q "waiting for another dbdboot" "$T/second" && break
		kill -0 "$second" 2>/dev/null || break
		sleep 0.05
	done
	: >"$R/go"
	wait "$first"
	rc1=$?
	wait "$second"
	rc2=$?
	ok "two runs at once: both succeed" test "$rc1$rc2" = 00
	[ "$rc1$rc2" = 00 ] || sed "s/^/# /" "$T/first" "$T/second" >&2
	ok "the second found the first one's module verified: nothing to do" \
		grep -q "is built, installed and verified: nothing to do" "$T/second"
	ok "one dkms build" test "$(grep -c "^dkms build" "$R/calls")" = 1
fi

# dkms forgot dattobd: the newest source in /usr/src by version, 0.10 after 0.9.
rm -rf "$R/var/lib/dkms/dattobd" "$R/usr/src/"dattobd-*
mkdir -p "$R/usr/src/dattobd-0.9" "$R/usr/src/dattobd-0.10"
echo 'PACKAGE_NAME=dattobd' | tee "$R/usr/src/dattobd-0.9/dkms.conf" >"$R/usr/src/dattobd-0.10/dkms.conf"
run -- rebuild -k "$K"
ok "no source registered: registers the newest by version (0.10, not 0.9)" \
	grep -qx "dkms add /usr/src/dattobd-0.10" "$R/calls"
tap_end
