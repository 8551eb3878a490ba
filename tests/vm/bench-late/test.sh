#!/bin/bash
# Benchmark (run by bench/late-vm.sh, not by make check): the boot time
# that volumes left to the real root add, with 0, 1 and 8 such volumes,
# against the same boot without dbdboot (dbdboot=off: no module, no
# reload, no unit), in one run. The late volumes are LVs of a volume
# group that the initramfs does not activate (as in TEST-60), each in
# /etc/fstab. Boot 1 sets them up; boots 2-3 have 8 late volumes, 4-5 one,
# 6-7 none (the root only), 8-9 dbdboot=off. The figure: when
# multi-user.target was reached, from the kernel's start (systemd-analyze:
# its kernel part includes the initramfs), under TCG.
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_root_copy
vm_disk pv 160
for b in 1 2 3 4 5 6 7 8 9; do
	extra=''
	[ "$b" -lt 8 ] || extra=dbdboot=off
	vm_boot $b --systemd --guest-initrd --append "printk.devkmsg=on${extra:+ $extra}" pv 2>/dev/null
	vm_expect_pass $b
done
ms() { # the figure the guest printed at boot B
	tr -d '\r' <"$SC_DIR/boot-$1.log" | sed -n 's/.*bench: multi-user-ms \([0-9]*\).*/\1/p' | head -n1
}
declare -A fig
for b in 2 3 4 5 6 7 8 9; do fig[$b]=$(ms $b); done
echo "multi-user.target reached (ms from the kernel's start, 2 boots each, TCG):"
echo "  without dbdboot (dbdboot=off): ${fig[8]} ${fig[9]}"
echo "  0 late volumes (root only):    ${fig[6]} ${fig[7]}"
echo "  1 late volume:                 ${fig[4]} ${fig[5]}"
echo "  8 late volumes:                ${fig[2]} ${fig[3]}"
awk -v off="${fig[8]} ${fig[9]}" -v z="${fig[6]} ${fig[7]}" -v one="${fig[4]} ${fig[5]}" \
	-v eight="${fig[2]} ${fig[3]}" 'function mean(s, a) { split(s, a); return (a[1] + a[2]) / 2 }
	BEGIN { o = mean(off)
		printf "difference of the means against dbdboot=off: 0 late %+.0f ms, 1 late %+.0f ms, 8 late %+.0f ms\n",
			mean(z) - o, mean(one) - o, mean(eight) - o }'
