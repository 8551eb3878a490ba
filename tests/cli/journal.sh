# shellcheck shell=bash
# A stand-in for journald in a fake root, for the tests of what dbdboot
# sends to the journal: journal_listen binds R/run/systemd/journal/socket
# (a datagram socket, as journald's) and keeps every entry it is sent in
# T/journal, each followed by a line "--"; journal_stop ends it.
# Sourced after fakeroot.sh (or with R and T set).
journal_listen() {
	mkdir -p "$R/run/systemd/journal"
	: >"$T/journal"
	python3 - "$R/run/systemd/journal/socket" "$T/journal" <<'PY' >/dev/null 2>&1 &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        out.write(s.recv(65536) + b"--\n")
PY
	journal_pid=$!
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ -S "$R/run/systemd/journal/socket" ] && return 0
		sleep 0.2
	done
	echo "Bail out! the journal's stand-in did not start"
	exit 1
}
journal_stop() { kill "$journal_pid" 2>/dev/null; wait "$journal_pid" 2>/dev/null; }
# journal_has FIELD...: one entry holds every FIELD ("KEY=VALUE") as a line
journal_has() {
	python3 -c 'import sys
entries = open(sys.argv[1], "rb").read().decode().split("--\n")
sys.exit(0 if any(all(f in e.split("\n") for f in sys.argv[2:]) for e in entries) else 1)' "$T/journal" "$@"
}
# prom_ok FILE: every line of FILE a comment or "name{labels} value"
prom_ok() { ! grep -Ev '^(# (HELP|TYPE) .*|[a-z_]+(\{[^}]*\})? -?[0-9.e+]+)$' "$1"; }
