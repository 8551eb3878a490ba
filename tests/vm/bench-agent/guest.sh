#!/bin/sh
# Guest side of the agent benchmark: check the reloads happened.
# shellcheck source=tests/vm/guest/lib.sh
. /dbdboot-tests/lib.sh

n=${1#v}
expect_eq "reloaded volumes" "$(grep -c '"outcome": "reloaded"' /run/dbdboot/early.json)" "$n"
