#!/bin/bash
# dbdboot package: the verified module of a fake root's kernel made into
# dattobd-modules-KVER, read back with dpkg-deb and judged by lintian; then
# unpacked into the root as dpkg would, indexed by the real depmod with the
# package's override beside a dkms build: status and rebuild see the
# package's module, and rebuild leaves it to the package.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/tap.sh
. "$TOP/tests/cli/tap.sh"
# shellcheck source=tests/cli/fakeroot.sh
. "$TOP/tests/cli/fakeroot.sh"
for p in depmod dpkg-deb lintian; do
	command -v "$p" >/dev/null || { echo "1..0 # SKIP no $p"; exit 0; }
done
unset DEBEMAIL DEBFULLNAME
json_doc() { "$@" 2>/dev/null | python3 -c 'import json, sys; json.load(sys.stdin)'; }
M="Fleet Ops <ops@example.org>"
O=$T/out
mkdir -p "$O"
export SOURCE_DATE_EPOCH=1767225600

fake_kernel
ok "no module yet: exit 1" status_is 1 "$D" --root "$R" package -k "$K" -m "$M" -o "$O"
ok "... said, with what to run" out_has "none is installed for it (run: dbdboot rebuild -k $K)" \
	"$D" --root "$R" package -k "$K" -m "$M" -o "$O"
fake_module "$R/lib/modules/$K/updates/dkms/dattobd.ko" version=0.12.1 "dbdboot_fix=reload-1"
fake_depmod

ok "no -k: exit 2" status_is 2 "$D" --root "$R" package -m "$M"
ok "--sign-key alone: exit 2" status_is 2 "$D" --root "$R" package -k "$K" -m "$M" --sign-key k.pem
ok "no maintainer: exit 2" status_is 2 "$D" --root "$R" package -k "$K" -o "$O"
ok "... said how to give one" out_has "say who maintains the package with -m 'NAME <EMAIL>'" \
	"$D" --root "$R" package -k "$K" -o "$O"
ok "a revision dpkg would refuse: exit 1" status_is 1 "$D" --root "$R" package -k "$K" -m "$M" -o "$O" -r 'a_b'
ok "an extra argument: exit 2" status_is 2 "$D" --root "$R" package -k "$K" -m "$M" extra

ok "made: exit 0" status_is 0 "$D" --root "$R" package -k "$K" -m "$M" -o "$O"
DEB=$O/dattobd-modules-${K}_0.12.1-1_amd64.deb
ok "named for the kernel, the module's version and revision 1" test -s "$DEB"
ok "dpkg-deb reads it" status_is 0 dpkg-deb --info "$DEB"
ok "its name" out_has "dattobd-modules-$K" dpkg-deb --field "$DEB" Package
ok "it depends on that kernel's image and on dbdboot" \
	out_has "linux-image-$K, dbdboot" dpkg-deb --field "$DEB" Depends
ok "its maintainer" out_has "$M" dpkg-deb --field "$DEB" Maintainer
ok "it says it is not signed" out_has "Not signed." dpkg-deb --field "$DEB" Description
ok "the module where depmod's override points, owned by root" \
	sh -c "dpkg-deb --contents '$DEB' | grep -q '^-rw-r--r-- root/root .* ./lib/modules/$K/updates/dbdboot/dattobd.ko\$'"
ok "the override" out_has "./lib/depmod.d/dattobd-modules-$K.conf" dpkg-deb --contents "$DEB"
ok "nothing where dkms installs" sh -c "! dpkg-deb --contents '$DEB' | grep -q updates/dkms"
X=$T/x
dpkg-deb --extract "$DEB" "$X"
ok "the module's bytes are the installed ones" \
	cmp "$X/lib/modules/$K/updates/dbdboot/dattobd.ko" "$R/lib/modules/$K/updates/dkms/dattobd.ko"
ok "the override names the package's folder for this kernel only" \
	grep -qx "override dattobd $K updates/dbdboot" "$X/lib/depmod.d/dattobd-modules-$K.conf"
