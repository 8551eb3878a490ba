#!/bin/bash
# The host utility never loses what an initrd holds and never calls it
# verified against nothing (issue 26), on a fake root: 1. a segment is
# dbdboot's own manifest segment only when it holds nothing else; 2. the
# record of a verified layout names the file verified, not the one a
# generator put there a moment later; 3. inject verifies the initrd's
# module only against an installed one that is readable and built for
# that kernel; 4. bundle import never leaves a compressed dattobd beside
# the imported one (what depmod would resolve); 6. an initrd that is a
# symbolic link is refused, saying so.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/tap.sh
. "$TOP/tests/cli/tap.sh"
# shellcheck source=tests/cli/fakeroot.sh
. "$TOP/tests/cli/fakeroot.sh"
I=$R/boot/initrd.img-$K

mkdir -p "$R/boot" "$R/etc/dbdboot" "$T/tree/etc/dbdboot" "$T/tree/scripts/local-premount" \
	"$T/tree/usr/lib/modules/$K/updates"
: >"$R/boot/vmlinuz-$K"
printf 'dbdboot-manifest 1\nvolume mode=incremental device=LABEL=new cow=/.datto minor=1\n' \
	>"$R/etc/dbdboot/manifest"
# names LIST: the paths in the first (raw) cpio archive of LIST's initrd.
names() { cpio --quiet -it <"$1" 2>/dev/null | sort; }

# 1. One uncompressed segment holding everything, our mark among it (an
# initrd unpacked and repacked after a manifest-only run).
printf 'dbdboot-manifest 1\n' >"$T/tree/etc/dbdboot/manifest"
echo "written by dbdboot inject --manifest-only" >"$T/tree/etc/dbdboot/.manifest-segment"
echo "#!/bin/sh" >"$T/tree/scripts/local-premount/dbdboot"
head -c 3000 /dev/urandom >"$T/tree/usr/lib/modules/$K/updates/dattobd.ko"
(cd "$T/tree" && find . -mindepth 1 | sort | cpio --quiet -o -H newc) >"$I"
cp "$I" "$T/before"
"$D" --root "$R" inject -k "$K" --manifest-only >"$T/out" 2>&1
ok "repacked whole, our mark inside: inject --manifest-only exits 0" test $? = 0
ok "... every byte of it kept" cmp -n "$(stat -c %s "$T/before")" "$T/before" "$I"
ok "... the module still in it" grep -qx "usr/lib/modules/$K/updates/dattobd.ko" <(names "$I")
ok "... the new manifest after it" grep -aq 'LABEL=new' "$I"
ok "... and it says it appended, not replaced" grep -q 'appended' "$T/out"
size=$(stat -c %s "$I")
"$D" --root "$R" inject -k "$K" --manifest-only >"$T/out" 2>&1
ok "the next run replaces only its own segment" test "$(stat -c %s "$I")" = "$size"
ok "... the module still there" grep -qx "usr/lib/modules/$K/updates/dattobd.ko" <(names "$I")

# 2. A generator (update-initramfs takes no dbdboot lock) replaces the
# initrd right after dbdboot wrote and read back its own: the record of
# what was verified names dbdboot's file, never the generator's, and the
# next run walks the new one instead of cutting it at the old offset.
cc -shared -fPIC -O1 -o "$T/swap.so" "$TOP/tests/cli/fixtures/swap-after-rename.c" -ldl ||
	echo "Bail out! could not build the swap shim"
