#!/bin/bash
# Every file and folder dbdboot makes gets the mode HACKING.md's write table
# gives it, and root as its owner, whatever the umask of the shell that ran
# it (here 077, a hardened root shell's): sync, record-shutdown, verdict and
# inject on a fake root. An initrd keeps the mode it had. (make install's
# modes: test-install.sh.)
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/tap.sh
. "$TOP/tests/cli/tap.sh"
# shellcheck source=tests/cli/fakeroot.sh
. "$TOP/tests/cli/fakeroot.sh"
U1=00112233445566778899aabbccddeeff
I=$R/boot/initrd.img-$K

mkdir -p "$R/proc/sys/kernel/random" "$R/proc/self" "$R/dev" "$R/boot" "$T/in/etc"
echo 11111111-2222-3333-4444-555555555555 >"$R/proc/sys/kernel/random/boot_id"
: >"$R/proc/self/mountinfo"
mke2fs -q -F -t ext4 -U 0b5c5a3e-1111-2222-3333-444455556666 "$R/dev/vdb" 8M >/dev/null 2>&1
datto_info 0 2 $U1 3 /dev/vdb /.datto 0
: >"$R/boot/vmlinuz-$K"
echo x >"$T/in/etc/x"
(cd "$T/in" && find . | cpio --quiet -o -H newc) >"$I"
chmod 0600 "$I"	# as dracut makes it

umask 077
run() { "$D" --root "$R" "$@" >>"$T/log" 2>&1; }
run sync
run record-shutdown
run verdict
run inject -k "$K" --manifest-only
umask 022

mode() { # mode MODE PATH...: each PATH (in the root) has MODE and is root's
	local p
	shift
	for p; do
		[ "$(stat -c '%a %U' "$R$p" 2>&1)" = "$MODE root" ] ||
			{ echo "# $p: $(stat -c '%a %U' "$R$p" 2>&1), not $MODE root" >&2; return 1; }
	done
}
MODE=755 ok "folders: 0755, root's" mode 755 /etc/dbdboot /var/lib/dbdboot /run/dbdboot
MODE=644 ok "the manifest, the verdicts, the shutdown record's copy: 0644, root's" mode 644 \
	/etc/dbdboot/manifest /var/lib/dbdboot/verdict.json /run/dbdboot/verdict.json \
	/run/dbdboot/shutdown.json
MODE=600 ok "the lock: 0600, root's" mode 600 /var/lib/dbdboot/writer.lock
MODE=600 ok "the initrd keeps its mode (0600, as dracut made it)" mode 600 "/boot/initrd.img-$K"
ok "and holds the manifest" out_has "manifest ok" "$D" --root "$R" status -k "$K"
sed 's/^/# /' "$T/log"
tap_end