ok "module.txt: the module's sha256" grep -qx "sha256 $(sha256sum <"$X/lib/modules/$K/updates/dbdboot/dattobd.ko" | cut -d' ' -f1)" \
	"$X/usr/share/dattobd-modules-$K/module.txt"
ok "module.txt: no signer" grep -qx "signer -" "$X/usr/share/dattobd-modules-$K/module.txt"
dpkg-deb --control "$DEB" "$T/ctl"
ok "its maintainer scripts pass shellcheck" shellcheck -s sh "$T/ctl/postinst" "$T/ctl/postrm"
ok "postinst runs depmod and the kernel hook" grep -q "dbdboot kernel-hook module-installed $K" "$T/ctl/postinst"
ok "postrm runs the kernel hook at removal" grep -q "dbdboot kernel-hook module-removed $K" "$T/ctl/postrm"
ok "... once: not again at the purge after it" sh -c "grep -qx 'remove)' '$T/ctl/postrm' && ! grep -q '^[a-z |]*purge[a-z |]*)\$' '$T/ctl/postrm'"
ok "lintian: no error or warning" lintian --fail-on error,warning "$DEB"
cp "$DEB" "$T/first.deb"
"$D" --root "$R" -q package -k "$K" -m "$M" -o "$O"
ok "made again from the same module and date: the same bytes" cmp "$DEB" "$T/first.deb"
ok "-r 2 -J: the version and the file as JSON" \
	out_has "\"version\": \"0.12.1-2\"" "$D" --root "$R" package -J -k "$K" -m "$M" -o "$O" -r 2
ok "-J: a JSON document" json_doc "$D" --root "$R" package -J -k "$K" -m "$M" -o "$O"

# --meta: the flavour's metapackage beside it, following the kernel's ABI.
MDEB=$O/dattobd-modules-test-amd64_6.1.0.99-1_amd64.deb
ok "--meta: exit 0" status_is 0 "$D" --root "$R" package --meta -k "$K" -m "$M" -o "$O"
ok "the metapackage: named for the flavour, versioned by the ABI" test -s "$MDEB"
ok "it depends on the kernel's package" out_has "dattobd-modules-$K" dpkg-deb --field "$MDEB" Depends
ok "... and on nothing else" test "$(dpkg-deb --field "$MDEB" Depends)" = "dattobd-modules-$K"
ok "it holds documentation only" \
	sh -c "dpkg-deb --contents '$MDEB' >/dev/null && ! dpkg-deb --contents '$MDEB' | grep -v '/\$' | grep -v ' ./usr/share/\(doc\|lintian\)/'"
ok "the metapackage: lintian, no error or warning" lintian --fail-on error,warning "$MDEB"
ok "-J: the metapackage named" out_has '"meta_version": "6.1.0.99-1"' \
	"$D" --root "$R" package -J --meta -k "$K" -m "$M" -o "$O"
ok "a kernel not named as Debian's: exit 1" status_is 1 "$D" --root "$R" package --meta -k mykernel -m "$M" -o "$O"
ok "... said why" out_has "the name is not ABI-FLAVOUR as Debian names its kernels" \
	"$D" --root "$R" package --meta -k mykernel -m "$M" -o "$O"
ok "... nothing written" sh -c "! ls '$O' | grep -q mykernel"
K1=$K
for K in 6.12.38+deb13-cloud-amd64 6.12.12+bpo-amd64; do
	fake_kernel
	fake_module "$R/lib/modules/$K/updates/dkms/dattobd.ko" version=0.12.1 "dbdboot_fix=reload-1"
	fake_depmod
	"$D" --root "$R" -q package --meta -k "$K" -m "$M" -o "$O" -r 2
done
# Debian 13's kernel packages ship their modules in /usr/lib: dpkg's
# database says so to the real dpkg-query, copied into the root.
K13=6.12.38+deb13-cloud-amd64
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates"
printf '/.\n/usr\n/usr/lib\n/usr/lib/modules\n/usr/lib/modules/%s\n' "$K13" >"$R/var/lib/dpkg/info/linux-image-$K13.list"
printf 'Package: linux-image-%s\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\nMaintainer: k <k@example.org>\nDescription: k\n\n' \
	"$K13" >"$R/var/lib/dpkg/status"
