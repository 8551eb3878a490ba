#!/bin/bash
# Benchmark (run by bench/dracut.sh, not by make check), on the dracut
# system:
#   - in a chroot: dracut -f --kver against dbdboot inject --manifest-only
#     on the same initrd, and their ratio;
#   - booted: the kernel's uptime when the real root's init starts, with
#     the root tracked (dbdboot reloads it) and with an initrd built
#     without dbdboot (--omit dbdboot), for the initrd with systemd and the
#     one without; two boots of each, the difference of their means; and
#     the agent's own time (its start to its last line) in each.
# Prints "name: figure" lines.
VM_FLAVOUR=dracut
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_system_overlay
R=$SC_DIR/root
printf 'dbdboot-manifest 1\nvolume mode=incremental device=LABEL=root cow=/.datto minor=0\n' \
	>"$R/etc/dbdboot/manifest"
full=0 fast=0
for i in 1 2; do
	t=$(vm_chroot_ms dracut -f --kver "$KVER" "/boot/initrd.img-$KVER")
	echo "dracut -f --kver $KVER (run $i): $t ms"
	full=$((full + t))
done
for i in 1 2 3; do
	t=$(vm_chroot_ms dbdboot inject --manifest-only -k "$KVER")
	echo "inject --manifest-only -k $KVER, dracut initrd (run $i): $t ms"
	fast=$((fast + t))
done
echo "dracut -f / inject --manifest-only: $(awk -v a="$full" -v b="$fast" 'BEGIN { printf "%.0f", (a / 2) / (b / 3) }')x (means: $((full / 2)) ms, $((fast / 3)) ms)"
# The initrds to boot: without dbdboot, with and without systemd.
in_chroot "$R" dracut -f --kver "$KVER" --omit dbdboot /tmp/initrd-plain >>"$SC_DIR/bench.log" 2>&1 ||
	die "dracut --omit dbdboot failed, see $SC_DIR/bench.log"
in_chroot "$R" dracut -f --kver "$KVER" --omit "dbdboot systemd" /tmp/initrd-plain-nosd \
	>>"$SC_DIR/bench.log" 2>&1 || die "dracut --omit 'dbdboot systemd' failed, see $SC_DIR/bench.log"
cp "$R/tmp/initrd-plain" "$R/tmp/initrd-plain-nosd" "$SC_DIR/"
vm_overlay_umount
trap - EXIT

# The root tracked once (boot 1), then each initrd booted twice.
vm_root_overlay
vm_boot setup
vm_expect_pass setup
cp "$SC_DIR/initrd-plain" "$SC_DIR/initrd-without-systemd"
cp "$SC_DIR/initrd-plain-nosd" "$SC_DIR/initrd-without-nosystemd"
printf 'dbdboot-manifest 1\nvolume mode=incremental device=LABEL=root cow=/.datto minor=0\n' >"$SC_DIR/manifest"
vm_initrd with-systemd --manifest "$SC_DIR/manifest"
vm_initrd with-nosystemd --from "$SYS/initrd-nosystemd" --manifest "$SC_DIR/manifest"
for init in systemd nosystemd; do
	for kind in with without; do
		sum=0
		for i in 1 2; do
			b=$kind-$init-$i
			vm_boot "$b" --initrd "$kind-$init" 2>/dev/null
			vm_expect_pass "$b"
			up=$(vm_root_init_ms "$b")
			agent=$(tr -d '\r' <"$SC_DIR/boot-$b.log" | sed -n 's/.*dbdboot: [0-9]* of [0-9]* volumes reloaded.* in \([0-9]*\) ms$/\1/p')
			echo "boot $b: real root's init at $up ms${agent:+, the agent took $agent ms}"
			sum=$((sum + up))
		done
		eval "mean_$kind=$((sum / 2))"
	done
	# shellcheck disable=SC2154 # set by the eval above
	echo "dracut ($init in the initrd): dbdboot adds $((mean_with - mean_without)) ms to the time to the real root (means: $mean_with ms with, $mean_without ms without)"
done
