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

# Under umask 077 (a root shell's, on hardened hosts): every file and
# folder installed gets its mode on purpose, not the umask's.
ok "make install (under umask 077)" sh -c "umask 077; $(declare -f mk); T='$T' D='$D' TOP='$TOP' B='$B' mk install"
odd_modes() { find "$D" -mindepth 1 \( -type f -o -type d \) -printf '%m %u %P\n' | awk '($1 != 755 && $1 != 644) || $2 != "root"'; }
ok "every file installed is 0644 or 0755 and root's, whatever the umask" test -z "$(odd_modes)"
odd_modes | sed 's/^/# mode: /'
ok "the programs and hooks are executable" test "$(stat -c %a "$D/usr/sbin/dbdboot" "$D/usr/lib/dbdboot/dbdboot-early" "$D/etc/kernel/postinst.d/dbdboot" | sort -u)" = 755
for f in /usr/sbin/dbdboot /usr/lib/dbdboot/dbdboot-early \
	/usr/lib/systemd/system-generators/dbdboot-generator \
	/usr/share/initramfs-tools/hooks/dbdboot /usr/share/initramfs-tools/scripts/local-premount/dbdboot \
	/usr/share/initramfs-tools/scripts/init-top/dbdboot \
	/usr/lib/dracut/modules.d/90dbdboot/module-setup.sh \
	/usr/lib/dracut/modules.d/90dbdboot/dbdboot-early.service \
	/usr/lib/dracut/modules.d/90dbdboot/dbdboot-pre-mount.sh \
	/usr/lib/dracut/modules.d/90dbdboot/dbdboot-preload.service \
	/usr/lib/dracut/modules.d/90dbdboot/dbdboot-preload.sh \
	/etc/kernel/postinst.d/dbdboot /usr/lib/kernel/install.d/45-dbdboot.install \
	/usr/lib/systemd/system/dbdboot-shutdown.service /usr/share/man/man8/dbdboot.8 \
	/usr/share/man/man5/dbdboot-manifest.5 /usr/share/bash-completion/completions/dbdboot; do
	ok "installed: $f" has "$f"
done
ok "no @PLACEHOLDER@ left in what was installed" no_placeholder
ok "the dracut unit runs the installed agent" \
	grep -q '^ExecStart=-/usr/lib/dbdboot/dbdboot-early --phase initramfs$' \
	"$D/usr/lib/dracut/modules.d/90dbdboot/dbdboot-early.service"
preloads() { # the three boot steps that start the early load, each with the installed agent
	local f
	for f in "$D/usr/lib/dracut/modules.d/90dbdboot/dbdboot-preload.service" \
		"$D/usr/lib/dracut/modules.d/90dbdboot/dbdboot-preload.sh" "$D/usr/share/initramfs-tools/scripts/init-top/dbdboot"; do
		grep -q -- '--preload' "$f" && grep -q '/usr/lib/dbdboot/dbdboot-early' "$f" || return 1
	done
}
ok "the early load's unit and scripts run the installed agent with --preload" preloads
ok "make uninstall" mk uninstall
ok "make uninstall leaves no file or link" nothing_left
leftovers | sed 's/^/# left: /'

# Another SYSCONFDIR (built apart: the paths are compiled in): the manifest
# is read and written there by every piece, the kernel hooks stay where
# Debian's kernel packages run them.
E=/usr/local/etc
M=$E/dbdboot/manifest
ok "make install SYSCONFDIR=$E" mk install SYSCONFDIR="$E" BUILD="$T/b"
ok "the manifest's folder is made under it" test -d "$D$E/dbdboot"
ok "no /etc/dbdboot" test ! -e "$D/etc/dbdboot"
ok "the kernel hooks are still in /etc/kernel" has /etc/kernel/postinst.d/dbdboot
ok "the initramfs-tools hook puts $M in the initrd" \
	grep -q "^MANIFEST=\${DBDBOOT_MANIFEST:-$M}" "$D/usr/share/initramfs-tools/hooks/dbdboot"
ok "the dracut module too" grep -q "inst_simple \"\$manifest\" \"$M\"" \
	"$D/usr/lib/dracut/modules.d/90dbdboot/module-setup.sh"
for p in /usr/sbin/dbdboot /usr/lib/dbdboot/dbdboot-early \
	/usr/lib/systemd/system-generators/dbdboot-generator; do
	ok "$p reads $M" grep -q "$M" "$D$p"
	ok "$p does not name /etc/dbdboot/manifest" sh -c "! grep -aqP '(?<!local)/etc/dbdboot/manifest' '$D$p'"
done
ok "the agent says it in --help" out_has "(default $M)" "$D/usr/lib/dbdboot/dbdboot-early" --help
ok "make uninstall SYSCONFDIR=$E" mk uninstall SYSCONFDIR="$E" BUILD="$T/b"
ok "and nothing is left" nothing_left
leftovers | sed 's/^/# left: /'
tap_end
