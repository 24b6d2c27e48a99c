#!/usr/bin/env bash
# Domain figures under QEMU (record them in docs/domains.md with this command):
#   exits     exit and hypercall round trips and console output steps (PV
#             console ring, console_io) measured with the TSC inside a guest
#             (bench/domains/exits.dts, guests/abi-test mode=bench), 1 and 2
#             CPUs; and a hypercall's round trip over CPUID's (the cheapest
#             exit) measured in alternated blocks of the same run;
#   timeline  the boot timeline up to every domain's first instruction
#             (configs/test-three-domains.dts, 2 CPUs);
#   pingpong  the ping-pong round trip between two domains through static
#             shared memory + a static event channel (configs/test-shm.dts,
#             guests/pingpong), 2 CPUs;
#   pv        a PV hypercall and PV page-table updates (mmu_update of one
#             PTE, update_va_mapping) beside the HVM/PVH hypercall, each
#             against CPUID in alternated blocks, a PV and a PVH domain in
#             one run (bench/domains/pv.dts), 2 CPUs.
# usage: bench/domains/run.sh [-h|--help] [BUILD_DIR] [exits] [timeline] [pingpong] [pv]
#        (default: build/ and all four; needs a full build)
set -euo pipefail
if [[ ${1:-} == -h || ${1:-} == --help ]]; then # the comment above, less its '#'
  sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"
  exit 0
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
shift || true
parts=${*:-exits timeline pingpong pv}
log=$(mktemp /tmp/bench-domains.XXXXXX)
trap 'rm -f "$log"' EXIT

boot() { # tree smp
  "$build/tessera" run "$top/$1" --module-path "$build" --smp "$2" --timeout 120 \
    >"$log" 2>&1 || true
}

want() { [[ " $parts " == *" $1 "* ]]; }

if want exits; then
  for smp in 1 2; do
    boot bench/domains/exits.dts "$smp"
    echo "== exits, -smp $smp (TSC $(grep -o 'tsc: [0-9.]* MHz' "$log" | head -1))"
    grep -o 'bench: bench: .*' "$log" | sed 's/^bench: //' || echo "no figures (see a boot by hand)"
  done
fi

if want timeline; then
  boot configs/test-three-domains.dts 2
  echo "== boot timeline, 3 domains of 16 MiB, -smp 2 (us since the loader started)"
  grep -E 'boot complete|svm: revision|: pvh, |first instruction' "$log" |
    sed -E 's/^\[ *([0-9.]+)\] /\1 ms  /'
fi

if want pingpong; then
  boot configs/test-shm.dts 2
  echo "== ping-pong through shared memory + event channel, -smp 2"
  grep -o 'pingpong: .*' "$log" || echo "no figures (see a boot by hand)"
fi

if want pv; then
  boot bench/domains/pv.dts 2
  echo "== PV and HVM/PVH hypercalls, one run, -smp 2 (TSC $(grep -o 'tsc: [0-9.]* MHz' "$log" | head -1))"
  grep -E -o 'pv: bench: .*|hvm: bench: .*alternated blocks.*' "$log" ||
    echo "no figures (see a boot by hand)"
fi
