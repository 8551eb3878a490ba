#!/bin/bash
# dbdboot's fix of dattobd's reload bug (initrd-modules/kernels/fix.c), on a fake
# root with a fake dkms: a release it recognises by its exact source gets
# the dkms override (/etc/dkms/dattobd-VERSION.conf with PATCH[] and the
# patch in the source's patches/), which dkms' own bash reads as one more
# PATCH entry and which applies to that source; the module is rebuilt
# while it lacks the fix, status says so (text and -J) and is not ready; a
# source it does not recognise is built as it is, said; the switch
# (SYSCONFDIR/dbdboot/no-driver-fix) and a foreign override are honoured.
# The recognised source is the real release (DBDBOOT_DATTOBD, as the VM
# bench finds it); without it those checks are skipped, said.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/tap.sh
. "$TOP/tests/cli/tap.sh"
# shellcheck source=tests/cli/fakeroot.sh
. "$TOP/tests/cli/fakeroot.sh"
A=$(uname -m)
KO=$R/lib/modules/$K/updates/dkms/dattobd.ko
CONF=$R/etc/dkms/dattobd-0.12.1.conf
PATCHF=$R/usr/src/dattobd-0.12.1/patches/dbdboot-reload-cow-dev.patch

fake_kernel
mkdir -p "$R/lib/modules/$K/updates/dkms" "$R/etc/dbdboot"
fake_program fake-dkms dkms depmod
register() { # register VERSION: the source at /usr/src/dattobd-VERSION registered
	mkdir -p "$R/var/lib/dkms/dattobd/$1"
	echo 'PACKAGE_NAME=dattobd' >"$R/usr/src/dattobd-$1/dkms.conf"
	ln -sfn "/usr/src/dattobd-$1" "$R/var/lib/dkms/dattobd/$1/source"
	mkdir -p "$R/var/lib/dkms/dattobd/$1/$K/$A/module"
	ln -sfn "$1/$K/$A" "$R/var/lib/dkms/dattobd/kernel-$K-$A"
	printf 'the module installed before\n' >"$KO"
}
run() { # run ARGS
	: >"$R/calls"
	rc=0
	"$D" --root "$R" "$@" >"$T/out" 2>&1 || rc=$?
}
# The output without blanks and newlines holds TEXT (-J's objects on one line).
compact_has() { tr -d ' \n' <"$T/out" | grep -qF -- "$1"; }
has() { grep -qF -- "$1" "$T/out" || { echo "# output: $(cat "$T/out")" >&2; return 1; }; }

# Not recognised: built as it is.
mkdir -p "$R/usr/src/dattobd-9.9"
echo 'int x;' >"$R/usr/src/dattobd-9.9/tracer.c"
echo 'int y;' >"$R/usr/src/dattobd-9.9/cow_manager.c"
register 9.9
run status -k "$K"
ok "unrecognised source: status says the fix is not applied" has "driver fix    not applied: a dattobd source dbdboot does not recognise"
run rebuild -k "$K" --force
ok "unrecognised source: rebuild says so" has "could not recognise dattobd 9.9"
ok "unrecognised source: no dkms override written" test ! -e "$R/etc/dkms/dattobd-9.9.conf"
rm -rf "$R/var/lib/dkms/dattobd" "$R/usr/src/dattobd-9.9"

SRC=$(bash -c '. "$1/tests/vm/lib/common.sh" && real_dattobd' _ "$TOP" 2>/dev/null) || SRC=''
if [ -z "$SRC" ]; then
	echo "# the real dattobd is not here (DBDBOOT_DATTOBD): its checks are skipped"
	echo "ok $((tap_n + 1)) - recognised source # SKIP no real dattobd"
	tap_n=$((tap_n + 1))
	tap_end
	exit
fi
mkdir -p "$R/usr/src"
VER=$(bash -c '. "$1/tests/vm/lib/common.sh" && real_dattobd_unpack "$2" "$3"' _ "$TOP" "$SRC" "$R/usr/src")
ok "the real release is 0.12.1" test "$VER" = 0.12.1
register 0.12.1

run status -k "$K" -J
ok "0.12.1 before a rebuild: -J says the source is affected and the fix missing" \
	compact_has '"driver_fix":{"version":"0.12.1","source":"affected","release":"0.12.1","wanted":true,"switched_off":false,"in_place":false,"carried":false,"missing":true}'
run status -k "$K"
ok "0.12.1 before a rebuild: status says the fix is missing" has "driver fix    MISSING: this dattobd has the reload bug"
run rebuild -k "$K"
ok "0.12.1, not forced: rebuilt because the fix is missing" has "lacks dbdboot's fix of its reload bug: building it again"
ok "0.12.1: the dkms override is written" test -f "$CONF"
ok "0.12.1: the patch is in the source's patches/" test -f "$PATCHF"
ok "0.12.1: said" has "dkms applies dbdboot's fix"
ok "dkms' bash reads the override as one PATCH entry after the package's own" \
	test "$(bash -c 'PATCH=(theirs.patch); . "$1" >/dev/null; echo "${PATCH[*]}"' _ "$CONF")" = "theirs.patch dbdboot-reload-cow-dev.patch"
cp -a "$R/usr/src/dattobd-0.12.1" "$T/build"
applies() { (cd "$T/build" && patch -p1 <"$PATCHF" >/dev/null); }
ok "the patch applies to the release's source, as dkms runs it" applies
ok "the patched source sets the reloaded COW manager's device" grep -q 'dev->sd_cow->dev = dev;' "$T/build/tracer.c"
ok "the patched source tags the module" grep -q 'MODULE_INFO(dbdboot_fix, "reload-cow-dev");' "$T/build/tracer.c"
ok "the installed source is untouched" test "$(grep -c dbdboot "$R/usr/src/dattobd-0.12.1/tracer.c")" = 0
run status -k "$K" -J
ok "after the override: -J in_place" compact_has '"in_place":true'

# Switched off: the override goes, a vanilla build.
touch "$R/etc/dbdboot/no-driver-fix"
run status -k "$K"
ok "switched off: status says so" has "driver fix    switched off: this dattobd has the reload bug"
run rebuild -k "$K" --force
ok "switched off: rebuild warns" has "dbdboot's fix is switched off"
ok "switched off: the override is removed" test ! -e "$CONF"
ok "switched off: the patch is removed" test ! -e "$PATCHF"
rm "$R/etc/dbdboot/no-driver-fix"

# Somebody else's override: left alone, refused with what to do.
printf 'MAKE[0]="theirs"\n' >"$CONF"
run rebuild -k "$K" --force
ok "a foreign /etc/dkms override: refused, said what to add" has "is not dbdboot's (it lacks the line"
ok "a foreign /etc/dkms override: left as it was" test "$(cat "$CONF")" = 'MAKE[0]="theirs"'
tap_end
