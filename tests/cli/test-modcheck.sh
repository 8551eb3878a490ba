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
DEPMOD=$(command -v depmod)

fake_kernel
mkdir -p "$R/lib/modules/$K/updates/dkms"
cat >"$T/mod.c" <<C
struct modversion_info { unsigned long crc; char name[64 - sizeof(unsigned long)]; };
__attribute__((section(".modinfo"), used)) static const char vm[] =
	"vermagic=$K SMP preempt mod_unload modversions ";
__attribute__((section(".modinfo"), used)) static const char nm[] = "name=dattobd";
__attribute__((section("__versions"), used)) static const struct modversion_info v[] = {
	{ 0x1234abcd, "printk" },
};
C
cc -c -o "$R/lib/modules/$K/updates/dkms/dattobd.ko" "$T/mod.c" ||
	{ echo "Bail out! could not build the module"; exit 1; }
: >"$R/lib/modules/$K/modules.order"; : >"$R/lib/modules/$K/modules.builtin"; : >"$R/lib/modules/$K/modules.builtin.modinfo"
"$DEPMOD" -b "$R" "$K" || { echo "Bail out! depmod failed"; exit 1; }
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
tap_end
