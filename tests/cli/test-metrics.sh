#!/bin/bash
# dbdboot metrics and the readiness written after the commands that can
# change it: node_exporter's textfile folder (given, from node_exporter's
# Debian defaults file), the file's format, and one journal entry per
# change of a kernel's readiness (a socket in the fake root keeps them).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/tap.sh
. "$TOP/tests/cli/tap.sh"
# shellcheck source=tests/cli/fakeroot.sh
. "$TOP/tests/cli/fakeroot.sh"
# shellcheck source=tests/cli/journal.sh
. "$TOP/tests/cli/journal.sh"

fake_kernel
journal_listen
trap 'journal_stop; rm -rf "$T"' EXIT
entries() { grep -c "^MESSAGE_ID=e508bd0ed47b4213b54084aafbd4099f$" "$T/journal"; }

ok "no textfile folder: exit 1" status_is 1 "$D" --root "$R" metrics
ok "... said, with how to give one" out_has "could not find node_exporter's textfile folder" "$D" --root "$R" metrics
ok "no journal entry without a folder either" test "$(entries)" = 0
ok "--textfile-dir: exit 0" status_is 0 "$D" --root "$R" metrics --textfile-dir /srv/tf
P=$R/srv/tf/dbdboot-kernels.prom
ok "the kernel, not ready" grep -qx "dbdboot_kernel_ready{kernel=\"$K\",running=\"0\"} 0" "$P"
ok "its initrd lacks the module" grep -qx "dbdboot_kernel_initrd_module{kernel=\"$K\"} 0" "$P"
ok "in node_exporter's format" prom_ok "$P"
ok "journal: its readiness, first seen" grep -qx "READY=0" "$T/journal"
ok "journal: which kernel, why" sh -c "grep -qx 'KERNEL=$K' '$T/journal' && grep -qx 'WHY=no dattobd module' '$T/journal'"
ok "journal: one entry" test "$(entries)" = 1
"$D" --root "$R" metrics --textfile-dir /srv/tf 2>/dev/null
ok "unchanged: no second entry" test "$(entries)" = 1
mkdir -p "$R/etc/default"
echo 'ARGS="--web.listen-address=:9100 --collector.textfile.directory=/srv/other"' \
	>"$R/etc/default/prometheus-node-exporter"
ok "node_exporter's defaults file names the folder" status_is 0 "$D" --root "$R" metrics
ok "... written there" test -s "$R/srv/other/dbdboot-kernels.prom"
rm "$R/var/lib/dbdboot/readiness"
"$D" --root "$R" sync --check >/dev/null 2>&1
ok "sync --check changes nothing: no readiness written" test ! -e "$R/var/lib/dbdboot/readiness"
"$D" --root "$R" rebuild -k "$K" >/dev/null 2>&1
ok "after rebuild: the readiness looked at again" test -s "$R/var/lib/dbdboot/readiness"
ok "--help names the folder's sources" out_has "/etc/default/prometheus-node-exporter" "$D" metrics --help
ok "bad option: exit 2" status_is 2 "$D" metrics --bogus
tap_end
