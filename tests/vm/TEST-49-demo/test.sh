#!/bin/bash
# TEST-49-demo: the main job, shown on a throwaway VM (make demo runs this
# scenario alone; make check runs it too, so that the README's command
# stays true). A Debian 12 system
# with systemd as PID 1 and dbdboot installed, the test double standing in
# for dattobd. Boot 1: the backup agent's calls start tracking the root and
# a data disk, `dbdboot sync` writes them down, a clean reboot records the
# shutdown. Boot 2: dbdboot-early reloads both before their mounts, the
# verdict says resumed with the same uuid and seqid, `dbdboot status`; then
# a crash during writes. Boot 3: the verdict says chain-broken,
# unclean-shutdown. What the guest prints for people (DEMO| lines) and a
# few lines of the serial log are shown; the whole logs stay in $SC_DIR.
# The guest checks what it shows (lib.sh's expect_*): a story that is not
# true fails the boot.
# vm-cost: 80 (seconds, for tests/check.sh: the longest scenarios start first)
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

show() { # show BOOT: what the guest printed for people
	grep -a '^DEMO|' "$SC_DIR/boot-$1.log" | tr -d '\r' | cut -c6-
}
# The serial log's lines that match the extended regex RE, without the
# kernel's timestamp or the unit's name before "dbdboot:".
log_lines() { # log_lines BOOT RE
	grep -aE "$2" "$SC_DIR/boot-$1.log" | tr -d '\r' | sed 's/.*dbdboot\(\[[0-9]*\]\)*: /    dbdboot: /'
}
boot() { # boot N [vm_boot options]: boot; if it failed, what it showed and why
	local n=$1
	shift
	vm_boot "$n" --systemd --guest-initrd "$@" data 2>"$SC_DIR/boot-$n.host"
	if ! (vm_expect_pass "$n") 2>>"$SC_DIR/boot-$n.host"; then
		show "$n"
		tail -n1 "$SC_DIR/boot-$n.host" >&2
		die "the demo stopped at boot $n: its serial log is $SC_DIR/boot-$n.log"
	fi
}

echo "== dbdboot demo: Debian 12, kernel $KVER, in QEMU (TCG), systemd as PID 1"
echo "   /dev/vda the root, /dev/vdb a data disk (/data); the dattobd test double stands in"
echo "   for dattobd (same ioctls, same /proc/datto-info; tests/double/README.md)"
vm_root_copy
vm_disk data 64
boot 1
echo
echo "== boot 1: the backup agent sets up tracking; dbdboot writes it down"
show 1
echo "    ... the shutdown unit, on the way down:"
log_lines 1 'dbdboot(\[[0-9]+\])?: (shutdown recorded|the root was remounted)'

boot 2 --kill-on DBDTEST-WRITING
echo
echo "== boot 2: dbdboot-early reloaded both volumes in the initramfs, before their mounts"
log_lines 2 '\] dbdboot: [0-9]+ of [0-9]+ volumes'
show 2

boot 3
echo
echo "== boot 3: after the crash"
log_lines 3 '\] dbdboot: [0-9]+ of [0-9]+ volumes'
show 3
echo
echo "== result: resumed after the clean reboot, chain-broken after the crash: the backup"
echo "   agent takes an incremental backup only when dbdboot says resumed"
echo "   (serial logs in $SC_DIR)"
vm_done "demo: root and data disk resumed after a clean reboot, chain-broken after a crash (3 boots)"