# The agent where this build looks for it (a record needs one).
AGENT=$(strings "$D" | grep -m1 '^/.*/dbdboot/dbdboot-early$')
mkdir -p "$T/gen/usr/lib/modules/$K" "$R$(dirname "$AGENT")"
head -c 200000 /dev/urandom >"$T/tree/filler"
(cd "$T/tree" && find . -mindepth 1 | sort | cpio --quiet -o -H newc | zstd -q -1) >"$I"
head -c 300000 /dev/urandom >"$T/gen/usr/lib/modules/$K/other"
(cd "$T/gen" && find . -mindepth 1 | sort | cpio --quiet -o -H newc | zstd -q -1) >"$T/gen.img"
echo agent >"$R$AGENT"
"$D" --root "$R" inject -k "$K" --manifest-only >"$T/out" 2>&1
ok "a zstd initrd: the manifest appended and recorded" test -s "$R/var/lib/dbdboot/kernels/$K/initrd-segment"
sed -i 's/LABEL=new/LABEL=newer/' "$R/etc/dbdboot/manifest"
DBDTEST_SWAP_NAME=initrd.img-$K DBDTEST_SWAP_FROM=$T/gen.img LD_PRELOAD=$T/swap.so \
	ASAN_OPTIONS=verify_asan_link_order=0 "$D" --root "$R" inject -k "$K" --manifest-only >"$T/out" 2>&1
ok "the generator's file replaced it after the read-back" cmp -s "$T/gen.img" "$I"
"$D" -v --root "$R" inject -k "$K" --manifest-only >"$T/out" 2>&1
ok "the next run exits 0" test $? = 0
ok "... walks the generator's file (not the file recorded)" grep -q 'is not the file recorded last time' "$T/out"
ok "... keeps every byte of it" cmp -n "$(stat -c %s "$T/gen.img")" "$T/gen.img" "$I"
ok "... its zstd stream whole" sh -c "head -c $(stat -c %s "$T/gen.img") '$I' | zstd -q -t"
ok "... the manifest after it" grep -aq 'LABEL=newer' "$I"

# 6. An initrd that is a symbolic link: refused, saying so, on every run
# (it was "it changed while dbdboot read it ... run again" forever).
mv "$I" "$R/boot/real-initrd"
ln -s real-initrd "$I"
"$D" --root "$R" inject -k "$K" --manifest-only >"$T/out" 2>&1
ok "an initrd that is a link: --manifest-only fails" test $? = 1
ok "... saying it is a link, and to what" grep -q "it is a symbolic link (to 'real-initrd')" "$T/out"
ok "... the link and its target untouched" test -L "$I" -a "$(readlink "$I")" = real-initrd
rm "$I"
mv "$R/boot/real-initrd" "$I"

# 3. inject (and the kernel hooks) never call an initrd verified while the
# installed dattobd is built for another kernel, cannot be read, or is not
# there: the initrd's copy is then compared with nothing.
command -v depmod >/dev/null || { tap_end; exit 0; }
fake_program copy-initrd update-initramfs
mkdir -p "$R/usr/share/initramfs-tools" "$R/lib/modules/$K/updates/dkms" "$T/full/etc/dbdboot" \
	"$T/full/scripts/local-premount" "$T/full/usr/lib/modules/$K/updates/dkms" \
	"$T/full$(dirname "$AGENT")"
