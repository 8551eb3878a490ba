#!/bin/bash
# Benchmark (run by bench/boot-cost.sh, not by make check): what loading
# dattobd and reloading the tracked root costs the boot, the real dattobd
# 0.12.1 on the same VM and kernel, booted in each way with the same root:
#   none      an initrd with neither dbdboot nor dattobd's own pieces
#   dattobd   dattobd's own initramfs pieces (its release's dist/: a script
#             that loads the module, settles udev, mounts the root read-only
#             and runs the reload scripts with dbdctl), no dbdboot
#   dbdboot   dbdboot's (the module's load started early, the agent)
#   dbdboot-agentload  (initramfs-tools only) dbdboot without its init-top
#             script: the agent loads the module itself, as before the
#             early load
# each built by the system's own generator in a chroot of the tracked
# root (mkinitramfs; dracut with systemd in the initrd, and without), and
# booted BENCH_BOOTS times (default 8), the ways in turn. Prints the time to
# the real root's init (median, min, max), what each way adds to none's
# median, the ratio, and dbdboot's agent's own figures.
# VM_FLAVOUR: real (initramfs-tools, default) or real-dracut.
VM_FLAVOUR=${VM_FLAVOUR:-real}
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

N=${BENCH_BOOTS:-8}
SRC=$(real_dattobd) || die "$SRC"
[ -f "$SRC" ] || die "bench-boot needs dattobd's release tarball (DBDBOOT_DATTOBD), not a source folder"
R=$SC_DIR/root
D=$SC_DIR/dattobd
mkdir -p "$D"
tar -xzf "$SRC" -C "$D" --strip-components=1
# dbdctl, dattobd's own client, linked with libc as its packages build it
# (the hook copies its libraries); the host and the guest are both Debian
# 12 or both 13. Built static, it failed in the initramfs: it reads errno
# after strtol without clearing it first, and static glibc's start left
# EAGAIN there ("error interpreting reload incremental parameters").
gcc -O2 -I"$D/lib" -I"$D/src" -o "$D/dbdctl" "$D/app/dbdctl.c" "$D/lib/libdattobd.c" \
	>"$SC_DIR/dbdctl.log" 2>&1 || die "could not build dbdctl, see $SC_DIR/dbdctl.log"

vm_root_copy
vm_boot setup
vm_expect_pass setup

# The initrds, made in a chroot of the tracked root.
gen() { # gen OUT [ARGS]: the generator's initrd of KVER into $SC_DIR/initrd-OUT
	local out=$1
	shift
	if [ "$VM_FLAVOUR" = real-dracut ]; then
		in_chroot "$R" dracut -f --kver "$KVER" "$@" "/tmp/$out" >>"$SC_DIR/gen.log" 2>&1
	else
		in_chroot "$R" mkinitramfs -o "/tmp/$out" "$KVER" >>"$SC_DIR/gen.log" 2>&1
	fi || die "the initrd '$out' could not be made, see $SC_DIR/gen.log"
	mv "$R/tmp/$out" "$SC_DIR/initrd-$out"
}
IT=$R/usr/share/initramfs-tools
vm_root_mount
install -m 0755 "$D/dbdctl" "$R/usr/bin/dbdctl"
install -D -m 0755 "$D/dist/initramfs/reload" "$R/var/lib/datto/dla/reload"
if [ "$VM_FLAVOUR" = real-dracut ]; then
	WAYS="none dattobd dbdboot none-nosd dattobd-nosd dbdboot-nosd"
	gen dbdboot
	gen dbdboot-nosd --omit systemd
	gen none --omit dbdboot
	gen none-nosd --omit "dbdboot systemd"
	# dattobd's dracut module is in every initrd once it is there (its
	# check() says yes): put in only now.
	mkdir -p "$R/usr/lib/dracut/modules.d/90dattobd"
	cp "$D/dist/initramfs/dracut/"* "$R/usr/lib/dracut/modules.d/90dattobd/"
	gen dattobd --omit dbdboot --add dattobd
	gen dattobd-nosd --omit "dbdboot systemd" --add dattobd
else
	WAYS="none dattobd dbdboot dbdboot-agentload"
	gen dbdboot
	mkdir -p "$SC_DIR/aside"
	mv "$IT/scripts/init-top/dbdboot" "$SC_DIR/aside/init-top"
	gen dbdboot-agentload
	mv "$IT/hooks/dbdboot" "$SC_DIR/aside/hook"
	mv "$IT/scripts/local-premount/dbdboot" "$SC_DIR/aside/local-premount"
	gen none
	install -m 0755 "$D/dist/initramfs/initramfs-tools/hooks/dattobd" "$IT/hooks/dattobd"
	install -D -m 0755 "$D/dist/initramfs/initramfs-tools/scripts/dattobd" "$IT/scripts/init-premount/dattobd"
	gen dattobd
