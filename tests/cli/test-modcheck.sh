#!/bin/bash
# status's module line, on a module made here (an ELF object with the
# .modinfo and __versions sections kmod reads) and indexed by the real
# depmod: the CRCs are said to agree only when the kernel's Module.symvers
# was read and agrees; unreadable, status says they were not checked.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/tap.sh
. "$TOP/tests/cli/tap.sh"
# shellcheck source=tests/cli/fakeroot.sh
. "$TOP/tests/cli/fakeroot.sh"
command -v depmod >/dev/null || { echo "1..0 # SKIP no depmod"; exit 0; }

fake_kernel
fake_module "$R/lib/modules/$K/updates/dkms/dattobd.ko"
fake_depmod
SYMVERS=$R/lib/modules/$K/build/Module.symvers

ok "no Module.symvers: the CRCs are said not checked" \
	out_has "CRCs not checked: the kernel's Module.symvers could not be read" \
	"$D" --root "$R" status -k "$K"
ok "and never said to agree" sh -c "! '$D' --root '$R' status -k '$K' 2>&1 | grep -q 'CRCs and depmod agree'"
ok "-J: crcs_checked false" out_has '"crcs_checked": false' "$D" --root "$R" status -J -k "$K"
printf '0x1234abcd\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n' >"$SYMVERS"
ok "Module.symvers agrees: said so, with the count" \
	out_has "vermagic, 1 modversions CRCs and depmod agree" "$D" --root "$R" status -k "$K"
ok "-J: crcs_checked true" out_has '"crcs_checked": true' "$D" --root "$R" status -J -k "$K"
printf '0x0badc0de\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n' >"$SYMVERS"
ok "a CRC that disagrees: the problem named" \
	out_has "1 symbol CRCs disagree with the kernel's Module.symvers (first: printk)" \
	"$D" --root "$R" status -k "$K"
printf '0x1234abcd\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n' >"$SYMVERS"
# xz data under the plain name (as a bundle of dkms 3.2's dattobd.ko.xz
# once installed it): libkmod reads it, the kernel would refuse it.
KO=$R/lib/modules/$K/updates/dkms/dattobd.ko
xz -k -c "$KO" >"$KO.tmp" && mv "$KO.tmp" "$KO"
ok "xz data named .ko: the problem named" \
	out_has "holds xz data, which its name does not say: the kernel would refuse it at boot" \
	"$D" --root "$R" status -k "$K"
ok "xz data named .ko: -J names the problem" \
	out_has "\"problem\": \"'/lib/modules/$K/updates/dkms/dattobd.ko' holds xz data" \
	"$D" --root "$R" status -J -k "$K"
# The same bytes under the name that says so: fine.
mv "$KO" "$KO.xz" && fake_depmod
ok "the same named .ko.xz: the module line agrees" \
	out_has "dattobd.ko.xz: vermagic, 1 modversions CRCs and depmod agree" "$D" --root "$R" status -k "$K"
tap_end
