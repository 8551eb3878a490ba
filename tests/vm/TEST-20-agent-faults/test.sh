#!/bin/bash
# TEST-20-agent-faults: with each fault the boot still reaches the real
# root within the agent's deadline plus 10 s, and the report names the
# fault. One boot per fault, on the unchanged system image.
# shellcheck source=tests/vm/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

manifest() { # manifest NAME LINES...
	local f=$SC_DIR/manifest-$1
	shift
	printf 'dbdboot-manifest 1\n' >"$f"
	printf '%s\n' "$@" >>"$f"
}
ROOT_LINE="volume mode=incremental device=LABEL=root cow=/.datto minor=0"
MODPATH=$(grep -m1 '/dattobd\.ko' "$SYS/initrd.list")
[ -n "$MODPATH" ] || die "dattobd.ko is not in the system's initrd list"

# dbdboot=off: nothing done, said so.
manifest root "$ROOT_LINE"
vm_initrd root --manifest "$SC_DIR/manifest-root"
vm_boot off --initrd root --append dbdboot=off
vm_expect_pass off

# The module missing from the initrd.
vm_initrd no-module --without '*/dattobd.ko' --manifest "$SC_DIR/manifest-root"
vm_boot module-missing --initrd no-module
vm_expect_pass module-missing

# A module built for the other kernel ABI in its place.
vm_initrd wrong-kernel --manifest "$SC_DIR/manifest-root" --file "$SYS/dattobd-$OLD_KVER.ko" "$MODPATH"
vm_boot wrong-kernel --initrd wrong-kernel
vm_expect_pass wrong-kernel

# A corrupt manifest: binary data in its place (fixed bytes, not random:
# the guest's check must see the same input on every run).
head -c 3000 "$SYS/dattobd-$OLD_KVER.ko" >"$SC_DIR/manifest-corrupt"
vm_initrd corrupt --manifest "$SC_DIR/manifest-corrupt"
vm_boot corrupt-manifest --initrd corrupt
vm_expect_pass corrupt-manifest

# A device that never appears, and a minor out of range, in one manifest.
manifest missing "volume mode=incremental device=LABEL=never-there cow=/.datto minor=1" \
	"volume mode=incremental device=LABEL=root cow=/.datto minor=30"
vm_initrd missing --manifest "$SC_DIR/manifest-missing"
vm_boot missing-device --initrd missing --append dbdboot.timeout=3
vm_expect_pass missing-device

# A device that appears while the agent waits: plugged in when it starts.
vm_disk late 32
manifest late "volume mode=incremental device=LABEL=late cow=/.datto minor=2"
vm_initrd late --manifest "$SC_DIR/manifest-late"
vm_boot late-device --initrd late --hotplug-on "dbdboot: dbdboot-early" late
vm_expect_pass late-device

# The reload ioctl hangs in the driver for 600 s.
vm_boot hung-ioctl --initrd root --append "dbdboot.timeout=3 dattobd.hang_ioctl=3 dattobd.hang_secs=600"
vm_expect_pass hung-ioctl
vm_expect_log hung-ioctl "fault test: reload-incremental sleeps 600 s"

vm_done "agent faults: 7 boots, each reached the root in time and named the fault"
