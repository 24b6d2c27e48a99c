#!/usr/bin/env python3
# The framebuffer console (hv/drivers/fbcon.c) on a real boot: boots
# configs/test-console.dts under QEMU (scripts/qemu-boot, headless: its VGA
# still gives OVMF a GOP framebuffer), waits until every domain but the one
# that waits for input has ended and the screen is still, takes a screendump
# through a QEMU monitor socket and reads the text back glyph by glyph with the
# font the hypervisor was built with. Passes if the screen shows at least 20
# lines, each of them a line of the serial log (the same lines, stamps
# included), among them hypervisor and domain lines, the last the serial
# log's last "destroyed" line.
# usage: fbcon-screendump.py --source-dir DIR --build-dir DIR
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ap = argparse.ArgumentParser()
ap.add_argument("--source-dir", required=True)
ap.add_argument("--build-dir", required=True)
args = ap.parse_args()
src, build = os.path.abspath(args.source_dir), os.path.abspath(args.build_dir)
LAST = "tessera: domain flood (id 4) destroyed after"
W, H = 8, 16


def font():
    """Glyph bitmap (16 bytes) -> character, from the generated font source."""
    glyphs = {}
    text = open(os.path.join(build, "hv", "fbcon_font.c")).read()
    rows = re.findall(r"\{ ((?:0x[0-9a-f]{2}, ){15}0x[0-9a-f]{2}) \}", text)
    for i, row in enumerate(rows):
        glyphs.setdefault(bytes(int(b, 16) for b in row.split(", ")), chr(0x20 + i))
    return glyphs


def read_ppm(path):
    data = open(path, "rb").read()
    magic, width, height, maxval, rest = data.split(maxsplit=4)
    assert magic == b"P6" and maxval == b"255", "not a binary 8-bit PPM"
    return int(width), int(height), rest


def screen_text(path, glyphs):
    width, height, px = read_ppm(path)
    lines = []
    for row in range(height // H):
        chars = []
        for col in range(width // W):
            bits = bytearray(H)
            for y in range(H):
                base = ((row * H + y) * width + col * W) * 3
                for x in range(W):
                    if any(px[base + 3 * x: base + 3 * x + 3]):
                        bits[y] |= 0x80 >> x
            chars.append(glyphs.get(bytes(bits), "\0"))
        lines.append("".join(chars).rstrip())
    return lines


def screendump_complete(path):
    """The PPM is all there: its header and every pixel it announces."""
    try:
        width, height, px = read_ppm(path)
    except (OSError, ValueError, AssertionError):
        return False
    return len(px) >= width * height * 3


def end_qemu(qemu):
    """Ends QEMU at once, whatever it is doing: SIGTERM to the whole
    scripts/qemu-boot group (QEMU exits on it), SIGKILL if that is not enough.
    The monitor's quit is not relied on: QEMU did not always honour it, and the
    test then waited for QEMU's own 240 s timeout."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(qemu.pid, sig)
        except ProcessLookupError:
            break
        try:
            qemu.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            pass
    qemu.wait()


def main():
    work = tempfile.mkdtemp(prefix="fbcon-test.")
    esp, log = os.path.join(work, "esp"), os.path.join(work, "serial.log")
    sock_path, ppm = os.path.join(work, "monitor.sock"), os.path.join(work, "screen.ppm")
    subprocess.run([os.path.join(build, "tessera"), "esp", os.path.join(src, "configs/test-console.dts"),
                    "--module-path", build, "-o", esp], check=True, stdout=subprocess.DEVNULL)
    qemu = subprocess.Popen([os.path.join(src, "scripts/qemu-boot"), esp, "--smp", "2", "--mem", "512M",
                             "--timeout", "240", "--log", log, "--quiet", "--",
                             "-monitor", f"unix:{sock_path},server=on,wait=off"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    failures = []
    try:
        deadline = time.time() + 240
        while time.time() < deadline and qemu.poll() is None:
            if os.path.exists(log) and LAST in open(log, errors="replace").read():
                break
            time.sleep(0.5)
        else:
            failures.append(f"'{LAST}' never appeared on the serial line")
        if not failures:
            time.sleep(2)  # the screen is still: only contest is left, waiting for input
            mon = socket.socket(socket.AF_UNIX)
            mon.connect(sock_path)
            mon.sendall(f"screendump {ppm}\n".encode())
            for _ in range(300):
                if screendump_complete(ppm):
                    break
                time.sleep(0.1)
            else:
                failures.append("QEMU wrote no complete screendump in 30 s")
            mon.close()
    finally:
        end_qemu(qemu)
    serial = open(log, errors="replace").read().replace("\r", "").split("\n") if os.path.exists(log) else []
    if not failures:
        shown = [line for line in screen_text(ppm, font()) if line]
        serial_set = set(line.rstrip() for line in serial)
        print("screen:\n  " + "\n  ".join(shown[-8:]))
        if len(shown) < 20:
            failures.append(f"only {len(shown)} lines on the screen")
        for line in shown:
            if line not in serial_set:
                failures.append(f"on the screen but not on the serial line: {line!r}")
        if not any("] tessera: " in line for line in shown):
            failures.append("no hypervisor line on the screen")
        if not any(line.startswith("flood: ") for line in shown):
            failures.append("no domain console line on the screen")
        if not shown or LAST not in shown[-1]:
            failures.append(f"the last line on the screen is not the last on the serial line: "
                            f"{shown[-1] if shown else None!r}")
    for f in failures[:20]:
        print("FAIL:", f)
    if failures:
        print(f"(kept {work})")
        sys.exit(1)
    shutil.rmtree(work)
    print("fbcon-screendump: PASS")


main()
