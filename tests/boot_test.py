#!/usr/bin/env python3
"""Runs one boot test described by a .case file (see tests/README.md).

The ESP is assembled by `tessera esp` from the case's tree, then changed as the
case says (files removed or overwritten, hypervisor options added to the tree's
config node), booted with scripts/qemu-boot, and judged on the serial output
and QEMU's exit status. With `boot multiboot2` in the case, or --bochs MODEL,
that ESP's tree, hypervisor and modules become a GRUB ISO (`tessera image
--grub`) booted through the multiboot2 path: by QEMU's BIOS, or by Bochs with
that CPU model (scripts/bochs-boot), where the exit status is read from the
hypervisor's "exit status N via debug-exit" line.
"""
import argparse
import codecs
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time

DIRECTIVES = {
    "tree", "bootargs", "esp-remove", "esp-write", "esp-copy", "esp-dtb", "smp", "mem",
    "timeout", "expect", "expect-count", "expect-order", "expect-range", "forbid", "stop-on",
    "exit", "send-after", "prepare", "boot", "bochs-cpu", "qemu-args",
}
BOCHS_EXIT_LINE = re.compile(r"tessera: exit status (\d+) via debug-exit")

# `prepare` scripts exit with this when what they fetch cannot be had; the
# test is then skipped (ctest's SKIP_RETURN_CODE), not failed.
SKIP = 77


class CaseError(Exception):
    pass


def parse_case(path):
    case = {"expect": [], "expect-count": [], "expect-order": [], "expect-range": [],
            "forbid": [], "stop-on": [],
            "esp-remove": [], "esp-write": [], "esp-copy": [], "send-after": [], "esp-dtb": None, "bootargs": "",
            "prepare": [],
            "smp": "1", "mem": "512M", "timeout": "120", "exit": None, "tree": None,
            "boot": "uefi", "bochs-cpu": [], "qemu-args": []}
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, _, value = line.strip().partition(" ")
            value = value.strip()
            where = f"{path}:{lineno}"
            if key not in DIRECTIVES:
                raise CaseError(f"{where}: unknown directive '{key}'")
            if key == "boot" and value not in ("uefi", "multiboot2"):
                raise CaseError(f"{where}: boot is uefi or multiboot2")
            if key in ("expect", "forbid", "stop-on", "esp-remove", "expect-order", "bochs-cpu"):
                case[key].append(value)
            elif key == "expect-count":
                count, _, text = value.partition(" ")
                if not count.isdigit() or not text:
                    raise CaseError(f"{where}: expect-count needs 'N text'")
                case[key].append((int(count), text))
            elif key == "expect-range":
                low, high, pattern = (value.split(" ", 2) + ["", ""])[:3]
                if not low.isdigit() or not high.isdigit() or pattern.count("{N}") != 1:
                    raise CaseError(f"{where}: expect-range needs 'LOW HIGH text {{N}} text'")
                case[key].append((int(low), int(high), pattern))
            elif key == "send-after":
                trigger, sep, text = value.partition(" => ")
                if not sep or not trigger or not text:
                    raise CaseError(f"{where}: send-after needs 'TRIGGER => TEXT'")
                data = codecs.decode(text, "unicode_escape").encode("latin-1")
                case[key].append((trigger, data))
            elif key == "prepare":
                script, _, dest = value.partition(" ")
                if not script or not dest:
                    raise CaseError(f"{where}: prepare needs 'SCRIPT DIR'")
                case[key].append((script, dest))
            elif key in ("esp-write", "esp-copy"):
                dest, _, text = value.partition(" ")
                if key == "esp-copy" and (not dest or not text):
                    raise CaseError(f"{where}: esp-copy needs 'REL PATH'")
                case[key].append((dest, text))
            elif key == "bootargs":
                case[key] = (case[key] + " " + value).strip()
            elif key == "qemu-args":
                case[key] += value.split()
            else:
                case[key] = value
    if not case["tree"]:
        raise CaseError(f"{path}: no 'tree' directive")
    if case["exit"] is None and not case["stop-on"]:
        raise CaseError(f"{path}: needs 'exit N' or 'stop-on TEXT' so the test can fail")
    return case


def run(cmd, **kw):
    result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if result.returncode != 0:
        raise CaseError(f"{' '.join(map(shlex.quote, cmd))} failed ({result.returncode}):\n"
                        f"{result.stdout}{result.stderr}")
    return result.stdout


