# shellcheck shell=bash
# Shared helpers of the VM harness. Sourced, never run.
#
# Settings (environment):
#   DBDBOOT_VM_CACHE   cache of base root trees and kernels (default
#                      ~/.cache/dbdboot-vm); outside the repository
#   DBDBOOT_VM_WORK    scratch space of one run (default: a fresh directory
#                      under $DBDBOOT_VM_CACHE/runs)
#   DBDBOOT_VM_MIRROR  Debian mirror; default: the first one the host's own
#                      apt sources name
#   DBDBOOT_VM_KEEP=1  keep the work directory of a run
#   DBDBOOT_DATTOBD    the real dattobd for the real-driver scenarios: its
#                      release tarball or a DKMS source folder (with its
#                      dkms.conf); default ../shared/dattobd/dattobd-0.12.1.tar.gz
#                      beside the project

set -o pipefail

VM_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_DIR=$(dirname "$VM_LIB")
# shellcheck disable=SC2034 # used by the scripts that source this
TOP=$(cd "$VM_DIR/../.." && pwd)
# shellcheck disable=SC2034
VM_CACHE=${DBDBOOT_VM_CACHE:-${HOME:-/root}/.cache/dbdboot-vm}

# The real dattobd (DBDBOOT_DATTOBD): prints it, or why there is none (exit 1).
real_dattobd() {
	local s=${DBDBOOT_DATTOBD:-$(dirname "$TOP")/shared/dattobd/dattobd-0.12.1.tar.gz}
	if [ -f "$s" ] || [ -f "$s/dkms.conf" ]; then
		echo "$s"
		return 0
	fi
	echo "no real dattobd at '$s' (set DBDBOOT_DATTOBD to its release tarball or to a DKMS source folder with its dkms.conf)"
	return 1
}

# DIR/dattobd-VERSION from the real dattobd SRC, as the driver's own
# packages lay it out (src/, and dist/dattobd-dkms-conf as dkms.conf); prints VERSION.
real_dattobd_unpack() { # real_dattobd_unpack SRC DIR
	local src=$1 dir=$2 v top tmp
	if [ -d "$src" ]; then
		v=$(sed -n 's/^PACKAGE_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$src/dkms.conf")
		[ -n "$v" ] || die "no PACKAGE_VERSION in $src/dkms.conf"
		cp -a "$src" "$dir/dattobd-$v"
	else
		tmp=$(mktemp -d)
		tar -xzf "$src" -C "$tmp" || die "could not unpack $src"
		top=$(ls "$tmp")
		v=${top#dattobd-}
		[ -f "$tmp/$top/dist/dattobd-dkms-conf" ] || die "$src is not a dattobd release (no dist/dattobd-dkms-conf)"
		mkdir -p "$dir/dattobd-$v"
		cp -a "$tmp/$top/src/." "$dir/dattobd-$v/"
		sed "s/@MODULE_VERSION@/$v/" "$tmp/$top/dist/dattobd-dkms-conf" >"$dir/dattobd-$v/dkms.conf"
		rm -rf "$tmp"
	fi
	echo "$v"
}

log() { printf '%s vm: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'vm: error: %s\n' "$*" >&2; exit 1; }

need_root() {
	[ "$(id -u)" = 0 ] || die "the VM harness needs root (debootstrap, chroot, mounts); run it as root"
}

need_cmds() {
	local c missing=
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
	done
	[ -z "$missing" ] || die "missing commands:$missing (run: make deps)"
}

# The Debian mirror: the override, else the first http(s) URI of the host's
# apt sources (deb822 or one-line form) that serves the main archive.
debian_mirror() {
	if [ -n "${DBDBOOT_VM_MIRROR:-}" ]; then
		echo "$DBDBOOT_VM_MIRROR"
		return
	fi
	local m
	m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' |
		grep -v -- '-security' | grep -E '^https?://' | grep -i debian | head -n1)
	if [ -z "$m" ]; then
		m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; break } }' |
			grep -v -- '-security' | grep -i debian | head -n1)
	fi
	[ -n "$m" ] || die "found no Debian mirror in /etc/apt/sources*; set DBDBOOT_VM_MIRROR"
	echo "${m%/}"
}

# The security mirror that goes with a main mirror: same host, debian-security.
security_mirror() {
	local m=$1
	echo "${m%/debian}/debian-security"
}

# Mount what a chroot needs; undone by chroot_umount on every exit path.
chroot_mount() {
	local r=$1
	mount -t proc proc "$r/proc"
	mount -t sysfs sysfs "$r/sys"
	mount --rbind /dev "$r/dev"
	mount --make-rslave "$r/dev"
	mkdir -p "$r/run" "$r/tmp"
	mount -t tmpfs tmpfs "$r/run"
}

chroot_umount() {
	local r=$1 d
	for d in run dev sys proc; do
		if mountpoint -q "$r/$d"; then
			umount -R "$r/$d" 2>/dev/null || umount -R -l "$r/$d" || true
		fi
	done
}

# Run a command in a chroot with a clean, predictable environment.
in_chroot() {
	local r=$1
	shift
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive INITRD=No chroot "$r" "$@"
}

# apt-get install PKG... in the chroot ROOT, its output into LOG; once more
# after apt-get update when that fails (the base's package lists can be
# older than the mirror). 0, or not 0 when both failed.
chroot_apt_install() { # chroot_apt_install ROOT LOG PKG...
	local r=$1 log=$2
	shift 2
	local -a apt=(apt-get install -y -q --no-install-recommends -o APT::Sandbox::User=root)
	in_chroot "$r" "${apt[@]}" "$@" >"$log" 2>&1 && return 0
	log "apt-get install $* failed: once more after apt-get update"
	{ in_chroot "$r" apt-get update -q && in_chroot "$r" "${apt[@]}" "$@"; } >>"$log" 2>&1
}

# Elapsed seconds since an epoch value.
since() { echo $(($(date +%s) - $1)); }

# root_install ROOT [VAR=VALUE...]: make install into the root tree ROOT
# with a Debian system's paths (PREFIX=/usr), built in a folder of its own,
# $BUILD/prefix-usr: make check's build (PREFIX=/usr/local), which the
# unit tests run and install at the same time, is never made again with
# other paths under them. One make at a time there (check.sh prepares two
# systems at once).
root_install() {
	local r=$1
	shift
	mkdir -p "$BUILD/prefix-usr"
	flock "$BUILD/prefix-usr/.make.lock" \
		make -s -C "$TOP" install DESTDIR="$r" PREFIX=/usr BUILD="$BUILD/prefix-usr" "$@"
}
