#!/usr/bin/env bash
# CPU shares under weights and caps, under QEMU (record them in
# docs/static-partitioning.md with this command). Each boot is
# configs/test-weights.dts with other figures: "heavy" (weight W) and "light"
# (weight 256) spin together for 3 s on CPU 0; "capped" (cap C%) spins alone
# on CPU 1. Printed per domain: the CPU time the hypervisor accounted as a
# share of its life, and the guest's own loop count.
# usage: bench/sched/shares.sh [-h|--help] [BUILD_DIR]   (default: build/; needs a full build)
set -euo pipefail
if [[ ${1:-} == -h || ${1:-} == --help ]]; then # the comment above, less its '#'
  sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"
  exit 0
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
work=$(mktemp -d /tmp/bench-sched.XXXXXX)
trap 'rm -rf "$work"' EXIT

share() { # log domain -> "NN%"
  sed -nE "s/.*tessera: domain $2 \(id [0-9]+\) destroyed after .*\(([0-9]+%)\)/\1/p" "$1"
}
loops() { # log domain -> loop count
  sed -nE "s/^$2: busy: ([0-9]+) loops.*/\1/p" "$1"
}

printf '%-14s %-10s %-10s %-13s %-8s %s\n' "heavy:light" "heavy" "light" "loops h/l" \
  "cap" "capped"
for case in "256 10" "512 25" "768 50" "2560 75"; do
  set -- $case
  sed -e "s/tessera,sched-weight = <768>/tessera,sched-weight = <$1>/" \
      -e "s/tessera,sched-cap = <25>/tessera,sched-cap = <$2>/" \
      "$top/configs/test-weights.dts" >"$work/tree.dts"
  "$build/tessera" run "$work/tree.dts" --module-path "$build" --smp 2 --timeout 120 2>&1 |
    tr -d '\r' >"$work/log" || true
  h=$(loops "$work/log" heavy) l=$(loops "$work/log" light)
  ratio=$([ -n "$h" ] && [ -n "$l" ] && [ "$l" -gt 0 ] &&
          awk -v h="$h" -v l="$l" 'BEGIN { printf "%.2f", h / l }' || echo "-")
  printf '%-14s %-10s %-10s %-13s %-8s %s\n' "$1:256" "$(share "$work/log" heavy)" \
    "$(share "$work/log" light)" "$ratio" "$2%" "$(share "$work/log" capped)"
done
