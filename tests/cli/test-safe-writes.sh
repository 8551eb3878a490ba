#!/bin/bash
# Writes as root are safe: `inject --manifest-only` killed with SIGKILL at
# 20 random points leaves the initrd either the old one (the same bytes) or
# the new one (it holds the new manifest), complete and readable by the
# kernel's rules; the next run removes what a killed run left behind. One
# run writes at a time (the lock, which no other user can hold), and a
# symlink in the tree never leads a write out of --root. rebuild and bundle
# import, killed at 20 random points each, leave a verified module: the old
# one or the new one (or, for rebuild, the old one put back by the next run).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/tap.sh
. "$TOP/tests/cli/tap.sh"
# shellcheck source=tests/cli/fakeroot.sh
. "$TOP/tests/cli/fakeroot.sh"
I=$R/boot/initrd.img-$K

mkdir -p "$R/boot" "$R/etc/dbdboot" "$T/main/etc/dbdboot"
: >"$R/boot/vmlinuz-$K"
printf 'dbdboot-manifest 1\n' >"$T/main/etc/dbdboot/manifest"
head -c 24000000 /dev/urandom >"$T/main/filler"	# a write that takes a while
(cd "$T/main" && find . | cpio --quiet -o -H newc | zstd -q -1) >"$I"
manifest() { # manifest WORD: a manifest of its own for each run
	printf 'dbdboot-manifest 1\nvolume mode=incremental device=LABEL=run-%s cow=/.datto minor=1\n' \
		"$1" >"$R/etc/dbdboot/manifest"
}

# How long a whole run takes, to pick the kill points in.
manifest a
t0=$(date +%s%N)
"$D" --root "$R" inject -k "$K" --manifest-only >/dev/null 2>&1
ms=$((($(date +%s%N) - t0) / 1000000))
echo "# a whole inject --manifest-only: $ms ms"
initrd_line() { "$D" --root "$R" status -k "$K" 2>&1 | grep '^  initrd'; }

bad=0
for i in $(seq 1 20); do
	manifest "$i"
	before=$(sha256sum <"$I")
	delay=$((RANDOM % (ms + 20)))
	"$D" --root "$R" inject -k "$K" --manifest-only >/dev/null 2>&1 &
	pid=$!
	sleep "$(printf '0.%03d' "$delay")"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	line=$(initrd_line)
	case $line in
	*": module "*", manifest ok") ;;	# the new one, readable
	*": module "*", manifest stale")	# the old one: the same bytes
		[ "$(sha256sum <"$I")" = "$before" ] || { echo "# kill $i at ${delay} ms: neither old nor new"; bad=$((bad + 1)); } ;;
	*) echo "# kill $i at ${delay} ms: $line"; bad=$((bad + 1)) ;;
	esac
done
ok "20 kills at random points: the initrd always the old or the new one, readable" test "$bad" = 0
left=$(find "$R/boot" -name '*.dbdboot-tmp-*' | wc -l)
echo "# temporary files the killed runs left: $left"
manifest z
: >"$I.dbdboot-tmp-k1lled00"	# what a run killed while writing leaves
ok "the next run succeeds" status_is 0 "$D" --root "$R" inject -k "$K" --manifest-only
ok "and leaves no temporary file behind" test "$(find "$R/boot" -name '*.dbdboot-tmp-*' | wc -l)" = 0
ok "and the manifest is the new one" out_has "manifest ok" "$D" --root "$R" status -k "$K"