mkdir -p "$R/usr/bin"
cp /usr/bin/dpkg-query "$R/usr/bin/"
for lib in $(ldd /usr/bin/dpkg-query | grep -o '/[^ ]*'); do cp --parents -L "$lib" "$R"; done
ok "Debian 13's kernel: its metapackage" test -s "$O/dattobd-modules-cloud-amd64_6.12.38+deb13-2_amd64.deb"
TDEB=$O/dattobd-modules-6.12.38+deb13-cloud-amd64_0.12.1-2_amd64.deb
ok "... its package: in /lib, as dpkg-query was not there yet" \
	sh -c "dpkg-deb --contents '$TDEB' | grep ' ./lib/modules/6.12.38+deb13-cloud-amd64/updates/dbdboot/dattobd.ko\$' >/dev/null"
"$D" --root "$R" -q package -k 6.12.38+deb13-cloud-amd64 -m "$M" -o "$O" -r 3
TDEB=$O/dattobd-modules-6.12.38+deb13-cloud-amd64_0.12.1-3_amd64.deb
ok "its image package's modules in /usr/lib: the module there" \
	sh -c "dpkg-deb --contents '$TDEB' | grep ' ./usr/lib/modules/6.12.38+deb13-cloud-amd64/updates/dbdboot/dattobd.ko\$' >/dev/null"
ok "... and the override in /usr/lib/depmod.d" \
	sh -c "dpkg-deb --contents '$TDEB' | grep ' ./usr/lib/depmod.d/dattobd-modules-6.12.38+deb13-cloud-amd64.conf\$' >/dev/null"
ok "... nothing in /lib (an aliased location on Debian 13)" \
	sh -c "dpkg-deb --contents '$TDEB' >/dev/null && ! dpkg-deb --contents '$TDEB' | grep ' ./lib/' >/dev/null"
ok "... lintian: no error or warning" lintian --fail-on error,warning "$TDEB"
"$D" --root "$R" -q package -k 6.12.12+bpo-amd64 -m "$M" -o "$O" -r 3
ok "a kernel whose image package dpkg does not know: /lib" sh -c \
	"dpkg-deb --contents '$O/dattobd-modules-6.12.12+bpo-amd64_0.12.1-3_amd64.deb' | grep ' ./lib/modules/6.12.12+bpo-amd64/updates/dbdboot/dattobd.ko\$' >/dev/null"
ok "a backport's: its metapackage" test -s "$O/dattobd-modules-amd64_6.12.12+bpo-2_amd64.deb"
ok "a newer ABI is a newer version" dpkg --compare-versions 6.1.0.99-1 lt 6.12.12+bpo-2
K=$K1

# Signed with a fleet key: the kernel's real sign-file (linux-kbuild-6.1),
# copied into the root with its libraries, as dkms would run it there.
SF=/usr/lib/linux-kbuild-6.1/scripts/sign-file
mkdir -p "$R/etc/fleet" "$R$(dirname "$SF")"
cp "$SF" "$R$SF"
for lib in $(ldd "$SF" | grep -o '/[^ ]*'); do cp --parents -L "$lib" "$R"; done
openssl req -new -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=Fleet module key/" \
	-keyout "$R/etc/fleet/key.pem" -outform DER -out "$R/etc/fleet/cert.der" 2>/dev/null
openssl x509 -inform DER -in "$R/etc/fleet/cert.der" -out "$R/etc/fleet/cert.pem"
ok "a PEM certificate: refused, with how to convert it" \
	out_has "not an X.509 certificate in DER form (convert it: openssl x509" "$D" --root "$R" \
	package -k "$K" -m "$M" -o "$O" --sign-key /etc/fleet/key.pem --sign-cert /etc/fleet/cert.pem
ok "signed: exit 0" status_is 0 "$D" --root "$R" package -k "$K" -m "$M" -o "$O" -r 4 \
	--sign-key /etc/fleet/key.pem --sign-cert /etc/fleet/cert.der
