#!/bin/bash
# The documents. COPYING is the GPL version 2 that every source file's
# SPDX line and debian/copyright declare (GPL-2.0-or-later, GPL-2+; the
# test double GPL-2.0-only), and
# debian/copyright names no placeholder. The man pages under doc/: man(1)
# renders each without a warning, and no
# alternating-font line (.BR, .IR and their kin, which glue their
# arguments together) goes on with prose: two plain words side by side
# among its arguments would print as one ("a minor" as "aminor").
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/tap.sh
. "$TOP/tests/cli/tap.sh"

# glued FILE: print the alternating-font lines of FILE with two plain words
# (letters, digits, hyphens) side by side, unquoted; none is a pass.
glued() {
	awk '/^\.(BR|RB|IR|RI|BI|IB)[ \t]/ {
		line = $0; sub(/^\.[A-Z]+[ \t]+/, "", line)
		# quoted arguments: one token each, never plain words
		gsub(/"[^"]*"/, "\001", line)
		n = split(line, a, /[ \t]+/)
		for (i = 1; i < n; i++)
			if (a[i] ~ /^[A-Za-z][A-Za-z0-9-]*$/ && a[i + 1] ~ /^[A-Za-z][A-Za-z0-9-]*$/) {
				printf "%s:%d: %s\n", FILENAME, FNR, $0; break
			}
	}' "$1"
}
say() { while IFS= read -r l; do echo "#   $l"; done <<<"$1" >&2; }
fails() { ! "$@" 2>/dev/null; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
no_glue() { # no_glue FILE
	local out
	out=$(glued "$1")
	[ -z "$out" ] || { echo "# prose glued to an alternating-font line:" >&2; say "$out"; return 1; }
}
warning_free() { # warning_free FILE
	local out
	out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$1" 2>&1 >/dev/null)
	[ -z "$out" ] || { say "$out"; return 1; }
}

ok "COPYING is the GPL, version 2" grep -q '^ *Version 2, June 1991$' "$TOP/COPYING"
ok "COPYING is the whole of it" grep -q '^ *END OF TERMS AND CONDITIONS$' "$TOP/COPYING"
spdx_all() { # every C source and header says GPL-2.0-or-later (the double, a
	# kernel module, GPL-2.0-only, as the kernel it links against)
	local bad
	bad=$(cd "$TOP" && git ls-files '*.c' '*.h' | grep -v '^tests/double/' |
		xargs grep -L 'SPDX-License-Identifier: GPL-2.0-or-later')
	[ -z "$bad" ] || { say "$bad"; return 1; }
}
ok "every .c and .h file: SPDX GPL-2.0-or-later" spdx_all
ok "debian/copyright: GPL-2+" grep -q '^License: GPL-2+$' "$TOP/debian/copyright"
ok "debian/copyright: no placeholder Source" fails grep -q 'example\.\(org\|com\)' "$TOP/debian/copyright"

pages=("$TOP"/doc/*.[1-8])
ok "there are man pages" test ${#pages[@]} -gt 3
for f in "${pages[@]}"; do
	ok "${f#"$TOP"/}: no prose glued to .BR/.IR and kin" no_glue "$f"
	ok "${f#"$TOP"/}: man --warnings says nothing" warning_free "$f"
done
# The check itself can fail: a line as dbdboot(8)'s sync once had.
printf '.TH X 8\n.SH NAME\nx\n.BR dbdboot-generator (8)); a minor that is reloaded\n' >"$T/glued.8"
ok "the check finds a glued line" fails no_glue "$T/glued.8"
printf '.TH X 8\n.SH NAME\nx\n.BR dbdboot-generator (8));\na minor\n.RB ( "a b" " or " c )\n' >"$T/fine.8"
ok "the check passes its mend and quoted words" no_glue "$T/fine.8"
tap_end
