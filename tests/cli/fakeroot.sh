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

# fake_module OUT [KEY=VALUE...]: a stand-in dattobd.ko at OUT, an ELF object
# with the sections kmod reads: .modinfo (name=dattobd, vermagic for K unless
# a vermagic=... is given, then each KEY=VALUE) and __versions (one CRC:
# printk 0x1234abcd); PAD=N bytes of data more (default none).
fake_module() {
	local out=$1 kv i=0 vermagic="vermagic=$K SMP preempt mod_unload modversions "
	shift
	{
		echo 'struct modversion_info { unsigned long crc; char name[64 - sizeof(unsigned long)]; };'
		echo '__attribute__((section("__versions"), used)) static const struct modversion_info v[] = { { 0x1234abcd, "printk" } };'
		echo '__attribute__((section(".modinfo"), used)) static const char nm[] = "name=dattobd";'
		for kv in "$@"; do
			case $kv in
			vermagic=*) vermagic=$kv ;;
			PAD=*) echo "__attribute__((used)) static const char pad[${kv#PAD=}] = { 1 };" ;;
			*) echo "__attribute__((section(\".modinfo\"), used)) static const char m$((i += 1))[] = \"$kv\";" ;;
			esac
		done
		echo "__attribute__((section(\".modinfo\"), used)) static const char vm[] = \"$vermagic\";"
	} >"$T/fake-module.c"
	mkdir -p "$(dirname "$out")"
	cc -c -o "$out" "$T/fake-module.c" || { echo "Bail out! could not build a stand-in module"; exit 1; }
}

# fake_depmod: K's module index in R, made by the real depmod.
fake_depmod() {
	local m=$R/lib/modules/$K
	: >"$m/modules.order"
	: >"$m/modules.builtin"
	: >"$m/modules.builtin.modinfo"
	depmod -b "$R" "$K" || { echo "Bail out! depmod failed"; exit 1; }
}

# datto_info [MINOR STATE UUID SEQID BDEV COW ERROR]...: write R/proc/datto-info
# as dattobd 0.12.1 writes it (UUID "-": none, as while unverified; STATE
# "-": no state line).
datto_info() {
	{
		printf '{\n\t"version": "0.12.1",\n\t"devices": [\n'
		local first=1 f
		while [ $# -ge 7 ]; do
			[ $first = 1 ] || printf ',\n'
			first=0
			f=("\"minor\": $1" "\"cow_file\": \"$6\"" "\"block_device\": \"$5\"" '"max_cache": 314572800')
			[ "$3" = - ] || f+=("\"seq_id\": $4" "\"uuid\": \"$3\"")
			[ "$7" = 0 ] || f+=("\"error\": $7")
			[ "$2" = - ] || f+=("\"state\": $2")
			printf '\t\t{\n'
			printf '\t\t\t%s,\n' "${f[@]:0:${#f[@]}-1}"
			printf '\t\t\t%s\n\t\t}' "${f[-1]}"
			shift 7
		done
		printf '\n\t]\n}\n'
	} >"$R/proc/datto-info"
}