fi
vm_overlay_umount
trap - EXIT
mv "$SC_DIR/root.img" "$SC_DIR/tracked.img"

# One boot first, not counted: the host's caches of the images warm.
vm_boot warmup --image "$SC_DIR/tracked.img" --initrd none --kill-on "DBDBOOT-TEST: PASS" 2>/dev/null
for i in $(seq 1 "$N"); do
	for w in $WAYS; do
		b=$w-$i
		vm_boot "$b" --image "$SC_DIR/tracked.img" --initrd "$w" --kill-on "DBDBOOT-TEST: PASS" 2>/dev/null
		vm_expect_pass "$b"
		vm_root_init_ms "$b" >>"$SC_DIR/ms-$w"
		# The same less the kernel's own boot (to "Run /init"), which the
		# initrd does not change and whose spread is half of the whole's.
		tr -d '\r' <"$SC_DIR/boot-$b.log" | awk -v t="$(vm_root_init_ms "$b")" \
			'/\] Run \/init as init process/ { sub(/^\[ */, ""); printf "%d\n", t - $1 * 1000; exit }' \
			>>"$SC_DIR/initramfs-$w"
		tr -d '\r' <"$SC_DIR/boot-$b.log" | sed -n 's/^bench: agent //p' >>"$SC_DIR/agent-$w"
	done
done

stats() { # stats FILE: median min max of its numbers
	sort -n "$1" | awk '{ v[NR] = $1 } END { printf "%d %d %d\n", v[int((NR + 1) / 2)], v[1], v[NR] }'
}
gen_name=initramfs-tools
[ "$VM_FLAVOUR" = real-dracut ] && gen_name=dracut
echo "boot-cost: $gen_name, kernel $KVER, real dattobd, QEMU TCG, $N boots of each way, in turn"
declare -A add iadd
for w in $WAYS; do
	read -r med min max < <(stats "$SC_DIR/ms-$w")
	none=none
	case $w in *-nosd) none="none-nosd" ;; esac
	base=$(stats "$SC_DIR/ms-$none" | cut -d' ' -f1)
	add[$w]=$((med - base))
	echo "boot-cost: $w: real root's init at $med ms (median; min $min, max $max), adds ${add[$w]} ms to $none's"
	read -r imed imin imax < <(stats "$SC_DIR/initramfs-$w")
	iadd[$w]=$((imed - $(stats "$SC_DIR/initramfs-$none" | cut -d' ' -f1)))
	echo "boot-cost: $w: from the initramfs's start: $imed ms (median; min $imin, max $imax), adds ${iadd[$w]} ms to $none's"
	[ -s "$SC_DIR/agent-$w" ] || continue
	# Medians of the agent's figures: all its time, the load's, when the
	# load started against the agent's start, the agent's wait for it.
	col() { awk -v k="$1" '{ print $k }' "$SC_DIR/agent-$w" >"$SC_DIR/col"; stats "$SC_DIR/col" | cut -d' ' -f1; }
	echo "boot-cost: $w: the agent took $(col 1) ms, $(col 5) ms of them waiting for the module; its load took $(col 2) ms, started $((-$(col 4))) ms before the agent (medians)"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) print "dbdboot adds nothing measurable (<= 0 ms)"; else printf "%.1fx\n", a / b }'; }
echo "boot-cost: what dattobd's script adds / what dbdboot adds: $(ratio "${add[dattobd]}" "${add[dbdboot]}") (from the initramfs's start: $(ratio "${iadd[dattobd]}" "${iadd[dbdboot]}"))"
if [ "$VM_FLAVOUR" = real-dracut ]; then
	echo "boot-cost: the same without systemd in the initrd: $(ratio "${add[dattobd-nosd]}" "${add[dbdboot-nosd]}") (from the initramfs's start: $(ratio "${iadd[dattobd-nosd]}" "${iadd[dbdboot-nosd]}"))"
else
	echo "boot-cost: the early load saves $((add[dbdboot-agentload] - add[dbdboot])) ms against the agent's own load ($((iadd[dbdboot-agentload] - iadd[dbdboot])) ms from the initramfs's start)"
fi
vm_done "boot cost ($gen_name): $N boots of each of: $WAYS"
