#!/bin/sh
# Guest side of bench-dracut: boot "setup" tracks the root; every other
# boot prints when the real root's init started (the kernel's uptime) and
# leaves the root as it found it.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

say_root_init_ms
case $1 in
setup)
	mount -o remount,rw /
	track /dev/vda / 0
	sync
	mount -o remount,ro /
	;;
*) ;;
esac