def set_hypervisor_bootargs(dtb, extra):
    """Appends words to /chosen/hypervisor/config bootargs (created if absent)."""
    node = "/chosen/hypervisor/config"
    have = subprocess.run(["fdtget", dtb, node, "compatible"], capture_output=True)
    if have.returncode != 0:
        run(["fdtput", "-c", dtb, node])
        run(["fdtput", "-t", "s", dtb, node, "compatible", "xen,config"])
    old = subprocess.run(["fdtget", "-t", "s", dtb, node, "bootargs"],
                         capture_output=True, text=True)
    args = (old.stdout.strip() + " " + extra).strip() if old.returncode == 0 else extra
    run(["fdtput", "-t", "s", dtb, node, "bootargs", args])


class Skip(Exception):
    pass


def prepare(case, args):
    """Runs each `prepare SCRIPT DIR` (DIR inside the build tree) before the ESP is made."""
    for script, dest in case["prepare"]:
        cmd = [os.path.join(args.source_dir, script), os.path.join(args.build_dir, dest)]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode == SKIP:
            raise Skip(result.stderr.strip())
        if result.returncode != 0:
            raise CaseError(f"{' '.join(cmd)} failed ({result.returncode}):\n"
                            f"{result.stdout}{result.stderr}")


def assemble_esp(case, args, esp):
    tree = os.path.join(args.source_dir, case["tree"])
    run([os.path.join(args.build_dir, "tessera"), "esp", tree, "-o", esp,
         "--module-path", args.build_dir])
    dtb = os.path.join(esp, "tessera", "launch.dtb")
    if case["esp-dtb"]:
        run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dtb,
             os.path.join(args.source_dir, case["esp-dtb"])])
    if case["bootargs"]:
        set_hypervisor_bootargs(dtb, case["bootargs"])
    for rel in case["esp-remove"]:
        target = os.path.join(esp, rel)
        if not os.path.exists(target):
            raise CaseError(f"esp-remove {rel}: not in the assembled ESP")
        os.remove(target)
    for rel, text in case["esp-write"]:
        with open(os.path.join(esp, rel), "w", encoding="ascii") as f:
            f.write(text)
    for rel, src in case["esp-copy"]:
        shutil.copyfile(os.path.join(args.source_dir, src), os.path.join(esp, rel))


def make_grub_iso(args, esp, iso):
    """The assembled ESP's tree, hypervisor and modules as a GRUB ISO (multiboot2 path)."""
    run([os.path.join(args.build_dir, "tessera"), "image", "--grub",
         os.path.join(esp, "tessera", "launch.dtb"), "-o", iso,
         "--hypervisor", os.path.join(esp, "tessera", "tessera.elf"),
         "--module-path", esp, "--module-path", args.build_dir])


def mem_mib(size):
    """QEMU's SIZE (512M, 1G) in MiB, for Bochs."""
    units = {"M": 1, "G": 1024}
    return str(int(size[:-1]) * units[size[-1].upper()]) if size[-1].upper() in units \
        else str(int(size) >> 20)


def boot_command(case, args, esp, iso):
    if args.bochs:
        return [os.path.join(args.source_dir, "scripts", "bochs-boot"), iso, "--cpu", args.bochs,
                "--smp", case["smp"], "--mem", mem_mib(case["mem"]),
                "--timeout", case["timeout"]] + (["--input"] if case["send-after"] else [])
    disk = ["--cdrom", iso] if iso else [esp]
    return [os.path.join(args.source_dir, "scripts", "qemu-boot"), *disk,
            "--smp", case["smp"], "--mem", case["mem"], "--timeout", case["timeout"]] + \
        (["--", *case["qemu-args"]] if case["qemu-args"] else [])


def boot(case, args, esp, iso, log_path):
    """Boots the ESP or ISO; returns (exit status or None if stopped, serial text)."""
    cmd = boot_command(case, args, esp, iso)
    sends = list(case["send-after"])
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if sends else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    lines, stopped = [], threading.Event()

    def send_due():
        """Types each send-after text, in case order, once its trigger has appeared
        (in any line so far: two domains reach their triggers in either order)."""
        if not sends:
            return
        text = "".join(lines)
        try:
            while sends and sends[0][0] in text:
                proc.stdin.write(sends.pop(0)[1])
                proc.stdin.flush()
        except BrokenPipeError:
            sends.clear()       # QEMU has gone; the expectations will say so

    def reader():
        with open(log_path, "wb") as log:
            for raw in proc.stdout:
                log.write(raw)
                log.flush()
                text = raw.decode("utf-8", "replace")
                lines.append(text)
                sys.stdout.write(text)
                send_due()
                if any(s in text for s in case["stop-on"]):
                    stopped.set()
                    # timeout(1) moves QEMU to its own process group; the
                    # session holds them all. Bochs ignores SIGTERM.
                    subprocess.run(["pkill", "-KILL" if args.bochs else "-TERM",
                                    "-s", str(proc.pid)])

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    rc = proc.wait()
    t.join(timeout=10)
    out = "".join(lines)
    if args.bochs and rc not in (77, 124):
        # Bochs ends with 1 whatever happened: the hypervisor's own line says.
        status = BOCHS_EXIT_LINE.search(out)
        rc = (int(status.group(1)) << 1) | 1 if status else -1
    return (None if stopped.is_set() else rc), out


