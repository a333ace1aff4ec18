#!/usr/bin/env python3
"""Reference frames at scale: the last frame of synthetic captures with
2,000, 20,000 and 100,000 hosts (made by the shared data's gen_pcap.py)
and of a real nmap SYN scan, rendered small and compared with the PNGs in
tests/reference/scale-*.png over 8x8-pixel blocks (mean difference under
1.5, no block over 40 of 255), so that a reviewer can look at what each
scale shows. Each frame is also checked for what it must show: a crowd
that is not clipped to white, the scanner ringed.

The references hold for one GL driver: the pins file of frame_hashes.py
names it, and on another this test skips. After a deliberate change of
the picture, rewrite them with
    tests/scale_frames.py build/flowswarm DATA --update
and look at them before committing.

usage: scale_frames.py FLOWSWARM DATA_DIR [--update]"""
import os
import subprocess
import sys
import tempfile

from checks import check, finish
from frame_hashes import load_pins, renderer_of

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.join(HERE, "reference")
W, H = 640, 360


def cases(data, tmp):
    """(name, capture, gen_pcap arguments or None, flowswarm arguments)."""
    return [
        ("2k", os.path.join(tmp, "2k.pcap"),
         ["--packets", "40000", "--hosts", "2000", "--seconds", "20"], []),
        ("20k", os.path.join(tmp, "20k.pcap"),
         ["--packets", "200000", "--hosts", "20000", "--seconds", "20"], []),
        ("100k", os.path.join(tmp, "100k.pcap"),
         ["--packets", "400000", "--hosts", "100000", "--seconds", "20"], []),
        ("nmap", os.path.join(data, "pcap", "chrissanders", "synscan.pcapng"), None,
         ["--talkers", "3"]),
    ]


def pixels(path):
    """A PNG's pixels as rgb24 bytes, by ffmpeg."""
    r = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo",
                        "-pix_fmt", "rgb24", "-"], capture_output=True, check=True)
    return r.stdout


def block_diff(a, b):
    """Mean and worst difference of the 8x8 blocks' mean values."""
    diffs = []
    for by in range(0, H, 8):
        for bx in range(0, W, 8):
            sa = sb = 0
            for y in range(by, min(by + 8, H)):
                row = (y * W + bx) * 3
                end = row + min(8, W - bx) * 3
                sa += sum(a[row:end])
                sb += sum(b[row:end])
            diffs.append(abs(sa - sb) / (8 * 8 * 3))
    return sum(diffs) / len(diffs), max(diffs)


def crowd_stats(px):
    """Of the pixels brighter than the background: how many, and the
    share with a channel at 255."""
    lit = top = 0
    for i in range(0, len(px), 3):
        r, g, b = px[i], px[i + 1], px[i + 2]
        if r + g + b >= 60:
            lit += 1
            top += r == 255 or g == 255 or b == 255
    return lit, (top / lit if lit else 1.0)


def render(exe, cap, extra, out):
    r = subprocess.run([exe, "-r", cap, "--duration", "8", "--size", f"{W}x{H}",
                        "--screenshot", out] + extra,
                       capture_output=True, text=True, timeout=600, check=False)
    return r, renderer_of(r.stderr)


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    exe, data = sys.argv[1], sys.argv[2]
    update = "--update" in sys.argv[3:]
    gen = os.path.join(data, "..", "tools", "gen_pcap.py")
    if not os.path.exists(gen) or not os.path.isdir(data):
        print(f"SKIP: the shared data and its gen_pcap.py are not at {data}")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        for name, cap, gen_args, extra in cases(data, tmp):
            if gen_args is not None:
                subprocess.run([sys.executable, gen, cap, "--seed", "7"] + gen_args,
                               check=True, capture_output=True)
            if not os.path.exists(cap):
                print(f"note: {cap} is absent; {name} is not compared")
                continue
            out = os.path.join(tmp, name + ".png")
            r, gl = render(exe, cap, extra, out)
            if r.returncode != 0:
                check(False, f"{name}: exit {r.returncode}: {r.stderr.strip()[-300:]}")
                continue
            px = pixels(out)
            lit, clipped = crowd_stats(px)
            print(f"{name}: {lit} lit pixels, {100 * clipped:.1f}% of them clipped")
            check(lit > W * H // 40, f"{name}: the swarm is drawn ({lit} lit pixels)")
            check(clipped < 0.05, f"{name}: {100 * clipped:.1f}% of the lit pixels clipped")
            if name == "nmap":
                check("1 scanner: 172.16.0.8" in r.stderr,
                      f"{name}: the scanner is named: {r.stderr.strip()[-200:]}")
            ref = os.path.join(REF, f"scale-{name}.png")
            if update:
                with open(out, "rb") as f, open(ref, "wb") as g:
                    g.write(f.read())
                continue
            pinned = load_pins()[0]
            if gl != pinned:
                print(f"SKIP: references were made on '{pinned}', this is '{gl}'")
                return 77
            if not os.path.exists(ref):
                check(False, f"{name}: no reference {ref}; make it with --update")
                continue
            mean, worst = block_diff(px, pixels(ref))
            print(f"{name}: mean block difference {mean:.3f}, worst {worst:.1f} (of 255)")
            check(mean < 1.5 and worst < 40,
                  f"{name}: differs from {ref}: mean {mean:.3f}, worst {worst:.1f}")
    return finish()


if __name__ == "__main__":
    sys.exit(main())
