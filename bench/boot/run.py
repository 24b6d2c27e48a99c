#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boot-time benchmark: the same QEMU boots, in one run,

  linux    Debian's kernel directly (QEMU -kernel with its PVH entry, no UEFI),
  xen      Xen 4.17 (Debian's xen.efi from OVMF) with that kernel as PV dom0,
  guests   Tessera from OVMF with two of our test guests (bench/boot/tessera-guests.dts),
  tlinux   Tessera from OVMF with that kernel as one PVH domain with one vCPU
           per machine CPU (bench/boot/tessera-linux.dts, its cpus set to
           --smp), to its userspace,
  tlinux2  Tessera from OVMF with that kernel as two PVH domains of one vCPU
           plus the two test guests (bench/boot/tessera-linux2.dts), until both
           Linux domains are in userspace and both guests have printed,

each --runs times, and prints per phase the median time in seconds from QEMU's
start (and the spread), and for each Tessera setup the milliseconds from the
hypervisor's entry to the last domain's first instruction, with the image
placement copies made in them (issue 15's target: 50 ms plus placement). Times are host-side: each serial line is stamped as it
arrives; Tessera's own timeline (us since the loader started) is placed on that
clock by the arrival of the loader's first line. Results go in
docs/performance.md with the command. See --help.
"""
import argparse
import gzip
import os
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OVMF_CODE = os.environ.get("OVMF_CODE", "/usr/share/OVMF/OVMF_CODE_4M.fd")
OVMF_VARS = os.environ.get("OVMF_VARS", "/usr/share/OVMF/OVMF_VARS_4M.fd")
XEN_PKG = "xen-hypervisor-4.17-amd64"
BUSYBOX_PKG = "busybox-static"
USERSPACE_MARK = "bench-boot: userspace"
SETUPS = ("linux", "xen", "guests", "tlinux", "tlinux2")
GUEST_MARKS = [r"^alpha: hello from alpha", r"^beta: hello from beta"]
# The Linux domains of the Tessera trees, by the names their consoles print.
LINUX_DOMAINS = {"tlinux": ["linux1"], "tlinux2": ["linux1", "linux2"]}
LINUX_ARGS = "nokaslr rdinit=/init"
# Xen as Debian ships it, told where its console is and how much dom0 gets.
# smap=0: under QEMU 7.2 TCG, with SMAP on, dom0 dies on its first instruction
# that touches its stack (#PF[0001] from create_bounce_frame).
XEN_ARGS = ("console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all noreboot "
            "dom0_mem=256M,max:256M smap=0")
ANSI = re.compile(r"\x1b\[[0-9;=?]*[A-Za-z]")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- assets

def fetch_deb(cache, pkg):
    """apt-get download + dpkg -x of one package into cache/root (once)."""
    stamp = os.path.join(cache, "root", ".%s" % pkg)
    if os.path.exists(stamp):
        return
    debdir = os.path.join(cache, "deb")
    os.makedirs(debdir, exist_ok=True)
    for f in os.listdir(debdir):
        if f.startswith(pkg + "_"):
            os.unlink(os.path.join(debdir, f))
    subprocess.run(["apt-get", "download", "-q", pkg], cwd=debdir, check=True,
                   stdout=subprocess.DEVNULL)
    deb = [f for f in os.listdir(debdir) if f.startswith(pkg + "_")][0]
    subprocess.run(["dpkg", "-x", os.path.join(debdir, deb), os.path.join(cache, "root")],
                   check=True)
    open(stamp, "w").close()


def cpio_newc(entries):
    """An uncompressed newc archive; entries are (name, mode, data, rdev_major, rdev_minor)."""
    out = bytearray()
    for ino, (name, mode, data, major, minor) in enumerate(entries + [("TRAILER!!!", 0, b"", 0, 0)], 1):
        nm = name.encode() + b"\0"
        hdr = "070701" + "".join("%08X" % v for v in (
            ino if name != "TRAILER!!!" else 0, mode, 0, 0, 1, 0, len(data), 0, 0,
            major, minor, len(nm), 0))
        out += hdr.encode() + nm
        out += b"\0" * (-len(out) % 4)
        out += data
        out += b"\0" * (-len(out) % 4)
    return bytes(out)


def make_initramfs(cache):
    """busybox-static plus an /init that prints the userspace mark and powers off."""
    path = os.path.join(cache, "initramfs.cpio")
    if os.path.exists(path):
        return path
    with open(os.path.join(cache, "root", "bin", "busybox"), "rb") as f:
        busybox = f.read()
    init = ("#!/bin/busybox sh\n/bin/busybox echo %s\n/bin/busybox poweroff -f\n"
            % USERSPACE_MARK).encode()
    archive = cpio_newc([
        ("bin", 0o040755, b"", 0, 0),
        ("dev", 0o040755, b"", 0, 0),
        ("dev/console", 0o020600, b"", 5, 1),
        ("bin/busybox", 0o100755, busybox, 0, 0),
        ("bin/sh", 0o120777, b"busybox", 0, 0),
        ("init", 0o100755, init, 0, 0),
    ])
    with open(path + ".tmp", "wb") as f:
        f.write(archive)
    os.replace(path + ".tmp", path)
    return path


def prepare(build):
    cache = os.path.join(build, "bench-boot")
    os.makedirs(cache, exist_ok=True)
    kernel_dir = os.path.join(build, "debian-kernel")
    r = subprocess.run([os.path.join(TOP, "scripts", "fetch-debian-kernel"), kernel_dir],
                       stdout=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit("bench/boot: cannot fetch Debian's kernel (scripts/fetch-debian-kernel)")
    assets = {"vmlinuz": r.stdout.strip(), "vmlinux": os.path.join(kernel_dir, "vmlinux")}
    for pkg in (XEN_PKG, BUSYBOX_PKG):
        fetch_deb(cache, pkg)
    assets["xen.efi"] = os.path.join(cache, "root", "boot", "xen-4.17-amd64.efi")
    assets["initramfs"] = make_initramfs(cache)
    return cache, assets


def xen_esp(work, assets, kernel):
    """xen.efi as the removable-media boot file; it reads BOOTX64.cfg beside itself."""
    esp = os.path.join(work, "xen-esp")
    boot = os.path.join(esp, "EFI", "BOOT")
    os.makedirs(boot, exist_ok=True)
    shutil.copy(assets["xen.efi"], os.path.join(boot, "BOOTX64.EFI"))
    shutil.copy(assets[kernel], os.path.join(boot, kernel))
    shutil.copy(assets["initramfs"], os.path.join(boot, "initrd.img"))
    with open(os.path.join(boot, "BOOTX64.cfg"), "w") as f:
        f.write("[global]\ndefault=bench\n\n[bench]\noptions=%s\n"
                "kernel=%s console=hvc0 earlyprintk=xen %s\nramdisk=initrd.img\n"
                % (XEN_ARGS, kernel, LINUX_ARGS))
    return esp


def tree_with_vcpus(work, tree, vcpus):
    """A copy of a one-domain tree whose `cpus = <1>;` becomes vcpus."""
    with open(tree) as f:
        text = f.read()
    text, n = re.subn(r"cpus = <1>;", "cpus = <%d>;" % vcpus, text)
    if n != 1:
        sys.exit("bench/boot: %s: expected one `cpus = <1>;`, found %d" % (tree, n))
    out = os.path.join(work, "vcpus%d-%s" % (vcpus, os.path.basename(tree)))
    with open(out, "w") as f:
        f.write(text)
    return out


def tessera_esp(work, build, tree, name):
    esp = os.path.join(work, name + "-esp")
    subprocess.run([os.path.join(build, "tessera"), "esp", tree, "-o", esp,
                    "--module-path", build], check=True, stdout=subprocess.DEVNULL)
    return esp


# ---------------------------------------------------------------- one boot

def qemu_cmd(args, work, esp=None):
    """The machine of scripts/qemu-boot: q35, TCG, -cpu max."""
    cmd = ["qemu-system-x86_64", "-machine", "q35", "-accel", "tcg", "-cpu", "max",
           "-smp", str(args.smp), "-m", args.mem, "-nographic", "-no-reboot",
           "-monitor", "none", "-serial", "stdio", "-net", "none"]
    if args.mem_prealloc:
        cmd.append("-mem-prealloc")
    if esp:
        vars_fd = os.path.join(work, "vars.fd")
        shutil.copy(OVMF_VARS, vars_fd)
        cmd += ["-drive", "if=pflash,format=raw,readonly=on,file=" + OVMF_CODE,
                "-drive", "if=pflash,format=raw,file=" + vars_fd,
                "-drive", "format=raw,file=fat:rw:" + esp,
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    return cmd


def run_qemu(cmd, done, timeout):
    """Runs QEMU, returns [(seconds since start, line)] until done(line) or timeout."""
    lines, buf = [], b""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    fd = p.stdout.fileno()
    try:
        while True:
            left = t0 + timeout - time.monotonic()
            if left <= 0:
                lines.append((time.monotonic() - t0, "bench-boot: TIMEOUT"))
                break
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            now = time.monotonic() - t0
            if not chunk:
                break
            buf += chunk
            *complete, buf = re.split(rb"\r?\n|\r", buf)
            stop = False
            for raw in complete:
                text = ANSI.sub("", raw.decode("utf-8", "replace")).strip()
                if text:
                    lines.append((now, text))
                    stop = stop or done(text)
            if stop:
                break
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    return lines


def first(lines, pattern, after=0.0):
    rx = re.compile(pattern)
    for t, text in lines:
        if t >= after and rx.search(text):
            return t, rx.search(text)
    return None, None


# ---------------------------------------------------------------- phases

MIB = 1 << 20


def phases_linux(lines):
    ph = []
    t, _ = first(lines, r"Linux version")
    ph.append(("kernel's first line", t, None))
    t, _ = first(lines, r"Run /init as init process|Freeing unused kernel")
    ph.append(("init started", t, None))
    t, _ = first(lines, re.escape(USERSPACE_MARK))
    ph.append(("userspace", t, None))
    return ph


def phases_xen(lines, assets, xen_kernel):
    ph = []
    t_fw, _ = first(lines, r"Xen \d+\.\d+.*EFI loader")
    ph.append(("firmware (loader's first line)", t_fw, None))
    # xen.efi prints "NAME: 0xSTART-0xEND" before reading the file: a read ends
    # at the next line (the last one's at Xen's first line, so it includes
    # ExitBootServices and Xen's early set-up: a lower bound on the rate).
    names = [(xen_kernel, xen_kernel), ("initrd.img", "initramfs")]
    starts = [first(lines, r"^%s: 0x" % re.escape(name))[0] for name, _ in names]
    ends = starts[1:] + [first(lines, r"\(XEN\) Xen version")[0]]
    for (name, key), t0, t1 in zip(names, starts, ends):
        size = os.path.getsize(assets[key])
        rate = size / MIB / (t1 - t0) if t0 is not None and t1 is not None and t1 > t0 else None
        last = " (until Xen's first line)" if (name, key) == names[-1] else ""
        ph.append(("  read %s (%.1f MiB)%s" % (name, size / MIB, last), t1, rate))
    t, _ = first(lines, r"\(XEN\) Xen version")
    ph.append(("hypervisor's first line", t, None))
    t, _ = first(lines, r"\(XEN\) Brought up \d+ CPUs")
    ph.append(("CPUs up", t, None))
    t, _ = first(lines, r"\(XEN\) \*\*\* Building a PV Dom0")
    ph.append(("dom0 build starts", t, None))
    t, _ = first(lines, r"\(XEN\) Freed \d+kB init memory")
    ph.append(("dom0 first instruction (Xen's init freed)", t, None))
    t, _ = first(lines, r"Linux version")
    ph.append(("dom0 kernel's first line", t, None))
    t, _ = first(lines, re.escape(USERSPACE_MARK))
    ph.append(("dom0 userspace", t, None))
    return ph


def tessera_clock(lines):
    """Tessera's own clock, ms since the loader started: (stamps, offset).
    stamps[i] is line i's `[ms]` stamp, corrected for lines printed before
    the TSC was calibrated (they ran on the loader's estimate of its rate);
    offset places that clock on the host's: the smallest arrival - stamp over
    the stamped lines, since a line arrives after it is printed, never before.
    None if there are no stamped lines."""
    _, m = first(lines, r"tessera-loader: ACPI RSDP .*, TSC (\d+) kHz")
    loader_khz = int(m.group(1)) if m else None
    _, m = first(lines, r"\] tessera: tsc: ([\d.]+) MHz")
    khz = float(m.group(1)) * 1000 if m else None
    stamps, calibrated = [], False
    for t, text in lines:
        m = re.search(r"^\[ *([\d.]+)\] ", text)
        if not m:
            stamps.append(None)
            continue
        ms = float(m.group(1))
        if not calibrated and re.search(r"\] tessera: tsc: [\d.]+ MHz", text):
            calibrated = True
        if not calibrated and loader_khz and khz:
            ms = ms * loader_khz / khz
        stamps.append(ms)
    gaps = [t - ms / 1e3 for (t, _), ms in zip(lines, stamps) if ms is not None]
    return stamps, (min(gaps) if gaps else None)


def phases_tessera(lines, guest_marks, linux_domains=()):
    """Tessera's phases on its own clock (tessera_clock()), its boot timeline
    (us since the loader started) on the same clock, and the guests' output and
    the loader's lines by their arrival (they carry no stamp)."""
    ph = []
    stamps, offset = tessera_clock(lines)
    t_ld, _ = first(lines, r"tessera-loader: Tessera UEFI loader")
    ph.append(("firmware (loader's first line)", t_ld, None))
    seen = {}
    for t, text in lines:
        m = re.search(r"tessera-loader: read (\S+): (\d+) bytes in [\d.]+ ms, (\d+) MiB/s", text)
        if m:
            seen[m.group(1)] = seen.get(m.group(1), 0) + 1
            label = "  read %s (%.1f MiB)" % (m.group(1), int(m.group(2)) / MIB)
            if seen[m.group(1)] > 1:
                label += " #%d" % seen[m.group(1)]
            ph.append((label, t, float(m.group(3))))
    def at(pattern):
        """Host time of the first stamped line matching pattern, on Tessera's clock."""
        rx = re.compile(pattern)
        for (_, text), ms in zip(lines, stamps):
            if ms is not None and rx.search(text):
                return offset + ms / 1e3, text
        return None, None
    timeline = {}
    for _, text in lines:
        m = re.search(r"^\[ *[\d.]+\] +(\d+) +\d+  (.*)$", text)
        if m:
            timeline.setdefault(m.group(2), int(m.group(1)))
    def event(name):
        us = timeline.get(name)
        return offset + us / 1e6 if us is not None and offset is not None else None
    ph.append(("ExitBootServices", event("ExitBootServices"), None))
    ph.append(("hypervisor entry", event("hv entry"), None))
    cpus = [k for k in timeline if k.startswith("cpus online")]
    ph.append(("CPUs up", event(cpus[0]) if cpus else None, None))
    for label, pattern in (("page allocator ready", r"\] tessera: page allocator:"),
                           ("TSC rate known", r"\] tessera: tsc: \d"),
                           ("LAPIC timer rate known", r"\] tessera: timer: ")):
        ph.append((label, at(pattern)[0], None))
    t_prev = None
    for (_, text), ms in zip(lines, stamps):
        m = re.search(r"\] tessera: (svm: revision|domain (\S+) \(id \d+\): \w+, (\d+) MiB)", text)
        if not m or ms is None:
            continue
        t = offset + ms / 1e3
        if m.group(2):
            rate = int(m.group(3)) / (t - t_prev) if t_prev is not None and t > t_prev else None
            ph.append(("domain %s built (%s MiB)" % (m.group(2), m.group(3)), t, rate))
        t_prev = t
    for _, text in lines:
        m = re.search(r"\] tessera: domain (\S+) \(id \d+\): first instruction at (\d+) us", text)
        if m:
            ph.append(("domain %s first instruction" % m.group(1),
                       offset + int(m.group(2)) / 1e6, None))
    for mark in guest_marks:
        ph.append(("first output: %s" % mark, first(lines, mark)[0], None))
    for name in linux_domains:
        ph.append(("%s kernel's first line" % name,
                   first(lines, r"^%s: .*Linux version" % re.escape(name))[0], None))
        ph.append(("%s userspace" % name,
                   first(lines, r"^%s: %s" % (re.escape(name), re.escape(USERSPACE_MARK)))[0],
                   None))
    return ph


def entry_to_last_first(ph, lines):
    """(ms from the hypervisor's entry to the last domain's first instruction, ms of
    image placement copies in between), both on Tessera's clock: the issue's target is
    the first within 50 ms plus the second. None if the boot did not get that far."""
    times = {n: t for n, t, _ in ph if t is not None}
    firsts = [t for n, t in times.items() if n.startswith("domain ") and
              n.endswith(" first instruction")]
    if "hypervisor entry" not in times or not firsts:
        return None
    placed = sum(int(m.group(1)) for m in
                 (re.search(r"\] tessera: domain \S+ \(id \d+\): images placed: \d+ KiB copied "
                            r"in (\d+) us", text) for _, text in lines) if m)
    return (max(firsts) - times["hypervisor entry"]) * 1e3, placed / 1e3


# ---------------------------------------------------------------- self-test

# Lines as they arrived in real boots (host seconds, text), cut down.
SAMPLE_TESSERA = [
    (10.087, "tessera-loader: Tessera UEFI loader"),
    (10.100, "tessera-loader: ACPI RSDP 0x3f77d014, framebuffer 0xc0000000 1280x800, TSC 2700000 kHz"),
    (10.120, "tessera-loader: read \\guests\\hello.elf: 26376 bytes in 0.1 ms, 245 MiB/s"),
    (10.125, "tessera-loader: read \\guests\\hello.elf: 26376 bytes in 0.1 ms, 300 MiB/s"),
    (10.276, "[     179.597] tessera: Tessera hypervisor 0.1.0"),
    (10.277, "[     179.701] tessera: hypervisor entry"),
    (10.291, "[     201.566] tessera: page allocator: 1015 MiB free in 9 zones (metadata 256 KiB at 0x3fe10000)"),
    (10.328, "[     240.267] tessera: tsc: 2596.155 MHz calibrated against PM timer over 8120 us, error <= 24 ppm"),
    (10.427, "[     339.669]         155715     155715  ExitBootServices"),
    (10.427, "[     339.726]         180826      25111  hv entry"),
    (10.427, "[     339.861]         332078        993  cpus online 2"),
    (10.500, "[     382.121] tessera: svm: revision 1, 16 ASIDs, nested paging, features 0x10010001, xsave"),
    (10.930, "[     841.904] tessera: domain alpha (id 1): images placed: 3 KiB copied in 62 us (45 MiB/s, all CPUs), 0 KiB mapped in 0 us"),
    (10.931, "[     842.212] tessera: domain alpha (id 1): pvh, 32 MiB, 1 vCPU(s), entry 0x100000, P2M 4/416 pages, vCPU 0 on CPU 0, RAM cleared lazily"),
    (11.058, "[     969.611] tessera: domain beta (id 2): first instruction at 969002 us"),
    (11.059, "[     969.956] tessera: domain alpha (id 1): first instruction at 969459 us"),
    (11.061, "alpha: hello from alpha: PASS"),
    (11.500, "linux1: [    0.000000] Linux version 6.1.0-57-amd64 (debian-kernel@lists.debian.org)"),
    (14.250, "linux1: " + USERSPACE_MARK),
]
SAMPLE_XEN = [
    (5.482, "Xen 4.17.7 (c/s ) EFI loader"),
    (5.490, "vmlinux: 0x000000003c1f5000-0x000000003c9d27c0"),
    (5.543, "initrd.img: 0x000000003dca1000-0x000000003de852d4"),
    (5.575, "(XEN) Xen version 4.17.7 (Debian 4.17.7+13-g2445b30a44-0+deb12u1) debug=n"),
    (7.137, "(XEN) Brought up 2 CPUs"),
    (7.216, "(XEN) *** Building a PV Dom0 ***"),
    (16.091, "(XEN) Freed 2048kB init memory"),
    (61.959, "[    0.000000] Linux version 6.1.0-57-amd64 (debian-kernel@lists.debian.org)"),
    (92.781, USERSPACE_MARK),
]


def self_test():
    """The phase parsers and the cpio writer on recorded lines; exit status 1 on a mismatch."""
    def at(ph, label):
        return [(t, r) for n, t, r in ph if n == label]
    failures = []
    phases = phases_tessera(SAMPLE_TESSERA, [r"^alpha: hello"], ["linux1"])
    ph = dict((n, (t, r)) for n, t, r in phases)
    target = entry_to_last_first(phases, SAMPLE_TESSERA)
    if target is None or abs(target[0] - 788.633) > 1e-3 or target[1] != 0.062:
        failures.append("tessera: entry to the last first instruction %s, expected (788.633, "
                        "0.062) ms" % (target,))
    # Lines before the tsc: line ran on the loader's 2700000 kHz, not 2596155:
    # the page allocator line is the one with the least lag, so it anchors.
    off = 10.291 - 0.201566 * 2700000 / 2596155
    want = {"firmware (loader's first line)": 10.087, "hypervisor entry": off + 0.180826,
            "ExitBootServices": off + 0.155715, "CPUs up": off + 0.332078,
            "page allocator ready": 10.291, "TSC rate known": off + 0.240267,
            "domain alpha built (32 MiB)": off + 0.842212,
            "domain alpha first instruction": off + 0.969459,
            "first output: ^alpha: hello": 11.061,
            "linux1 kernel's first line": 11.500, "linux1 userspace": 14.250,
            "  read \\guests\\hello.elf (0.0 MiB)": 10.120,
            "  read \\guests\\hello.elf (0.0 MiB) #2": 10.125}
    for label, t in want.items():
        if label not in ph or ph[label][0] is None or abs(ph[label][0] - t) > 1e-6:
            failures.append("tessera: %s: %s, expected %.6f" % (label, ph.get(label), t))
    rate = ph.get("domain alpha built (32 MiB)", (None, None))[1]
    if rate is None or abs(rate - 32 / (0.842212 - 0.382121)) > 0.01:
        failures.append("tessera: build rate %s, expected %.2f MiB/s" % (rate, 32 / 0.460091))
    if ph.get("  read \\guests\\hello.elf (0.0 MiB)", (0, 0))[1] != 245:
        failures.append("tessera: loader read speed not taken from the loader's line")
    assets = {"vmlinux": __file__, "initramfs": __file__}
    ph = phases_xen(SAMPLE_XEN, assets, "vmlinux")
    rate = [r for n, t, r in ph if n.startswith("  read vmlinux")]
    if rate != [os.path.getsize(__file__) / MIB / (5.543 - 5.490)]:
        failures.append("xen: vmlinux read rate %s, not from its line to the next" % rate)
    for label, t in (("hypervisor's first line", 5.575), ("CPUs up", 7.137),
                     ("dom0 first instruction (Xen's init freed)", 16.091),
                     ("dom0 userspace", 92.781)):
        if at(ph, label) != [(t, None)]:
            failures.append("xen: %s: %s, expected %.3f" % (label, at(ph, label), t))
    archive = cpio_newc([("init", 0o100755, b"#!x\n", 0, 0), ("dev/console", 0o020600, b"", 5, 1)])
    names, off = [], 0
    while True:
        hdr = archive[off:off + 110].decode()
        if hdr[:6] != "070701":
            failures.append("cpio: bad magic at %d" % off)
            break
        size, namesize = int(hdr[54:62], 16), int(hdr[94:102], 16)
        name = archive[off + 110:off + 110 + namesize - 1].decode()
        names.append((name, int(hdr[14:22], 16), int(hdr[78:86], 16), int(hdr[86:94], 16)))
        off += 110 + namesize
        off += -off % 4
        off += size
        off += -off % 4
        if name == "TRAILER!!!":
            break
    if names != [("init", 0o100755, 0, 0), ("dev/console", 0o020600, 5, 1), ("TRAILER!!!", 0, 0, 0)] \
            or off != len(archive):
        failures.append("cpio: entries %s, %d of %d bytes" % (names, off, len(archive)))
    for f in failures:
        print("bench/boot self-test: FAIL: " + f)
    print("bench/boot self-test: %s" % ("FAILED" if failures else "ok"))
    return 1 if failures else 0


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(TOP, "build"),
                    help="build tree (default: build/); needs a full build")
    ap.add_argument("--runs", type=int, default=3, help="boots of each setup (default 3)")
    ap.add_argument("--smp", type=int, default=2, help="CPUs of the virtual machine (default 2)")
    ap.add_argument("--mem", default="1G", help="its RAM, QEMU syntax (default 1G)")
    ap.add_argument("--mem-prealloc", action="store_true",
                    help="back the machine's RAM with host memory before it starts (QEMU "
                         "-mem-prealloc), as a physical machine's is: the host then never "
                         "zeroes a 2 MiB page inside a measured phase when the machine first "
                         "writes it")
    ap.add_argument("--timeout", type=float, default=180, help="seconds per boot (default 180)")
    ap.add_argument("--only", default=",".join(SETUPS),
                    help="comma-separated setups (default: %s)" % ",".join(SETUPS))
    ap.add_argument("--xen-kernel", choices=("vmlinux", "vmlinuz"), default="vmlinux",
                    help="dom0 image Xen gets: the vmlinux ELF all setups load (default) "
                         "or the XZ bzImage Xen decompresses itself")
    ap.add_argument("--logs", help="keep every boot's timestamped serial log in this directory")
    ap.add_argument("--self-test", action="store_true",
                    help="check the log parsers on recorded lines and exit (no boot)")
    args = ap.parse_args()
    if args.self_test:
        sys.exit(self_test())
    build = os.path.abspath(args.build)
    setups = args.only.split(",")
    for s in setups:
        if s not in SETUPS:
            ap.error("unknown setup %s" % s)
    for f in (OVMF_CODE, OVMF_VARS, os.path.join(build, "tessera")):
        if not os.path.exists(f):
            sys.exit("bench/boot: %s missing (scripts/setup, then a full build)" % f)

    cache, assets = prepare(build)
    work = tempfile.mkdtemp(prefix="bench-boot.")
    try:
        results, targets = {}, {}
        esps = {}
        if "xen" in setups:
            esps["xen"] = xen_esp(work, assets, args.xen_kernel)
        for setup, tree in (("guests", "tessera-guests.dts"), ("tlinux", "tessera-linux.dts"),
                            ("tlinux2", "tessera-linux2.dts")):
            if setup in setups:
                tree = os.path.join(TOP, "bench", "boot", tree)
                if setup == "tlinux":
                    tree = tree_with_vcpus(work, tree, args.smp)
                esps[setup] = tessera_esp(work, build, tree, setup)
        for run in range(args.runs):
            for s in setups:
                log("bench/boot: run %d/%d: %s (load %s)" % (run + 1, args.runs, s,
                                                          " ".join(open("/proc/loadavg").read().split()[:3])))
                if s == "linux":
                    cmd = qemu_cmd(args, work) + [
                        "-kernel", assets["vmlinux"], "-initrd", assets["initramfs"],
                        "-append", "console=ttyS0 earlyprintk=serial,ttyS0,115200 " + LINUX_ARGS]
                    lines = run_qemu(cmd, lambda l: USERSPACE_MARK in l, args.timeout)
                    ph = phases_linux(lines)
                elif s == "xen":
                    lines = run_qemu(qemu_cmd(args, work, esps["xen"]),
                                     lambda l: USERSPACE_MARK in l, args.timeout)
                    ph = phases_xen(lines, assets, args.xen_kernel)
                else:
                    marks = ([] if s == "tlinux" else GUEST_MARKS) + [
                        r"^%s: %s" % (d, re.escape(USERSPACE_MARK))
                        for d in LINUX_DOMAINS.get(s, [])]
                    seen = set()
                    def done(l):
                        seen.update(m for m in marks if re.search(m, l))
                        return len(seen) == len(marks)
                    lines = run_qemu(qemu_cmd(args, work, esps[s]), done, args.timeout)
                    ph = phases_tessera(lines, [] if s == "tlinux" else GUEST_MARKS,
                                        LINUX_DOMAINS.get(s, []))
                    targets.setdefault(s, []).append(entry_to_last_first(ph, lines))
                if args.logs:
                    os.makedirs(args.logs, exist_ok=True)
                    with open(os.path.join(args.logs, "%s-%d.log" % (s, run + 1)), "w") as f:
                        f.writelines("%9.3f %s\n" % (t, text) for t, text in lines)
                results.setdefault(s, []).append(ph)
        report(results, targets, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def summarise(runs):
    """[(label, times, deltas, rates)] over the runs, in order of median time; a delta
    is the time since the row before it, in the same run."""
    rows = {}
    for ph in runs:
        for name, t, rate in ph:
            ts, rates = rows.setdefault(name, ([], []))
            if t is not None:
                ts.append(t)
            if rate is not None:
                rates.append(rate)
    order = sorted(rows, key=lambda n: statistics.median(rows[n][0]) if rows[n][0] else 1e9)
    out = []
    for i, name in enumerate(order):
        deltas = []
        for ph in runs:
            times = {n: t for n, t, _ in ph if t is not None}
            prev = [times[n] for n in order[:i] if n in times]
            if name in times and prev:
                deltas.append(times[name] - prev[-1])
        out.append((name, rows[name][0], deltas, rows[name][1]))
    return out


def report(results, targets, args):
    titles = {"linux": "Linux direct (QEMU -kernel, PVH entry, no firmware)",
              "xen": "Xen 4.17 from OVMF, Linux (%s) as PV dom0" % args.xen_kernel,
              "guests": "Tessera from OVMF, two test guests (bench/boot/tessera-guests.dts)",
              "tlinux": "Tessera from OVMF, Linux as one PVH domain of %d vCPU(s) "
                        "(bench/boot/tessera-linux.dts)" % args.smp,
              "tlinux2": "Tessera from OVMF, Linux as two PVH domains + two test guests "
                         "(bench/boot/tessera-linux2.dts)"}
    print("bench/boot: seconds from QEMU start, median of %d runs [min-max]; +delta: median time"
          " since the row above in the same run; -smp %d -m %s%s"
          % (args.runs, args.smp, args.mem, " -mem-prealloc" if args.mem_prealloc else ""))
    medians = {}
    for s, runs in results.items():
        print("\n== %s" % titles[s])
        for name, ts, deltas, rates in summarise(runs):
            if not ts:
                print("  %-52s %8s" % (name, "-"))
                continue
            medians[(s, name)] = statistics.median(ts)
            cell = "%8.3f %+8.3f  [%.3f-%.3f]" % (statistics.median(ts),
                                                 statistics.median(deltas) if deltas else 0,
                                                 min(ts), max(ts))
            if rates:
                cell += "  %7.1f MiB/s" % statistics.median(rates)
            print("  %-52s %s" % (name, cell))
        got = [t for t in targets.get(s, []) if t is not None]
        if got:
            ms = [t[0] for t in got]
            print("  hypervisor entry to the last first instruction: %.1f ms [%.1f-%.1f], "
                  "image placement copies in it %.1f ms (medians of %d)"
                  % (statistics.median(ms), min(ms), max(ms),
                     statistics.median(t[1] for t in got), len(got)))
    xen = medians.get(("xen", "dom0 userspace"))
    if xen:
        for setup, what in (("guests", "two test guests' first output"),
                            ("tlinux2", "two Linux domains in userspace and two test guests' "
                                        "first output")):
            ours = [v for (s, name), v in medians.items() if s == setup and
                    (name.startswith("first output") or name.endswith(" userspace"))]
            if len(ours) == len(GUEST_MARKS) + len(LINUX_DOMAINS.get(setup, [])):
                print("\nheadline: %s at %.3f s; Xen's dom0 in userspace at %.3f s: %.2fx"
                      % (what, max(ours), xen, max(ours) / xen))


if __name__ == "__main__":
    main()
