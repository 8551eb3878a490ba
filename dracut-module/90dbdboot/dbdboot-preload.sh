#!/bin/sh
# dbdboot, dracut without systemd: start loading dattobd before udev starts
# (a pre-udev hook), so that the load runs while the disks are found; the
# agent's pre-mount hook waits for it instead of loading the module once
# the root device is there. The agent returns at once (the load goes on in
# the background) and reads dbdboot=off itself: with it, nothing is
# loaded. Whatever happens, the boot goes on.
if [ -x @AGENT@ ]; then
	@AGENT@ --preload || true
fi
