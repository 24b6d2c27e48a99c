#!/bin/sh
# SPDX-License-Identifier: MIT
# The address types cannot be mixed (hv/include/hv/types.h): mixing.c's case 0
# compiles, and each other case fails with a type error, not any other error.
# Usage: check.sh CC SOURCE_DIR
set -u
cc=$1 src=$2
flags="-std=c11 -Wall -Wextra -Werror -fsyntax-only -I$src/hv/include -I$src/hv/arch/x86/include -I$src/include"
test_c="$src/unittests/hv/address-types/mixing.c"
status=0
if ! out=$($cc $flags -DCASE=0 "$test_c" 2>&1); then
    printf 'FAIL: case 0 (correct use) does not compile:\n%s\n' "$out"
    exit 1
fi
nr_cases=$(grep -c '^#elif CASE == ' "$test_c")
case_nr=1
while [ "$case_nr" -le "$nr_cases" ]; do
    if out=$($cc $flags -DCASE=$case_nr "$test_c" 2>&1); then
        echo "FAIL: case $case_nr compiles: $(grep "CASE == $case_nr " "$test_c")"
        status=1
    elif ! printf '%s\n' "$out" | grep -Eq 'incompatible type|invalid operands|used where|invalid initializer'; then
        printf 'FAIL: case %s fails, but not on a type:\n%s\n' "$case_nr" "$out"
        status=1
    else
        echo "ok: case $case_nr refused"
    fi
    case_nr=$((case_nr + 1))
done
exit $status
