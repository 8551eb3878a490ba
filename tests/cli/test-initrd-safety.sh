#!/bin/bash
# The host utility never loses what an initrd holds (issue 26), on a fake
# root: a segment is dbdboot's own manifest segment only when it holds
# nothing else, so an initrd repacked whole after a manifest-only run
# (our mark among everything, in one uncompressed segment) keeps every
# file when the manifest is injected again.
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
tap_end
