#!/bin/bash
# Benchmark (run by bench/lifecycle-vm.sh, not by make check): with systemd
# as PID 1 and 8 tracked data disks, the time dbdboot-shutdown.service adds
# to a real shutdown, and record-shutdown, sync and verdict timed in the
# guest (TCG: slower than hardware). Boot 1 sets up the 8 volumes and
# reboots with the unit enabled, boot 2 times the commands and reboots with
# the unit masked, boot 3 only reboots. The shutdown's length: from the
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
for b in 1 2 3; do
	vm_boot $b --systemd --guest-initrd --append printk.devkmsg=on "${disks[@]}" 2>/dev/null
	vm_expect_pass $b
done
grep -a '^bench:' "$SC_DIR/boot-2.log" | tr -d '\r' | sed 's/^bench: //'
shutdown_ms() { # from the kernel-log line the guest wrote last to the restart
	tr -d '\r' <"$SC_DIR/boot-$1.log" | awk '
		function ts() { match($0, /\[ *[0-9]+\.[0-9]+\]/); return substr($0, RSTART + 1, RLENGTH - 2) + 0 }
		/dbdtest: rebooting now/ { s = ts() }
		/reboot: Restarting system/ { e = ts() }
		END { if (s && e) printf "%.0f", (e - s) * 1000; else printf "?" }'
}
# The unit runs at the shutdowns of boots 1 and 2 (masked in boot 2, it
# is still stopped at that boot's end); boot 3 never starts it.
with1=$(shutdown_ms 1)
with2=$(shutdown_ms 2)
without=$(shutdown_ms 3)
echo "shutdown with dbdboot-shutdown.service, 8 volumes: $with1 ms, $with2 ms (boots 1, 2)"
echo "shutdown without it: $without ms (boot 3); difference: $((with2 - without)) ms"
