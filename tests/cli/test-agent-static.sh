#!/bin/bash
# The agent as built for the initrd: static, no interpreter, and musl's
# allocator replaced by the failing stubs of early-agent/nomalloc.c, and
# no libc printf.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/tap.sh
. "$TOP/tests/cli/tap.sh"
A=${BUILD:-$TOP/build}/dbdboot-early

no_interp() { ! readelf -l "$A" | grep -q 'program interpreter'; }
static_elf() { file "$A" | grep -q 'statically linked'; }
own_malloc() { nm "$A.debug" | grep -q ' T malloc$'; }
no_musl_allocator() { ! nm "$A.debug" | grep -qE '__libc_malloc_impl|__simple_malloc|__malloc_donate'; }
# lib/fmt.c formats; musl's printf (5 KiB of floating point alone) stays out.
no_libc_printf() { ! nm "$A.debug" | grep -qE ' (printf_core|fmt_fp|vfprintf|vsnprintf)$'; }

ok "no program interpreter" no_interp
ok "statically linked" static_elf
ok "malloc is the agent's failing stub" own_malloc
ok "musl's allocator is not linked" no_musl_allocator
ok "libc's printf is not linked" no_libc_printf
ok "runs: --version" out_has "dbdboot-early" "$A" --version
# musl's opendir allocates: with the stubs it would always fail.
no_opendir() { ! nm "$A.debug" | grep -qE ' [TW] (opendir|readdir)$'; }
ok "opendir (which allocates in musl) is not linked" no_opendir

# What allocation would break, run for real: two devices with the volume's
# label, one of them stacked on (holders): the other is the volume.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/proc/self" "$T/sys/module/dattobd" "$T/sys/class/block/vdd" "$T/sys/class/block/vde/holders/dm-0" \
	"$T/dev" "$T/run" "$T/etc"
echo ro >"$T/proc/cmdline"
: >"$T/proc/self/mountinfo"
: >"$T/dev/datto-ctl"
for d in vdd vde; do mke2fs -q -F -t ext4 -L twin "$T/dev/$d" 8M >/dev/null 2>&1; done
printf 'dbdboot-manifest 1\nvolume mode=incremental device=LABEL=twin cow=/.datto minor=0\n' >"$T/etc/manifest"
"$A" --proc "$T/proc" --sys "$T/sys" --dev "$T/dev" --run "$T/run" --manifest "$T/etc/manifest" \
	--kmsg - --timeout 2 >"$T/log" 2>&1
ok "holders seen: the device not stacked on is taken and tried" \
	grep -q '"device": "LABEL=twin", "path": "'"$T"'/dev/vdd".*"error": "ENOTTY"' "$T/run/dbdboot/early.json"
tap_end
