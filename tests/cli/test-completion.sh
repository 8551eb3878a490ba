#!/bin/bash
# The bash completion (completion/dbdboot) in bash itself: commands, each
# command's options, and the kernels installed under --root.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/tap.sh
. "$TOP/tests/cli/tap.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/boot" "$T/lib/modules/6.1.0-7-amd64" "$T/lib/modules/6.1.0-9-amd64"
: >"$T/boot/vmlinuz-6.1.0-9-amd64"
: >"$T/boot/vmlinuz-6.1.0-10-amd64"
# shellcheck source=completion/dbdboot
. "$TOP/completion/dbdboot"

# completes WORDS...: what _dbdboot offers for the last word, one line, sorted
completes() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	_dbdboot
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
# offers WANT WORDS...: the completions of WORDS are exactly WANT
offers() {
	local want=$1 got
	shift
	got=$(completes "$@")
	[ "$got" = "$want" ] || { echo "# '$*' offered '$got', want '$want'" >&2; return 1; }
}

ok "registered for dbdboot" eval 'complete -p dbdboot | grep -q _dbdboot'
ok "commands" offers "rebuild record-shutdown" dbdboot re
ok "global options" offers "--verbose --version" dbdboot --ve
ok "a command's options" offers "--manifest-only" dbdboot inject --man
ok "after the global options" offers "--check" dbdboot -q --root "$T" sync --ch
ok "kernels under --root, from /boot and /lib/modules" \
	offers "6.1.0-10-amd64 6.1.0-7-amd64 6.1.0-9-amd64" dbdboot --root "$T" status -k ""
ok "kernels by prefix" offers "6.1.0-10-amd64" dbdboot --root "$T" rebuild --kernel 6.1.0-1
ok "kernel-hook: events, then kernels" offers "image-installed initrd-made" dbdboot kernel-hook i
ok "kernel-hook EVENT: the kernels" offers "6.1.0-9-amd64" dbdboot -r "$T" kernel-hook removed 6.1.0-9
ok "--root: folders" offers "$T/boot" dbdboot --root "$T/bo"
ok "bundle: its verbs" offers "export" dbdboot bundle ex
ok "package: its signing options" offers "--sign-cert --sign-key" dbdboot package --sign
tap_end
