#!/bin/sh
# dbdboot, dracut without systemd: reload dattobd's tracked volumes before
# the root is mounted. Pre-mount hooks run once the initqueue has found the
# root device (and set up LVM, LUKS, md), before the root is checked and
# mounted. The agent keeps its own deadline (dbdboot.timeout=, default 10 s)
# and reads dbdboot=off and dbdboot.debug itself; whatever it finds, the
# boot goes on.
if [ -x @AGENT@ ]; then
	@AGENT@ --phase initramfs || true
fi
