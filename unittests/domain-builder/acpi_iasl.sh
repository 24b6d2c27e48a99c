#!/bin/sh
# Guest ACPI tables decoded by ACPICA's own disassembler (acpica-tools'
# iasl, installed by scripts/setup), independently of the builder and of our
# decoder: db-layout builds a PVH domain of N vCPUs and dumps every table it
# finds from the RSDP; iasl -d must take each without an error, a warning or
# a wrong checksum; the DSDT's disassembly must compile back to the same AML;
# the disassembly must say N processors with APIC ids 2 x i and a
# hardware-reduced FADT without VGA or CMOS RTC. iasl cannot read a bare
# RSDP: its checksums are summed here.
# usage: acpi_iasl.sh DB_LAYOUT KERNEL WORKDIR
set -eu
db=$1 kernel=$2 work=$3
command -v iasl >/dev/null || { echo "FAIL: iasl not found (run scripts/setup: acpica-tools)"; exit 1; }

fail() { echo "FAIL ($n vCPUs): $*"; exit 1; }
count() { grep -c -- "$1" "$2" || true; }

# Sum of bytes [0, len) of a file, mod 256.
bytesum() { od -An -tu1 -N "$2" -v "$1" | awk '{ for (i = 1; i <= NF; i++) s += $i } END { print s % 256 }'; }

for n in 1 4 128; do
  d=$work/acpi-$n
  rm -rf "$d" && mkdir -p "$d"
  "$db" -v "$n" -m 64 -A "$d" "$kernel" >"$d/layout.txt" || fail "db-layout"
  for t in XSDT FACP FACS APIC DSDT; do
    [ -f "$d/$t.dat" ] || fail "no $t table reached from the RSDP"
    (cd "$d" && iasl -d "$t.dat" >"$t.out" 2>&1) || fail "iasl -d $t.dat: $(cat "$d/$t.out")"
    if grep -i -E "error|warning|incorrect|\*\*\*\*" "$d/$t.out" "$d/$t.dsl"; then
      fail "iasl complains about $t"
    fi
  done
  [ "$(head -c 8 "$d/RSDP.dat")" = "RSD PTR " ] || fail "RSDP signature"
  [ "$(bytesum "$d/RSDP.dat" 20)" = 0 ] || fail "RSDP checksum"
  [ "$(bytesum "$d/RSDP.dat" 36)" = 0 ] || fail "RSDP extended checksum"

  # XSDT: the FADT and the MADT.
  [ "$(count 'ACPI Table Address' "$d/XSDT.dsl")" = 2 ] || fail "XSDT entries"
  # FADT: ACPI 6.0, hardware-reduced, no VGA, no CMOS RTC.
  grep -q 'Revision : 06' "$d/FACP.dsl" || fail "FADT revision"
  grep -q 'Hardware Reduced (V5) : 1' "$d/FACP.dsl" || fail "FADT not hardware-reduced"
  grep -q 'VGA Not Present (V4) : 1' "$d/FACP.dsl" || fail "FADT boot flags: VGA"
  grep -q 'CMOS RTC Not Present (V5) : 1' "$d/FACP.dsl" || fail "FADT boot flags: CMOS RTC"
  # MADT: one enabled local APIC per vCPU, ids 0, 2, 4, ..., nothing else.
  grep -q 'Local Apic Address : FEE00000' "$d/APIC.dsl" || fail "MADT LAPIC address"
  [ "$(count 'Subtable Type : ' "$d/APIC.dsl")" = "$n" ] || fail "MADT has other entries"
  [ "$(count 'Subtable Type : 00 \[Processor Local APIC\]' "$d/APIC.dsl")" = "$n" ] ||
    fail "MADT local APIC count"
  [ "$(count 'Processor Enabled : 1' "$d/APIC.dsl")" = "$n" ] || fail "MADT enabled count"
  ids=$(sed -n 's/.*Local Apic ID : \([0-9A-F]*\)$/\1/p' "$d/APIC.dsl" | tr '\n' ' ')
  want=$(i=0; while [ $i -lt "$n" ]; do printf '%02X ' $((2 * i)); i=$((i + 1)); done)
  [ "$ids" = "$want" ] || fail "APIC ids '$ids', want '$want'"
  uids=$(sed -n 's/.*Processor ID : \([0-9A-F]*\)$/\1/p' "$d/APIC.dsl" | tr '\n' ' ')
  want=$(i=0; while [ $i -lt "$n" ]; do printf '%02X ' $i; i=$((i + 1)); done)
  [ "$uids" = "$want" ] || fail "processor UIDs '$uids', want '$want'"
  # DSDT: a processor device per vCPU, _UID = its MADT processor id.
  [ "$(count 'Device (PR' "$d/DSDT.dsl")" = "$n" ] || fail "DSDT processor devices"
  [ "$(count 'Name (_HID, "ACPI0007"' "$d/DSDT.dsl")" = "$n" ] || fail "DSDT _HID ACPI0007"
  last=$(printf '%02X' $((n - 1)))
  grep -q "Device (PR$last)" "$d/DSDT.dsl" || fail "DSDT: no Device (PR$last)"
  # iasl's own AML for that disassembly (no optimizations) is ours, byte for byte.
  mkdir -p "$d/recompile" && cp "$d/DSDT.dsl" "$d/recompile/"
  (cd "$d/recompile" && iasl -oa DSDT.dsl >out.txt 2>&1) || fail "DSDT.dsl does not compile back"
  grep -q ' 0 Errors, 0 Warnings' "$d/recompile/out.txt" || fail "DSDT recompile: $(cat "$d/recompile/out.txt")"
  tail -c +37 "$d/DSDT.dat" >"$d/ours.aml" && tail -c +37 "$d/recompile/DSDT.aml" >"$d/iasl.aml"
  cmp -s "$d/ours.aml" "$d/iasl.aml" || fail "DSDT AML differs from iasl's for its disassembly"
  echo "PASS: $n vCPUs: iasl decodes XSDT, FADT, FACS, MADT ($n LAPICs, ids $(echo $ids | cut -c1-14)...), DSDT ($n processors)"
done
