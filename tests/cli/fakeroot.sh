# shellcheck shell=bash
# What the host utility's CLI tests share (sourced after tap.sh, with TOP
# set): D, the dbdboot under test (sanitizers); T, a temporary folder
# removed at exit (a test that needs more at exit sets its own trap); R, a
# fake root in it; K, a kernel release.
BUILD=${BUILD:-$TOP/build}
# shellcheck disable=SC2034 # D, R and K are the sourcing test's
D=$BUILD/tests/dbdboot
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
R=$T/root
K=6.1.0-99-test-amd64

# fake_kernel: K's image, headers and a real-looking System.map in R, what
# rebuild needs to get as far as dkms.
fake_kernel() {
	mkdir -p "$R/boot" "$R/lib/modules/$K/build" "$R/usr/sbin"
	: >"$R/boot/vmlinuz-$K"
	: >"$R/lib/modules/$K/build/Makefile"
	{
		echo "ffffffff81000000 T _text"
		awk 'BEGIN { for (i = 1; i <= 400; i++) printf "ffffffff81%06d t filler_%d\n", i, i }'
	} >"$R/lib/modules/$K/System.map"
}

# fake_program FIXTURE NAME...: tests/cli/fixtures/FIXTURE.c built static (it
# runs after dbdboot's chroot into R) as R/usr/sbin/NAME, for each NAME.
fake_program() {
	local src=$TOP/tests/cli/fixtures/$1.c first=$R/usr/sbin/$2
	shift
	mkdir -p "$R/usr/sbin"
	cc -static -O1 -o "$first" "$src" || { echo "Bail out! could not build $src"; exit 1; }
	while [ $# -gt 1 ]; do
		shift
		ln -f "$first" "$R/usr/sbin/$1"
	done
}
