# shellcheck shell=bash
# Helpers of the scenarios that run dbdboot as its Debian package, in a
# chroot of the prepared system (TEST-80-deb, TEST-81-apt-kernel). Sourced
# after vm.sh.
#
#   deb_build                       make deb into $SC_DIR/b; sets DEB (the
#                                   .deb) and VERSION (the Makefile's)
#   deb_system                      vm_system_overlay, with make install's
#                                   dbdboot removed (a system that never had
#                                   dbdboot), $DEB in $R/tmp/debs; sets R
#   apt_run NAME APT-ARGS...        apt-get -y APT-ARGS in the chroot as a
#                                   package installation runs it (no
#                                   INITRD=No), its output in
#                                   $SC_DIR/apt-NAME.log; dies when it fails
#   expect_builds NAME N            the apt run NAME rebuilt initrds N times

deb_build() {
	VERSION=$(sed -n 's/^VERSION := //p' "$TOP/Makefile")
	make -s -C "$TOP" deb BUILD="$SC_DIR/b" >"$SC_DIR/deb.log" 2>&1 || die "make deb failed, see $SC_DIR/deb.log"
	DEB=$(ls "$SC_DIR/b/deb/dbdboot_${VERSION}_"*.deb)
}

deb_system() {
	vm_system_overlay
	R=$SC_DIR/root
	make -s -C "$TOP" uninstall DESTDIR="$R" PREFIX=/usr BUILD="$BUILD" >"$SC_DIR/make.log" 2>&1 ||
		die "make uninstall failed, see $SC_DIR/make.log"
	in_chroot "$R" systemctl disable dbdboot-shutdown.service dbdboot-verdict.service >>"$SC_DIR/make.log" 2>&1
	rm -rf "$R/etc/dbdboot" "$R/var/lib/dbdboot"
	mkdir -p "$R/tmp/debs"
	cp "$DEB" "$R/tmp/debs/"
}

apt_run() { # apt_run NAME APT-ARGS...
	local name=$1
	shift
	vm_pkg apt-get -y -q -o APT::Sandbox::User=root "$@" \
		>"$SC_DIR/apt-$name.log" 2>&1 || { tail -n 30 "$SC_DIR/apt-$name.log" >&2; die "apt-get $* failed"; }
	grep 'dbdboot\|update-initramfs' "$SC_DIR/apt-$name.log" | sed "s/^/  $name| /" >&2 || true
}

initrd_builds() { grep -c '^update-initramfs: Generating /boot/initrd.img-' "$SC_DIR/apt-$1.log"; }

expect_builds() { # expect_builds NAME N
	[ "$(initrd_builds "$1")" = "$2" ] ||
		die "$1: the initrds were built $(initrd_builds "$1") times, want $2 (see $SC_DIR/apt-$1.log)"
}
