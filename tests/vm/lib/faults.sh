# shellcheck shell=bash
# The agent's faults that touch only the initrd and the command line, one
# boot each, for TEST-20 (initramfs-tools) and TEST-74 (dracut); their
# guest checks are TEST-20's guest.sh. Sourced after vm.sh.
#
#   fault_manifest NAME LINES...    $SC_DIR/manifest-NAME with those lines
#   fault_off                       dbdboot=off (makes the "root" initrd the
#                                   others use: the root tracked)
#   fault_module_missing            dattobd.ko taken out of the initrd
#   fault_corrupt_manifest          binary data as the manifest
#   fault_hung_ioctl                the reload ioctl hangs for 600 s

fault_manifest() { # fault_manifest NAME LINES...
	local f=$SC_DIR/manifest-$1
	shift
	printf 'dbdboot-manifest 1\n' >"$f"
	printf '%s\n' "$@" >>"$f"
}

fault_off() {
	fault_manifest root "volume mode=incremental device=LABEL=root cow=/.datto minor=0"
	vm_initrd root --manifest "$SC_DIR/manifest-root"
	vm_boot off --initrd root --append dbdboot=off
	vm_expect_pass off
}

fault_module_missing() {
	vm_initrd no-module --without '*/dattobd.ko' --manifest "$SC_DIR/manifest-root"
	vm_boot module-missing --initrd no-module
	vm_expect_pass module-missing
}

# Fixed bytes, not random: the guest's check must see the same input on
# every run.
fault_corrupt_manifest() {
	head -c 3000 "$SYS/dattobd-$OLD_KVER.ko" >"$SC_DIR/manifest-corrupt"
	vm_initrd corrupt --manifest "$SC_DIR/manifest-corrupt"
	vm_boot corrupt-manifest --initrd corrupt
	vm_expect_pass corrupt-manifest
}

fault_hung_ioctl() {
	vm_boot hung-ioctl --initrd root --append "dbdboot.timeout=3 dattobd.hang_ioctl=3 dattobd.hang_secs=600"
	vm_expect_pass hung-ioctl
	vm_expect_log hung-ioctl "fault test: reload-incremental sleeps 600 s"
}
