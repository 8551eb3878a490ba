#!/bin/bash
# dbdboot's command line and its kernel install hooks: usage and exit codes
# of the real program (built with the sanitizers); the hook scripts run
# against a stub dbdboot that records its arguments and fails, in the
# environments dpkg and kernel-install give them; where make install puts
# them and the order run-parts runs them in.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/tap.sh
. "$TOP/tests/cli/tap.sh"
BUILD=${BUILD:-$TOP/build}
D=$BUILD/tests/dbdboot
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
K=6.1.0-99-test-amd64

ok "--help: usage on stdout, exit 0" out_has "Usage: dbdboot" "$D" --help
ok "--version" out_has "dbdboot 0." "$D" --version
ok "no command: exit 2" status_is 2 "$D"
ok "unknown command: exit 2, named" out_has "unknown command 'frobnicate'" "$D" frobnicate
ok "unknown command: exit 2" status_is 2 "$D" frobnicate
ok "bad option of a command: exit 2" status_is 2 "$D" status --bogus
ok "bad option of a command: named with the command" \
	out_has "dbdboot status: unrecognized option '--bogus'" "$D" status --bogus
for c in status sysmap rebuild inject bundle package sync verdict record-shutdown metrics; do
	ok "bad option of $c: Try 'dbdboot $c --help'" \
		out_has "Try 'dbdboot $c --help' for more information." "$D" "$c" --bogus
done
ok "unknown command: Try 'dbdboot --help'" \
	out_has "Try 'dbdboot --help' for more information." "$D" frobnicate
ok "a root that does not exist: exit 2" status_is 2 "$D" --root "$T/nowhere" status
ok "with --root, a kernel must be named" out_has "say which kernel" "$D" --root "$T" rebuild
ok "with --root, a kernel must be named: exit 2" status_is 2 "$D" --root "$T" rebuild
ok "sysmap needs -k: exit 2" status_is 2 "$D" sysmap
ok "a release with a slash: exit 2" status_is 2 "$D" --root "$T" sysmap -k ../../etc
ok "sysmap of a kernel without image: exit 1, says what to install" \
	out_has "is the kernel's image package installed?" "$D" --root "$T" sysmap -k "$K"
ok "status of a kernel not installed: exit 1" status_is 1 "$D" --root "$T" status -k "$K"
# -J: a JSON document on stdout on every path, errors included.
json_doc() { "$@" 2>/dev/null | python3 -c 'import json, sys; json.load(sys.stdin)'; }
ok "status -J with no kernel: still a JSON document" json_doc "$D" --root "$T" status -J
ok "status -J with no kernel: the error in it" \
	out_has '"error": "could not find any kernel under' "$D" --root "$T" status -J
ok "status -J with a bad option after it: a JSON document" json_doc "$D" --root "$T" status -J --bogus
ok "status -J with a bad option before it: a JSON document" json_doc "$D" --root "$T" status --bogus -J
ok "bundle -J that fails: a JSON document" json_doc "$D" --root "$T" bundle -J import --sha256 0 "$T/none"
ok "verdict -J with nothing tracked: a JSON document" json_doc "$D" --root "$T" verdict -J
ok "verdict with nothing tracked: says so in one line" \
	out_has "no volume is tracked: /etc/dbdboot/manifest does not exist, nothing to judge" \
	"$D" --root "$T" verdict
ok "verdict with nothing tracked: not all resumed" out_has '"all_resumed": false' "$D" --root "$T" verdict -J
ok "verdict with nothing tracked: exit 1" status_is 1 "$D" --root "$T" verdict
mkdir -p "$T/boot" && : >"$T/boot/vmlinuz-$K"
ok "rebuild without headers: exit 3 (deferred)" status_is 3 "$D" --root "$T" rebuild -k "$K"
ok "rebuild without headers or dkms (a fleet's host): says to install the module package" \
	out_has "install dattobd-modules-$K (your fleet's package), or dkms and linux-headers-$K" \
	"$D" --root "$T" rebuild -k "$K"
mkdir -p "$T/usr/sbin" && printf '#!/bin/sh\nexit 1\n' >"$T/usr/sbin/dkms" && chmod +x "$T/usr/sbin/dkms"
ok "rebuild without headers, dkms there: exit 3 (deferred)" status_is 3 "$D" --root "$T" rebuild -k "$K"
ok "rebuild without headers, dkms there: says the build waits" \
	out_has "the build will run when they arrive" "$D" --root "$T" rebuild -k "$K"
rm -r "$T/usr/sbin"
ok "status -J is JSON with the kernel" out_has "\"kernel\": \"$K\"" "$D" --root "$T" status -J
ok "-v: each probe said with its time" out_has "$K: initrd: /boot/initrd.img-$K read (" \
	"$D" --root "$T" -v status -k "$K"
