#!/bin/bash
# Benchmark (run by bench/host.sh, not by make check): the host utility in
# a chroot of the prepared system, on the real Debian kernels:
#   - dbdboot sysmap on a real vmlinuz (unpack + kallsyms search + write);
#   - inject --manifest-only against update-initramfs -u, same initrd;
#   - a rebuild --all that has nothing to do (every kernel verified);
#   - status per kernel and --all, each initrd read, then known.
# Prints "name: figure" lines.
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_system_overlay
R=$SC_DIR/root
printf 'dbdboot-manifest 1\nvolume mode=incremental device=LABEL=root cow=/.datto minor=0\n' \
	>"$R/etc/dbdboot/manifest"
for k in "$KVER" "$OLD_KVER"; do
	for i in 1 2 3; do
		echo "sysmap $k (run $i): $(vm_chroot_ms dbdboot sysmap -k "$k" --force) ms, $(wc -l <"$R/lib/modules/$k/System.map") symbols"
	done
done
echo "vmlinuz $KVER: $(stat -c %s "$R/boot/vmlinuz-$KVER") bytes"

for i in 1 2; do
	echo "update-initramfs -u -k $KVER (run $i): $(vm_chroot_ms update-initramfs -u -k "$KVER") ms"
done
size0=$(stat -c %s "$R/boot/initrd.img-$KVER")
for i in 1 2 3; do
	echo "inject --manifest-only -k $KVER (run $i): $(vm_chroot_ms dbdboot inject --manifest-only -k "$KVER") ms"
done
echo "initrd $KVER: $size0 bytes, $(stat -c %s "$R/boot/initrd.img-$KVER") after 3 --manifest-only"

echo "rebuild -k $OLD_KVER (a real dkms build, after sysmap): $(vm_chroot_ms dbdboot rebuild -k "$OLD_KVER") ms"
in_chroot "$R" dbdboot inject -k "$OLD_KVER" >>"$SC_DIR/bench.log" 2>&1
for i in 1 2 3; do
	echo "rebuild --all, nothing to do, 2 kernels (run $i): $(vm_chroot_ms dbdboot rebuild --all) ms"
done
# status reads an initrd once: after that, what it holds is kept while the
# initrd, module, agent and manifest are the ones compared.
for k in "$KVER" "$OLD_KVER"; do
	rm -f "$R/var/lib/dbdboot/kernels/$k/initrd-facts"
	echo "status -k $k, the initrd read: $(vm_chroot_ms dbdboot status -k "$k") ms"
	echo "status -k $k, the initrd known from the last read: $(vm_chroot_ms dbdboot status -k "$k") ms"
done
rm -f "$R"/var/lib/dbdboot/kernels/*/initrd-facts
echo "status --all, 2 kernels, every initrd read: $(vm_chroot_ms dbdboot status --all) ms"
echo "status --all, 2 kernels, again: $(vm_chroot_ms dbdboot status --all) ms"
