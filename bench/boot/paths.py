#!/usr/bin/env python3
"""The two boot paths side by side under QEMU (docs/performance.md, "Boot paths").

Boots one tree (default: configs/test-three-domains.dts, with debug-exit) both
ways, --runs times each, alternating: UEFI (OVMF, the ESP `tessera esp` makes)
and multiboot2 (SeaBIOS, GRUB, the ISO `tessera image --grub` makes), each
through scripts/qemu-boot. Each serial line is stamped with the host's clock
on arrival; printed are the medians [min-max], in seconds since QEMU started,
of the hypervisor's first line, its boot report's last line, and QEMU's exit
after every domain ended.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

EVENTS = [("hypervisor's first line", "tessera: Tessera hypervisor"),
          ("boot complete", "tessera: boot complete:"),
          ("all domains ended", "tessera: all domains have ended")]


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def prepare(src, build, tree, work):
    esp = os.path.join(work, "esp")
    dtb = os.path.join(esp, "tessera", "launch.dtb")
    run([os.path.join(build, "tessera"), "esp", tree, "-o", esp, "--module-path", build])
    node = "/chosen/hypervisor/config"
    if subprocess.run(["fdtget", dtb, node, "compatible"], capture_output=True).returncode:
        run(["fdtput", "-c", dtb, node])
        run(["fdtput", "-t", "s", dtb, node, "compatible", "xen,config"])
    run(["fdtput", "-t", "s", dtb, node, "bootargs", "debug-exit"])
    iso = os.path.join(work, "tessera.iso")
    run([os.path.join(build, "tessera"), "image", "--grub", dtb, "-o", iso,
         "--hypervisor", os.path.join(esp, "tessera", "tessera.elf"),
         "--module-path", esp, "--module-path", build])
    return {"UEFI (OVMF)": [esp], "multiboot2 (SeaBIOS, GRUB)": ["--cdrom", iso]}


def boot(src, disk):
    """Seconds since QEMU started for each event, and for QEMU's exit."""
    start = time.monotonic()
    proc = subprocess.Popen([os.path.join(src, "scripts", "qemu-boot"), *disk, "--smp", "2",
                             "--mem", "512M", "--timeout", "180"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    seen = {}
    for raw in proc.stdout:
        line = raw.decode("utf-8", "replace")
        for name, text in EVENTS:
            if text in line and name not in seen:
                seen[name] = time.monotonic() - start
    proc.wait()
    seen["QEMU exit"] = time.monotonic() - start
    return seen


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    src = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--build", default=os.path.join(src, "build"))
    ap.add_argument("--tree", default=os.path.join(src, "configs", "test-three-domains.dts"))
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-paths.") as work:
        paths = prepare(src, args.build, args.tree, work)
        results = {p: [] for p in paths}
        for _ in range(args.runs):
            for name, disk in paths.items():
                results[name].append(boot(src, disk))
    print(f"bench/boot/paths: seconds from QEMU start, median of {args.runs} runs [min-max]")
    for name, runs in results.items():
        print(f"\n== {name}")
        for event in [e for e, _ in EVENTS] + ["QEMU exit"]:
            values = [r[event] for r in runs if event in r]
            if len(values) < len(runs):
                print(f"  {event:<28} missing in {len(runs) - len(values)} run(s)")
                continue
            print(f"  {event:<28} {statistics.median(values):7.3f}  "
                  f"[{min(values):.3f}-{max(values):.3f}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
