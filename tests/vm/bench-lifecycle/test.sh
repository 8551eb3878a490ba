#!/bin/bash
# Benchmark (run by bench/lifecycle-vm.sh, not by make check): with systemd
# as PID 1 and 8 tracked data disks, the time dbdboot-shutdown.service adds
# to a real shutdown, and record-shutdown, sync and verdict timed in the
# guest (TCG: slower than hardware). Boot 1 sets up the 8 volumes, boot 2
# times the commands, boot 3 masks the unit (it still runs at that boot's
# end); boots 4 and 5 shut down without it. The shutdown's length: from the
# guest's verdict line (just before `systemctl reboot`) to the kernel's
# "reboot: Restarting system", read from kernel-log timestamps.
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_root_copy
disks=()
for i in 1 2 3 4 5 6 7 8; do
	vm_disk "vol$i" 16
	disks+=("vol$i")
done
for b in 1 2 3 4 5; do
	vm_boot $b --systemd --guest-initrd --append printk.devkmsg=on "${disks[@]}" 2>/dev/null
	vm_expect_pass $b
done
grep -a 'systemd-test\[[0-9]*\]: bench: ' "$SC_DIR/boot-2.log" | tr -d '\r' | sed 's/.*: bench: /in the guest: /' || true
shutdown_ms() { # from the kernel-log line the guest wrote last to the restart
	tr -d '\r' <"$SC_DIR/boot-$1.log" | awk '
		function ts() { match($0, /\[ *[0-9]+\.[0-9]+\]/); return substr($0, RSTART + 1, RLENGTH - 2) + 0 }
		/dbdtest: rebooting now/ { s = ts() }
		/reboot: Restarting system/ { e = ts() }
		END { if (s && e) printf "%.0f", (e - s) * 1000; else printf "?" }'
}
# The unit runs at the shutdowns of boots 1 to 3; boots 4 and 5 never start it.
w=() wo=()
for b in 1 2 3; do w+=("$(shutdown_ms $b)"); done
for b in 4 5; do wo+=("$(shutdown_ms $b)"); done
echo "shutdown with dbdboot-shutdown.service, 8 volumes: ${w[*]} ms (boots 1-3)"
echo "shutdown without it: ${wo[*]} ms (boots 4-5)"
awk -v a="${w[1]} ${w[2]}" -v b="${wo[*]}" 'BEGIN { split(a, x); split(b, y)
	printf "difference of the means (boots 2-3 against 4-5): %.0f ms\n", (x[1] + x[2] - y[1] - y[2]) / 2 }'