# The lock: root's only (flock works on a read-only descriptor: a lock any
# user can open, any user can hold), also when an older dbdboot made it 0644.
L=$R/var/lib/dbdboot/writer.lock
ok "the lock is root's only" test "$(stat -c %a "$L")" = 600
chmod 0644 "$L"
"$D" --root "$R" inject -k "$K" --manifest-only >/dev/null 2>&1
ok "... also one an older dbdboot made readable" test "$(stat -c %a "$L")" = 600
# Another user cannot delay a run: not by holding the lock (it cannot open
# it), nor through the old lock file, which an older dbdboot made 0644 and a
# descriptor opened on then still holds (run as nobody).
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 0755 "$T"
	nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	ok "as nobody: the lock cannot be opened, so not held" \
		sh -c "! setpriv --reuid=65534 --regid=65534 --clear-groups flock -n '$L' true 2>/dev/null"
	: >"$R/var/lib/dbdboot/lock"
	chmod 0644 "$R/var/lib/dbdboot/lock"
	nobody flock -s "$R/var/lib/dbdboot/lock" sleep 30 &
	squatter=$!
	sleep 0.3
	DBDBOOT_TIMEOUT_LOCK=2 "$D" --root "$R" inject -k "$K" --manifest-only >"$T/out" 2>&1
	ok "nobody holding the old 0644 lock file does not delay a run" test $? = 0
	ok "the old lock file is removed" test ! -e "$R/var/lib/dbdboot/lock"
	kill "$squatter" 2>/dev/null
	wait "$squatter" 2>/dev/null
	chmod 0700 "$T"
fi
# Held by another run: inject waits, then says who holds it; the holder
# named only while that process lives.
flock "$L" sleep 30 &
holder=$!
echo "$holder rebuild" >"$L"
sleep 0.3
DBDBOOT_TIMEOUT_LOCK=1 "$D" --root "$R" inject -k "$K" --manifest-only >"$T/out" 2>&1
ok "the lock held by another run: inject waits, then fails" test $? = 1
ok "and names the run that holds it" grep -q "another dbdboot (pid $holder rebuild) still holds it after 1 s" "$T/out"
sh -c 'exit 0' &
dead=$!
wait "$dead"
echo "$dead rebuild" >"$L"
DBDBOOT_TIMEOUT_LOCK=1 "$D" --root "$R" inject -k "$K" --manifest-only >"$T/out" 2>&1
ok "a holder that left no line of its own is not given a finished run's name" \
	grep -q "another dbdboot (pid unknown, not the last dbdboot to hold it) still holds it" "$T/out"
kill "$holder"
wait "$holder" 2>/dev/null

