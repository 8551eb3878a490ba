#!/bin/sh
# Guest side of TEST-00-harness: boot 1 fails on purpose, boot 2 passes.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

case $1 in
1) fail "deliberate failure" ;;
2) case $(uname -r) in 6.1.0-*-cloud-amd64) note "kernel $(uname -r)" ;; *) fail "kernel $(uname -r)" ;; esac ;;
*) fail "no boot $1 in this scenario" ;;
esac