def range_value(pattern, text):
    """The integer at {N} of the first line matching pattern ({} is any integer), or None."""
    parts = [re.escape(p) for p in pattern.split("{N}")]
    regex = r"(\d+)".join(p.replace(re.escape("{}"), r"\d+") for p in parts)
    match = re.search(regex, text)
    return int(match.group(1)) if match else None


def judge(case, rc, out):
    failures = []
    clean = re.sub(r"\x1b\[[0-9;=?]*[A-Za-z]", "", out)
    for text in case["expect"]:
        if text not in clean:
            failures.append(f"expected line not seen: {text}")
    for count, text in case["expect-count"]:
        seen = clean.count(text)
        if seen != count:
            failures.append(f"expected {count} x '{text}', saw {seen}")
    for low, high, pattern in case["expect-range"]:
        value = range_value(pattern, clean)
        if value is None:
            failures.append(f"expected line not seen: {pattern}")
        elif not low <= value <= high:
            failures.append(f"{pattern}: N = {value}, expected {low} to {high}")
    pos = 0
    for text in case["expect-order"]:
        found = clean.find(text, pos)
        if found < 0:
            failures.append(f"expected (in order) not seen after offset {pos}: {text}")
            break
        pos = found + len(text)
    for text in case["forbid"]:
        if text in clean:
            failures.append(f"forbidden line seen: {text}")
    if case["stop-on"] and rc is not None:
        failures.append(f"QEMU ended (status {rc}) before any stop-on line appeared")
    if case["exit"] is not None and rc is not None and rc != int(case["exit"]):
        meaning = {124: "timeout", 1: "hv success", 3: "hv failure", 5: "hv panic",
                   0: "power-off without status",
                   -1: "Bochs ended without an exit status line"}.get(rc, "?")
        failures.append(f"QEMU exit status {rc} ({meaning}), expected {case['exit']}")
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("case")
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--keep", action="store_true", help="keep the ESP and log")
    ap.add_argument("--bochs", metavar="MODEL",
                    help="boot the GRUB ISO in Bochs with this CPU model (exit 77 without bochs)")
    args = ap.parse_args()

    try:
        case = parse_case(args.case)
    except CaseError as e:
        print(f"boot-test: {e}")
        return 2

    name = os.path.splitext(os.path.basename(args.case))[0]
    if args.bochs:
        if not shutil.which("bochs"):
            print(f"boot-test: {name}: bochs not installed (scripts/setup); skipped")
            return 77
        name = f"{name}.bochs-{args.bochs}"
    work = tempfile.mkdtemp(prefix=f"boot-{name}.")
    esp = os.path.join(work, "esp")
    iso = None
    if args.bochs or case["boot"] == "multiboot2":
        iso = os.path.join(work, "tessera.iso")
    log = os.path.join(args.build_dir, "tests", f"{name}.log")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    started = time.monotonic()
    try:
        prepare(case, args)
        assemble_esp(case, args, esp)
        if iso:
            make_grub_iso(args, esp, iso)
        rc, out = boot(case, args, esp, iso, log)
        if rc == 77:
            print(f"boot-test: {name}: skipped (emulator or firmware missing)")
            return 77
    except CaseError as e:
        print(f"boot-test: {name}: {e}")
        return 1
    except Skip as e:
        print(f"boot-test: {name}: SKIPPED: {e}")
        return SKIP
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    failures = judge(case, rc, out)
    took = time.monotonic() - started
    status = "stopped" if rc is None else f"exit {rc}"
    if failures:
        print(f"\nboot-test: {name}: FAIL ({status}, {took:.1f} s; serial log {log})")
        for f in failures:
            print(f"  - {f}")
        return 1
    print(f"\nboot-test: {name}: PASS ({status}, {took:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