SDEB=$O/dattobd-modules-${K}_0.12.1-4_amd64.deb
ok "its description names the signer" out_has "Signed by 'Fleet module key'" dpkg-deb --field "$SDEB" Description
dpkg-deb --extract "$SDEB" "$T/s"
SKO=$T/s/lib/modules/$K/updates/dbdboot/dattobd.ko
ok "the module carries one signature" test "$(grep -c -a 'Module signature appended' "$SKO")" = 1
ok "... by that key, as libkmod reads it" out_has "signer:         Fleet module key" modinfo "$SKO"
ok "module.txt: the signer" grep -qx "signer Fleet module key" "$T/s/usr/share/dattobd-modules-$K/module.txt"
ok "the certificate is in the package" cmp "$T/s/usr/share/dattobd-modules-$K/signing-cert.der" "$R/etc/fleet/cert.der"
ok "the module under the signature is the installed one" \
	cmp -n "$(stat -c %s "$R/lib/modules/$K/updates/dkms/dattobd.ko")" "$SKO" "$R/lib/modules/$K/updates/dkms/dattobd.ko"
ok "signed packages pass lintian too" lintian --fail-on error,warning "$SDEB"
cp "$SKO" "$R/lib/modules/$K/updates/dkms/dattobd.ko"
ok "a signed module signed again: exit 0" status_is 0 "$D" --root "$R" package -k "$K" -m "$M" -o "$O" -r 5 \
	--sign-key /etc/fleet/key.pem --sign-cert /etc/fleet/cert.der
dpkg-deb --extract "$O/dattobd-modules-${K}_0.12.1-5_amd64.deb" "$T/s5"
ok "... still one signature (the old one taken off)" \
	test "$(grep -c -a 'Module signature appended' "$T/s5/lib/modules/$K/updates/dbdboot/dattobd.ko")" = 1
ok "the signing copy is gone" test ! -e "$R/var/lib/dbdboot/kernels/$K/package.ko"

# Unpacked into the root as dpkg would, beside the dkms build, indexed with
# the package's override: the package's module is the one.
dpkg-deb --extract "$DEB" "$R"
depmod -b "$R" -C "$R/lib/depmod.d" "$K" 2>/dev/null
ok "status: the package's module, named as the package's" \
	out_has "updates/dbdboot/dattobd.ko (package dattobd-modules-$K): vermagic" "$D" --root "$R" status -k "$K"
ok "status -J: packaged" out_has '"packaged": true' "$D" --root "$R" status -J -k "$K"
# No Module.symvers here, as on a fleet host: the package's module.txt says
# what its build host checked, when it names these bytes.
INFO=$R/usr/share/dattobd-modules-$K/module.txt
ok "module.txt: no CRCs checked where it was made (no Module.symvers)" grep -qx "crcs -" "$INFO"
ok "status: CRCs not checked" out_has "CRCs not checked: the kernel's Module.symvers could not be read" \
	"$D" --root "$R" status -k "$K"
sed -i 's/^crcs -$/crcs 81/' "$INFO"
ok "module.txt with 81 CRCs checked: status says the build host checked them" \
	out_has "81 modversions CRCs checked by the package's build host" "$D" --root "$R" status -k "$K"
ok "... -J too" out_has '"crcs_checked_by_build_host": 81' "$D" --root "$R" status -J -k "$K"
sed -i 's/^sha256 .*/sha256 0000/' "$INFO"
ok "module.txt naming other bytes: not trusted" out_has "CRCs not checked: the kernel's Module.symvers" \
	"$D" --root "$R" status -k "$K"
ok "rebuild: left to the package, exit 0" status_is 0 "$D" --root "$R" rebuild -k "$K"
ok "... said why" out_has "comes from package dattobd-modules-$K: not built with dkms" \
	"$D" --root "$R" rebuild -k "$K"
ok "a package made on this host again takes the package's module" \
	status_is 0 "$D" --root "$R" package -k "$K" -m "$M" -o "$O" -r 3
tap_end
