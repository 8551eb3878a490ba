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
#   deb_flavour                     sets FL (cloud-amd64) and ABI (6.1.0-NN on
#                                   Debian 12, 6.12.NNN+deb13 on 13) of KVER
#   deb_metas PKG...                Debian's metapackages PKG (linux-image-FL,
#                                   ...) downloaded; sets REAL, their folder
#   meta_deb PKG K VERSION OUT      REAL's PKG repacked at VERSION, depending
#                                   on K's packages instead, into OUT
#   repo_key NAME                   a signing key for the repository (in
#                                   $SC_DIR/gnupg), its public part as
#                                   $R/usr/share/keyrings/NAME.gpg
#   repo_publish DIR                Packages and Release (Origin
#                                   dbdboot-test) of the .debs in $R/DIR,
#                                   and InRelease once repo_key made a key
#   uu_run NAME                     unattended-upgrade in the chroot; dpkg's
#                                   output (the hooks') in $SC_DIR/apt-NAME.log
#   uu_setup                        unattended-upgrades installed, set to
#                                   take what that origin offers

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

deb_flavour() {
	FL=$(echo "$KVER" | sed -E 's/^[0-9.]+(-[0-9]+)?(\+[a-z0-9]+)?-//')
	# shellcheck disable=SC2034 # the scenarios' (TEST-81)
	ABI=${KVER%-"$FL"}
}

deb_metas() { REAL=$(vm_debs meta "$@"); }

meta_deb() { # meta_deb PKG K VERSION OUT
	local dir=$SC_DIR/meta-$1-$2
	rm -rf "$dir"
	dpkg-deb -R "$(ls "$REAL/${1}_"*.deb)" "$dir"
	sed -i -e "s/^Version: .*/Version: $3/" \
		-e "/^\(Depends\|Provides\):/s/[0-9][0-9.]*\(-[0-9][0-9]*\)\{0,1\}\(+deb[0-9]*\)\{0,1\}-$FL/$2/g" \
		-e "/^Depends:/s/(= [^)]*)/(= $3)/g" "$dir/DEBIAN/control"
	dpkg-deb -b "$dir" "$4/${1}_${3}_amd64.deb" >/dev/null
}

repo_publish() { # repo_publish DIR
	local d=$R/$1
	(cd "$d" && dpkg-scanpackages -m . >Packages 2>"$SC_DIR/scan.log") ||
		die "dpkg-scanpackages failed, see $SC_DIR/scan.log"
	{
		printf 'Origin: dbdboot-test\nLabel: dbdboot-test\nSuite: dbdboot-test\nCodename: dbdboot-test\n'
		printf 'Architectures: amd64\nDate: %s\nSHA256:\n' "$(LC_ALL=C date -u -R)"
		printf ' %s %s Packages\n' "$(sha256sum <"$d/Packages" | cut -d' ' -f1)" "$(stat -c %s "$d/Packages")"
	} >"$d/Release"
	[ -n "${REPO_GNUPGHOME:-}" ] || return 0
	rm -f "$d/InRelease"
	GNUPGHOME=$REPO_GNUPGHOME gpg -q --batch --yes --clearsign -o "$d/InRelease" "$d/Release" ||
		die "gpg could not sign $1's Release"
	# No gpg-agent left behind.
	GNUPGHOME=$REPO_GNUPGHOME gpgconf --kill gpg-agent
}

repo_key() { # repo_key NAME
	REPO_GNUPGHOME=$SC_DIR/gnupg
	rm -rf "$REPO_GNUPGHOME"
	mkdir -p "$R/usr/share/keyrings"
	mkdir -m 700 "$REPO_GNUPGHOME"
	if ! GNUPGHOME=$REPO_GNUPGHOME gpg -q --batch --passphrase '' \
		--quick-gen-key "Fleet archive <ops@example.org>" ed25519 sign never 2>"$SC_DIR/gpg.log"; then
		die "gpg could not make the repository's key, see $SC_DIR/gpg.log"
	fi
	GNUPGHOME=$REPO_GNUPGHOME gpg -q --batch --export >"$R/usr/share/keyrings/$1.gpg" ||
		die "gpg could not export the repository's key, see $SC_DIR/gpg.log"
}

uu_run() { # uu_run NAME
	local log=$R/var/log/unattended-upgrades/unattended-upgrades-dpkg.log
	rm -f "$log"
	vm_pkg unattended-upgrade -v >"$SC_DIR/uu-$1.log" 2>&1 ||
		{ tail -n 30 "$SC_DIR/uu-$1.log" >&2; die "unattended-upgrade failed, see $SC_DIR/uu-$1.log"; }
	cp "$log" "$SC_DIR/apt-$1.log" 2>/dev/null || die "unattended-upgrade ran no dpkg, see $SC_DIR/uu-$1.log"
	grep 'dbdboot\|update-initramfs' "$SC_DIR/apt-$1.log" | sed "s/^/  $1| /" >&2 || true
}

uu_setup() {
	vm_apt_install unattended-upgrades
	cat >"$R/etc/apt/apt.conf.d/52dbdboot-test" <<'EOF'
Unattended-Upgrade::Origins-Pattern { "origin=dbdboot-test"; };
Unattended-Upgrade::OnlyOnACPower "false";
EOF
}
