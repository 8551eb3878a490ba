#!/bin/bash
# dracut module of dbdboot: puts dattobd, dbdboot-early and the manifest of
# tracked volumes into the initrd; starts the module's load before udev
# looks for the disks, and runs the agent after the root device is there and
# before the root is checked and mounted: as units when systemd is in the
# initrd, as pre-udev and pre-mount hooks when it is not.
# One policy for what is missing (a failed initrd build can leave a new
# kernel unbootable), as in the initramfs-tools hook: never fail dracut;
# warn loudly, build the initrd without it; `dbdboot status` and the kernel
# hooks report it.
#   - the agent missing: a loud warning; no agent, no boot step;
#   - no dattobd for this kernel: a loud warning (the agent reports the
#     module missing at boot);
#   - no manifest: a warning; nothing will be reloaded.
# The paths of the agent and the manifest are set by `make install`; DBDBOOT_AGENT and
# DBDBOOT_MANIFEST override them (the tests).
# shellcheck disable=SC2154 # dracut sets moddir, initdir, kernel, systemdsystemunitdir

dbdboot_agent() { echo "${DBDBOOT_AGENT:-@AGENT@}"; }
dbdboot_manifest() { echo "${DBDBOOT_MANIFEST:-@MANIFEST@}"; }

dbdboot_loud() { # dbdboot_loud LINE...: a warning block no one can miss
	local line
	dwarn "dbdboot: ******************************************************************"
	for line in "$@"; do
		dwarn "dbdboot: $line"
	done
	dwarn "dbdboot: ******************************************************************"
}

# called by dracut: always wanted (with or without --hostonly), as the
# tracked volumes must be reloaded whatever the initrd is built for.
check() {
	return 0
}

# called by dracut
depends() {
	return 0
}

# called by dracut
installkernel() {
	# hostonly would install the module only if it is loaded now; it is
	# needed at boot whether or not it is.
	hostonly='' instmods dattobd
	if [ -z "$(find "${initdir}/lib/modules/${kernel}" "${initdir}/usr/lib/modules/${kernel}" \
		-name 'dattobd.ko*' 2>/dev/null)" ]; then
		dbdboot_loud "no dattobd module for kernel ${kernel}: at boot NO tracked volume" \
			"will be reloaded and every one will need a full backup." \
			"Install dattobd-modules-${kernel} (a fleet's package: it updates the initrd)," \
			"or build it (dbdboot rebuild -k ${kernel}), then dracut -f --kver ${kernel}"
	fi
	return 0
}

# called by dracut
install() {
	local agent manifest
	agent=$(dbdboot_agent)
	manifest=$(dbdboot_manifest)
	if [ -f "$dracutsysrootdir$manifest" ]; then
		inst_simple "$manifest" "@MANIFEST@"
	else
		dwarn "dbdboot: no manifest at $manifest: no volume will be reloaded at boot"
	fi
	if [ ! -x "$dracutsysrootdir$agent" ]; then
		dbdboot_loud "the early agent $agent is missing or not executable: this initrd" \
			"has none, and at boot NO tracked volume will be reloaded (each will" \
			"need a full backup). Reinstall dbdboot (make install), then" \
			"dracut -f --kver ${kernel}; dbdboot status shows what an initrd lacks."
		return 0
	fi
	inst_simple "$agent" "@AGENT@"
	# The module's load starts early (dbdboot-preload), the reload once the
	# root device is there (dbdboot-early).
	if dracut_module_included "systemd"; then
		inst_simple "$moddir/dbdboot-preload.service" "$systemdsystemunitdir/dbdboot-preload.service"
		inst_simple "$moddir/dbdboot-early.service" "$systemdsystemunitdir/dbdboot-early.service"
		mkdir -p "${initdir}$systemdsystemunitdir/initrd.target.wants" \
			"${initdir}$systemdsystemunitdir/sysinit.target.wants"
		ln -sf ../dbdboot-preload.service \
			"${initdir}$systemdsystemunitdir/sysinit.target.wants/dbdboot-preload.service"
		ln -sf ../dbdboot-early.service \
			"${initdir}$systemdsystemunitdir/initrd.target.wants/dbdboot-early.service"
	else
		inst_hook pre-udev 10 "$moddir/dbdboot-preload.sh"
		inst_hook pre-mount 10 "$moddir/dbdboot-pre-mount.sh"
	fi
	return 0
}
