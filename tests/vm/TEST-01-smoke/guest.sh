#!/bin/sh
# Guest side of TEST-01-smoke (one boot).
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

modprobe dattobd
[ -c /dev/datto-ctl ] || fail "no /dev/datto-ctl after modprobe"
expect_eq "free minor before setup" "$(dbdtest get-free-minor)" 0
expect_errno ENOENT dbdtest info 0

mkdir -p /mnt
mount /dev/vdb /mnt
expect_errno EINVAL dbdtest setup-snapshot /dev/vdb /mnt/.datto 24
expect_errno EINVAL dbdtest setup-snapshot /dev/vda /mnt/.datto 0
dbdtest setup-snapshot /dev/vdb /mnt/.datto 0
info=$(dbdtest info 0)
expect_eq "state after setup" "$(echo "$info" | kv state)" 3
expect_eq "seqid after setup" "$(echo "$info" | kv seqid)" 1
expect_eq "cow path" "$(echo "$info" | kv cow)" /.datto
hdr=$(dbdtest cow-header /mnt/.datto)
expect_eq "COW magic" "$(echo "$hdr" | kv magic)" 4776
expect_eq "COW header clean while active" "$(echo "$hdr" | kv clean)" 0
uuid=$(echo "$info" | kv uuid)
expect_eq "COW uuid" "$(echo "$hdr" | kv uuid)" "$uuid"
[ "$uuid" != 00000000000000000000000000000000 ] || fail "uuid is all zero"

expect_errno EBUSY dbdtest setup-snapshot /dev/vdb /mnt/.datto2 0
expect_errno EINVAL dbdtest reload-incremental /dev/vdb /.datto 1
expect_errno ENOENT dbdtest reload-incremental /dev/nonexistent /.datto 1
expect_errno EINVAL dbdtest transition-to-snapshot /mnt/.datto2 0

dbdtest transition-to-incremental 0
show_proc
expect_eq "state in /proc/datto-info" "$(proc_field 0 state)" 2
expect_eq "uuid in /proc/datto-info" "$(proc_field 0 uuid)" "$uuid"
expect_eq "seq_id in /proc/datto-info" "$(proc_field 0 seq_id)" 1
# As in the driver, the new mode reaches the header on disk only at umount.
expect_eq "COW header mode on disk while active" "$(dbdtest cow-header /mnt/.datto | kv incremental)" 0
expect_errno EINVAL dbdtest transition-to-incremental 0
expect_eq "free minor with 0 taken" "$(dbdtest get-free-minor)" 1

dbdtest transition-to-snapshot /mnt/.datto-snap 0
expect_eq "state after transition-to-snapshot" "$(proc_field 0 state)" 3
expect_eq "seq_id after transition-to-snapshot" "$(proc_field 0 seq_id)" 2
expect_eq "uuid kept" "$(proc_field 0 uuid)" "$uuid"
dbdtest transition-to-incremental 0

dbdtest destroy 0
[ ! -e /mnt/.datto-snap ] || fail "destroy left the COW file"
expect_errno ENOENT dbdtest info 0
umount /mnt
rmmod dattobd

# Fault switch: get-free-minor (ioctl 9) sleeps 3 s.
modprobe dattobd hang_ioctl=9 hang_secs=3
t0=$(date +%s)
dbdtest get-free-minor >/dev/null
took=$(($(date +%s) - t0))
[ "$took" -ge 3 ] || fail "hang_ioctl=9 hang_secs=3: get-free-minor took ${took}s"
note "hang_ioctl made get-free-minor take ${took}s"
rmmod dattobd