# A symlink in the tree pointing out of it: the write stays inside, or fails.
mkdir -p "$T/outside"
mv "$R/boot" "$R/boot.real"
ln -s "$T/outside" "$R/boot"
cp "$R/boot.real/vmlinuz-$K" "$R/boot.real/initrd.img-$K" "$T/outside/"
touch -d '1 hour ago' "$T/outside"/*
"$D" --root "$R" inject -k "$K" --manifest-only >"$T/out" 2>&1
ok "an absolute link out of the root: nothing written outside it" \
	test "$(find "$T/outside" -type f -newer "$R/etc/dbdboot/manifest" | wc -l)" = 0
ok "and the failure is said" grep -q "could not write '/boot/initrd.img-$K'" "$T/out"

# rebuild killed at 20 random points (a fake dkms that takes its time to
# build and to install): the kernel has a module that status calls
# verified, the old or the new one; else the next run puts the old one back.
if command -v depmod >/dev/null; then
	A=$(uname -m)
	KO=$R/lib/modules/$K/updates/dkms/dattobd.ko
	fake_kernel
	fake_program fake-dkms dkms depmod
	mkdir -p "$R/usr/src/dattobd-1.0" "$R/var/lib/dkms/dattobd/1.0"
	echo 'PACKAGE_NAME=dattobd' >"$R/usr/src/dattobd-1.0/dkms.conf"
	ln -sfn /usr/src/dattobd-1.0 "$R/var/lib/dkms/dattobd/1.0/source"
	printf '0x1234abcd\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n' >"$R/lib/modules/$K/build/Module.symvers"
	fake_module "$R/new.ko" version=2.0 PAD=65536
	fake_module "$KO" version=1.0
	fake_depmod
	cp "$KO" "$T/old.ko"
	old=$(sha256sum <"$KO") new=$(sha256sum <"$R/new.ko")
	as_installed() { # the old module, installed as dkms says
		cp "$T/old.ko" "$KO"
		mkdir -p "$R/var/lib/dkms/dattobd/1.0/$K/$A/module"
		ln -sfn "1.0/$K/$A" "$R/var/lib/dkms/dattobd/kernel-$K-$A"
	}
	# killed_at MS CMD...: CMD stopped after MS ms, then killed with what
	# it runs (dkms has a process group of its own), as by a power cut.
	killed_at() {
		local ms=$1 pid
		shift
		"$@" >/dev/null 2>&1 &
		pid=$!
		sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
		kill -STOP "$pid" 2>/dev/null
		pkill -9 -P "$pid"
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	}
	verified() { "$D" --root "$R" status -k "$K" 2>&1 | grep -q "^  module        .*: vermagic, 1 modversions CRCs and depmod agree"; }
	export FAKE_BUILD=ok FAKE_INSTALL_FILE=/new.ko FAKE_SLOW_MS=300
	as_installed
	t0=$(date +%s%N)
	"$D" --root "$R" rebuild -k "$K" --force >"$T/out" 2>&1
	ms=$((($(date +%s%N) - t0) / 1000000))
	echo "# a whole rebuild --force: $ms ms"
	ok "an uninterrupted rebuild installs the new module, verified" \
		sh -c "[ \"\$(sha256sum <'$KO')\" = '$new' ]"
	bad=0 back=0
	for i in $(seq 1 20); do
		as_installed
		delay=$((RANDOM % (ms + 20)))
		killed_at "$delay" "$D" --root "$R" rebuild -k "$K" --force
		now=$({ sha256sum <"$KO"; } 2>/dev/null)
		if verified && { [ "$now" = "$old" ] || [ "$now" = "$new" ]; }; then
			continue
		fi
		# Not verified in place: the next run puts the old one back.
		FAKE_BUILD=no "$D" --root "$R" rebuild -k "$K" >/dev/null 2>&1
		if [ "$(sha256sum <"$KO" 2>/dev/null)" = "$old" ] && verified; then
			back=$((back + 1))
		else
			echo "# kill $i at ${delay} ms: $("$D" --root "$R" status -k "$K" 2>&1 | grep '^  module')"
			bad=$((bad + 1))
		fi
	done
	echo "# kills after which the next run put the old module back: $back of 20"
	ok "20 kills of rebuild: a verified module, old or new, or the old one back at the next run" \
		test "$bad" = 0
	unset FAKE_BUILD FAKE_INSTALL_FILE FAKE_SLOW_MS

	# bundle import --force of another module, killed at 20 random points:
	# the module is the old one or the imported one, verified.
	cp "$R/new.ko" "$KO"
	"$D" --root "$R" bundle export -k "$K" "$T/new.tar.gz" >"$T/out" 2>&1 ||
		echo "Bail out! could not export a bundle: $(cat "$T/out")"
	sum=$(sha256sum "$T/new.tar.gz" | cut -d' ' -f1)
	import=("$D" --root "$R" bundle import --force --sha256 "$sum" "$T/new.tar.gz")
	as_installed
	t0=$(date +%s%N)
	"${import[@]}" >/dev/null 2>&1
	ms=$((($(date +%s%N) - t0) / 1000000))
	echo "# a whole bundle import: $ms ms"
	bad=0
	for i in $(seq 1 20); do
		as_installed
		delay=$((RANDOM % (ms + 20)))
		killed_at "$delay" "${import[@]}"
		now=$({ sha256sum <"$KO"; } 2>/dev/null)
		if ! verified || { [ "$now" != "$old" ] && [ "$now" != "$new" ]; }; then
			echo "# import killed at ${delay} ms: $("$D" --root "$R" status -k "$K" 2>&1 | grep '^  module')"
			bad=$((bad + 1))
		fi
	done
	ok "20 kills of bundle import: the old module or the imported one, verified" test "$bad" = 0
fi
tap_end