ok "-v: stamped with the time since the start" out_has "dbdboot: [" "$D" --root "$T" -v status -k "$K"
ok "without -v: none of that" sh -c "! '$D' --root '$T' status -k '$K' 2>&1 | grep -q 'initrd: /boot'"
ok "kernel-hook on nonsense: exit 0" status_is 0 "$D" --root "$T" kernel-hook frob "$K"

# The hook scripts, with a stub in dbdboot's place.
mkdir -p "$T/hooks"
cat >"$T/stub" <<STUB
#!/bin/sh
echo "\$*" >>"$T/calls"
exit 1
STUB
chmod +x "$T/stub"
for h in "$TOP"/initrd-modules/kernels/hooks/*; do
	sed "s|@DBDBOOT@|$T/stub|g" "$h" >"$T/hooks/${h##*/}"
done
hook() { # hook ENV... -- SCRIPT ARGS...: run it; its exit status
	local -a env=()
	while [ "$1" != -- ]; do env+=("$1"); shift; done
	shift
	: >"$T/calls"
	env -i PATH=/usr/bin:/bin "${env[@]}" sh "$T/hooks/$1" "${@:2}" >/dev/null 2>&1
}
called() { # called ARGS: the stub was called with exactly ARGS
	[ "$(cat "$T/calls")" = "$*" ] || { echo "# stub calls: $(cat "$T/calls")" >&2; return 1; }
}
not_called() { [ ! -s "$T/calls" ]; }

ok "postinst, configure: exit 0 though dbdboot failed" hook "DEB_MAINT_PARAMS='configure' '1'" -- postinst-early "$K" /boot/vmlinuz-$K
ok "postinst, configure: image-installed" called kernel-hook image-installed "$K"
ok "postinst outside dpkg: image-installed" hook -- postinst-early "$K"
ok "postinst outside dpkg: called" called kernel-hook image-installed "$K"
hook "DEB_MAINT_PARAMS='abort-configure'" -- postinst-early "$K"
ok "postinst, abort-configure: nothing" not_called
ok "postinst late, configure: exit 0" hook "DEB_MAINT_PARAMS='configure'" -- postinst-late "$K"
ok "postinst late: initrd-made" called kernel-hook initrd-made "$K"
ok "header postinst: exit 0" hook -- header-postinst "$K"
ok "header postinst: headers-installed" called kernel-hook headers-installed "$K"
ok "postrm, remove: exit 0" hook "DEB_MAINT_PARAMS='remove'" -- postrm "$K"
ok "postrm, remove: removed" called kernel-hook removed "$K"
hook "DEB_MAINT_PARAMS='purge'" -- postrm "$K"
ok "postrm, purge: removed" called kernel-hook removed "$K"
hook "DEB_MAINT_PARAMS='upgrade' '1'" -- postrm "$K"
ok "postrm, upgrade: nothing" not_called
ok "kernel-install add: exit 0" hook -- kernel-install add "$K" /boot/x /boot/vmlinuz-$K
ok "kernel-install add: called" called kernel-hook kernel-install add "$K"
ok "kernel-install remove" hook -- kernel-install remove "$K"
ok "kernel-install remove: called" called kernel-hook kernel-install remove "$K"
hook -- kernel-install inspect "$K"
ok "kernel-install inspect: nothing" not_called
ok "no version: exit 0" hook -- postinst-early
ok "no version: nothing" not_called
rm "$T/stub"
ok "dbdboot not installed: exit 0" hook -- postinst-early "$K"

# Where make install puts them, and run-parts' order.
make -s -C "$TOP" install DESTDIR="$T/dest" BUILD="$BUILD" >/dev/null 2>&1
ok "postinst.d/dbdboot installed" test -x "$T/dest/etc/kernel/postinst.d/dbdboot"
ok "postinst.d/zz-dbdboot installed" test -x "$T/dest/etc/kernel/postinst.d/zz-dbdboot"
ok "header_postinst.d/dbdboot installed" test -x "$T/dest/etc/kernel/header_postinst.d/dbdboot"
ok "postrm.d/dbdboot installed" test -x "$T/dest/etc/kernel/postrm.d/dbdboot"
ok "kernel-install plugin installed" test -x "$T/dest/usr/lib/kernel/install.d/45-dbdboot.install"
ok "hooks call the installed dbdboot" grep -q '/usr/local/sbin/dbdboot kernel-hook' "$T/dest/etc/kernel/postinst.d/dbdboot"
order() { printf '%s\n' "$@" | LC_ALL=C sort | tr '\n' ' '; }
ok "run-parts: dbdboot before dkms, dracut and initramfs-tools; zz-dbdboot after them, before zz-update-grub" \
	test "$(order initramfs-tools zz-update-grub dkms dracut zz-dbdboot dbdboot)" = \
	"dbdboot dkms dracut initramfs-tools zz-dbdboot zz-update-grub "
ok "run-parts accepts the names" test "$(run-parts --test "$T/dest/etc/kernel/postinst.d" | wc -l)" = 2
tap_end
