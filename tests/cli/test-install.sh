#!/bin/bash
# make install into a DESTDIR puts every program, hook, unit, module file
# and man page where it belongs, with the paths written in; make uninstall
# then leaves no file or link behind.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/tap.sh
. "$TOP/tests/cli/tap.sh"
B=${BUILD:-$TOP/build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
D=$T/dest

mk() { make -s -C "$TOP" BUILD="$B" DESTDIR="$D" PREFIX=/usr "$@" >"$T/make.log" 2>&1; }
has() { [ -e "$D$1" ]; }
no_placeholder() { ! grep -rlq '@AGENT@\|@MANIFEST@\|@DBDBOOT@' "$D"; }
leftovers() { find "$D" \( -type f -o -type l \) | sed "s|^$D||"; }
nothing_left() { [ -z "$(leftovers)" ]; }

ok "make install" mk install
for f in /usr/sbin/dbdboot /usr/lib/dbdboot/dbdboot-early \
	/usr/lib/systemd/system-generators/dbdboot-generator \
	/usr/share/initramfs-tools/hooks/dbdboot /usr/share/initramfs-tools/scripts/local-premount/dbdboot \
	/usr/lib/dracut/modules.d/90dbdboot/module-setup.sh \
	/usr/lib/dracut/modules.d/90dbdboot/dbdboot-early.service \
	/usr/lib/dracut/modules.d/90dbdboot/dbdboot-pre-mount.sh \
	/etc/kernel/postinst.d/dbdboot /usr/lib/kernel/install.d/45-dbdboot.install \
	/usr/lib/systemd/system/dbdboot-shutdown.service /usr/share/man/man8/dbdboot.8 \
	/usr/share/man/man5/dbdboot-manifest.5; do
	ok "installed: $f" has "$f"
done
ok "no @PLACEHOLDER@ left in what was installed" no_placeholder
ok "the dracut unit runs the installed agent" \
	grep -q '^ExecStart=-/usr/lib/dbdboot/dbdboot-early --phase initramfs$' \
	"$D/usr/lib/dracut/modules.d/90dbdboot/dbdboot-early.service"
ok "make uninstall" mk uninstall
ok "make uninstall leaves no file or link" nothing_left
leftovers | sed 's/^/# left: /'
tap_end
