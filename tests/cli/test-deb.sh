#!/bin/bash
# make deb builds the Debian package with dpkg-buildpackage; lintian finds
# no error in it; it holds exactly what make install puts in place (with
# debian/rules' paths), the kernel hooks as its only conffiles, and it
# activates the update-initramfs trigger. tests/vm/TEST-80-deb installs,
# upgrades and removes it with apt in the VM.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/tap.sh
. "$TOP/tests/cli/tap.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
VERSION=$(sed -n 's/^VERSION := //p' "$TOP/Makefile")
DEB=$T/b/deb/dbdboot_${VERSION}_$(dpkg --print-architecture).deb

ok "make deb" sh -c "make -s -C '$TOP' BUILD='$T/b' deb >'$T/deb.log' 2>&1"
ok "it made $(basename "$DEB")" test -f "$DEB"
[ -f "$DEB" ] || { tail -n 20 "$T/deb.log" | sed 's/^/# /'; tap_end; exit; }
ok "debian/changelog and the Makefile give the same version" \
	test "$(dpkg-parsechangelog -l "$TOP/debian/changelog" -S Version)" = "$VERSION"

lintian --pedantic -I "$DEB" >"$T/lintian.log" 2>/dev/null
sed 's/^/# lintian: /' "$T/lintian.log"
ok "lintian: no error" sh -c "! grep -q '^E:' '$T/lintian.log'"
ok "lintian: no warning" sh -c "! grep -q '^W:' '$T/lintian.log'"

# The package's files against make install's with the paths debian/rules
# gives (the docs are debhelper's).
listing() { sed -n 's/^PATHS := //;T;:a;/\\$/{N;s/\\\n//;ba};p' "$TOP/debian/rules"; }
read -ra paths < <(listing | sed 's/BUILD=[^ ]*//')
make -s -C "$TOP" BUILD="$T/b2" DESTDIR="$T/inst" "${paths[@]}" install >"$T/install.log" 2>&1
(cd "$T/inst" && find . ! -type d | grep -v '^./usr/share/doc/' | sed 's/\.[58]$/&.gz/' | sort) >"$T/want"
dpkg-deb -c "$DEB" | awk '$1 !~ /^d/ {print $6}' | grep -v '^./usr/share/doc/' |
	grep -v '^./usr/share/lintian/' | sort >"$T/got"
ok "the package holds what make install installs" diff -u "$T/want" "$T/got"
dpkg-deb -e "$DEB" "$T/ctl"
ok "its conffiles are the kernel hooks" diff -u <(grep '^./etc/kernel/' "$T/want" | sed 's/^\.//') \
	<(sort "$T/ctl/conffiles")
ok "it activates the update-initramfs trigger" grep -qx 'activate-noawait update-initramfs' "$T/ctl/triggers"
ok "it enables the shutdown record and the verdict" sh -c \
	"grep -q \"enable 'dbdboot-shutdown.service'\" '$T/ctl/postinst' &&
	 grep -q \"enable 'dbdboot-verdict.service'\" '$T/ctl/postinst'"
ok "it does not start the verdict at install" sh -c "! grep -q \"start 'dbdboot-verdict\" '$T/ctl/postinst'"
ok "purge removes the records" grep -q 'rm -rf /var/lib/dbdboot' "$T/ctl/postrm"
ok "the agent is the stripped static one" sh -c \
	"dpkg-deb -x '$DEB' '$T/x' && file '$T/x/usr/lib/dbdboot/dbdboot-early' | grep -q 'statically linked.*stripped'"
tap_end