: >"$R/usr/share/initramfs-tools/hook-functions"
# module RELEASE: a stand-in dattobd.ko whose vermagic names RELEASE.
module() {
	fake_module "$R/lib/modules/$K/updates/dkms/dattobd.ko" "vermagic=$1 SMP preempt mod_unload modversions " &&
		fake_depmod
}
module 6.1.0-98-other-amd64
cp "$R/lib/modules/$K/updates/dkms/dattobd.ko" "$T/full/usr/lib/modules/$K/updates/dkms/"
cp "$R$AGENT" "$T/full$AGENT"
cp "$R/etc/dbdboot/manifest" "$T/full/etc/dbdboot/manifest"
echo "#!/bin/sh" >"$T/full/scripts/local-premount/dbdboot"
(cd "$T/full" && find . -mindepth 1 | sort | cpio --quiet -o -H newc | zstd -q -1) >"$R/prepared-initrd"
"$D" --root "$R" inject -k "$K" >"$T/out" 2>&1
ok "a module built for another kernel: inject fails" test $? = 1
ok "... and says why" grep -q "could not verify '/boot/initrd.img-$K': the installed dattobd" "$T/out"
ok "... never verified" sh -c "! grep -q 'holds the module, the agent' '$T/out'"
"$D" --root "$R" inject -J -k "$K" >"$T/out" 2>/dev/null
ok "... -J: not verified" sh -c "! grep -q '\"verified\"' '$T/out'"
head -c 100 "$T/full/usr/lib/modules/$K/updates/dkms/dattobd.ko" >"$R/lib/modules/$K/updates/dkms/dattobd.ko"
"$D" --root "$R" inject -k "$K" >"$T/out" 2>&1
ok "an installed module that cannot be read: inject fails" test $? = 1
ok "... and says why" grep -q "could not verify '/boot/initrd.img-$K': the installed dattobd" "$T/out"
rm "$R/lib/modules/$K/updates/dkms/dattobd.ko"
depmod -b "$R" "$K"
"$D" --root "$R" inject -k "$K" >"$T/out" 2>&1
ok "none installed, one in the initrd: inject fails" test $? = 1
ok "... and says why" grep -q "none is installed for $K to compare it with" "$T/out"
module "$K"
cp "$R/lib/modules/$K/updates/dkms/dattobd.ko" "$T/full/usr/lib/modules/$K/updates/dkms/"
(cd "$T/full" && find . -mindepth 1 | sort | cpio --quiet -o -H newc | zstd -q -1) >"$R/prepared-initrd"
"$D" --root "$R" inject -k "$K" >"$T/out" 2>&1
ok "the module for this kernel: inject verifies" test $? = 0

# 4. bundle import beside a compressed dattobd (Debian 13's dkms installs
# dattobd.ko.xz): refused without --force (depmod would go on resolving
# the old one); with it, the old one goes and the imported one is what
# depmod resolves.
# The host's depmod in the root, with its libraries (dbdboot runs it in a
# chroot there).
kmod=$(readlink -f "$(command -v depmod)")
for lib in $(ldd "$kmod" | grep -o '/[^ ]*'); do cp --parents -L "$lib" "$R"; done
cp "$kmod" "$R/usr/sbin/depmod"
"$D" --root "$R" bundle export -k "$K" "$T/b.tar.gz" >"$T/out" 2>&1 ||
	echo "Bail out! could not export a bundle: $(cat "$T/out")"
sum=$(sha256sum "$T/b.tar.gz" | cut -d' ' -f1)
M=$R/lib/modules/$K/updates/dkms
mv "$M/dattobd.ko" "$T/dattobd.ko"
module 6.1.0-97-older-amd64 && xz "$M/dattobd.ko" && depmod -b "$R" "$K"
"$D" --root "$R" bundle import --sha256 "$sum" "$T/b.tar.gz" >"$T/out" 2>&1
ok "import beside an installed dattobd.ko.xz: refused" test $? = 1
ok "... naming it" grep -q "a dattobd is installed for $K at '/lib/modules/$K/updates/dkms/dattobd.ko.xz' (--force replaces it)" "$T/out"
ok "... nothing written" test ! -e "$M/dattobd.ko" -a -e "$M/dattobd.ko.xz"
"$D" --root "$R" bundle import --force --sha256 "$sum" "$T/b.tar.gz" >"$T/out" 2>&1
ok "with --force: imported" test $? = 0
ok "... the compressed one gone" test ! -e "$M/dattobd.ko.xz"
ok "... depmod resolves the imported one" grep -q "^updates/dkms/dattobd.ko:" "$R/lib/modules/$K/modules.dep"
ok "... the module is the exported one" cmp -s "$T/dattobd.ko" "$M/dattobd.ko"
# Its kernel removed: the kernel hook takes the imported module away (no
# package owns it: the kernel's purge would find its folder not empty).
"$D" --root "$R" kernel-hook removed "$K" >"$T/out" 2>&1
ok "the kernel removed: the imported module goes with it" test ! -e "$M/dattobd.ko" -a ! -e "$M"
ok "... said" grep -q "which a bundle import installed" "$T/out"
tap_end
