#!/bin/sh
# Install the Debian 12 packages that building dbdboot and running all of its
# tests need. Run as root; safe to run again.
set -eu
PKGS="build-essential clang man-db python3 libclang-rt-14-dev libcmocka-dev libkmod-dev musl-tools
 pkg-config shellcheck qemu-system-x86 qemu-utils debootstrap e2fsprogs dpkg-dev
 cpio zstd xz-utils lz4 kmod util-linux procps xfsprogs socat debhelper lintian file
 zlib1g-dev liblzma-dev liblz4-dev libzstd-dev libbz2-dev bzip2 liblzo2-dev lzop
 linux-kbuild-6.1 openssl gnupg"
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: run as root (apt-get install)" >&2
	exit 1
fi
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
