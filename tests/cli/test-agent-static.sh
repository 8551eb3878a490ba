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
tap_end
