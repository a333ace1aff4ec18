#!/usr/bin/env python3
"""Pins the frames of known renders: each case is rendered losslessly,
decoded, and the MD5 of every decoded frame (ffmpeg's framemd5) is hashed
into one digest that must equal the one in tests/reference/frame-hashes.tsv.
A change that is not meant to alter the picture leaves these alone.

The digests hold for one GL driver and one build of the swarm: the file
names the renderer they were made on, and on another the test skips.
After a deliberate change of the picture, rewrite them with
    tests/frame_hashes.py build/flowswarm DATA --update
and look at the frames (the reference PNGs of test_frame) before committing.

usage: frame_hashes.py FLOWSWARM DATA_DIR [--update]"""
import hashlib
import os
import re
import subprocess
import sys
import tempfile

from checks import check, finish

HERE = os.path.dirname(os.path.abspath(__file__))
PINS = os.path.join(HERE, "reference", "frame-hashes.tsv")
SAMPLE = os.path.join(HERE, "..", "samples", "example.pcap")
SMALL = ["--size", "480x270", "--fps", "10", "--crf", "0", "--preset", "ultrafast"]


def cases(data):
    """(name, arguments, files it needs) for each pinned render."""
    ft = os.path.join(data, "flowtools")
    same = os.path.join(ft, "from-pcap", "pcpp_example_mixed_v5_be_z0.ft")
    cap = os.path.join(ft, "capture", "ft-v05.2026-11-22.212803+0000")
    return [
        ("sample", ["-r", SAMPLE, "--duration", "4"], [SAMPLE]),
        ("sample-sqrt-nobloom", ["-r", SAMPLE, "--duration", "3", "--scale", "sqrt",
                                 "--no-bloom", "--talkers", "3"], [SAMPLE]),
        ("flowtools", ["-r", cap, "--duration", "4"], [cap]),
        ("merge", ["-r", SAMPLE, "-r", same, "--duration", "4"], [SAMPLE, same]),
        ("skip-idle", ["-r", SAMPLE, "--skip-idle", "1", "--duration", "4"], [SAMPLE]),
        ("start-stop", ["-r", SAMPLE, "--start", "+5", "--stop", "+12",
                        "--speed", "5"], [SAMPLE]),
        ("screenshot", ["-r", SAMPLE, "--duration", "2", "--screenshot"], [SAMPLE]),
        ("stdin", ["-r", "-", "--speed", "4", "--start", "+2"], [SAMPLE]),
    ]


def renderer_of(stderr):
    """The GL renderer a render's first message names, or '?'."""
    m = re.search(r"fps, speed x[^(]*\((.*)\)", stderr)
    return m.group(1).rsplit(",", 1)[0] if m else "?"


def render(exe, name, args, tmp):
    """Renders one case; returns (renderer, frames, digest) or an error."""
    shot = args[-1] == "--screenshot"  # the still alone: no video
    out = os.path.join(tmp, name + (".png" if shot else ".mkv"))
    stdin = open(SAMPLE, "rb") if "-" in args else subprocess.DEVNULL
    try:
        r = subprocess.run([exe] + args + ([out] if shot else []) + SMALL +
                           ([] if shot else ["-o", out]), stdin=stdin,
                           capture_output=True, text=True, check=False, timeout=600)
    finally:
        if stdin is not subprocess.DEVNULL:
            stdin.close()
    if r.returncode != 0:
        return None, 0, f"exit {r.returncode}: {r.stderr.strip()[-300:]}"
    gl = renderer_of(r.stderr)
    f = subprocess.run(["ffmpeg", "-v", "error", "-i", out, "-pix_fmt", "rgba",
                        "-f", "framemd5", "-"],
                       capture_output=True, text=True, check=True)
    sums = [ln.rsplit(",", 1)[1].strip() for ln in f.stdout.splitlines()
            if ln and not ln.startswith("#")]
    digest = hashlib.md5("\n".join(sums).encode()).hexdigest()
    return gl, len(sums), digest


def load_pins():
    pins, renderer = {}, None
    with open(PINS) as f:
        for ln in f:
            ln = ln.rstrip("\n")
            if ln.startswith("# renderer: "):
                renderer = ln[len("# renderer: "):]
            elif ln and not ln.startswith("#"):
                name, frames, digest = ln.split("\t")
                pins[name] = (int(frames), digest)
    return renderer, pins


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    exe, data = sys.argv[1], sys.argv[2]
    update = "--update" in sys.argv[3:]
    runnable = [(n, a) for n, a, need in cases(data) if all(map(os.path.exists, need))]
    if len(runnable) < len(cases(data)):
        print(f"note: {data} is absent or incomplete; pinning "
              f"{len(runnable)} of {len(cases(data))} renders")
    renderer, pins = (None, {}) if update else load_pins()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, args in runnable:
            gl, frames, digest = render(exe, name, args, tmp)
            if gl is None:
                check(False, f"{name}: render failed: {digest}")
                continue
            if not update and gl != renderer:
                print(f"SKIP: frames were pinned on '{renderer}', this is '{gl}'; "
                      "rewrite the pins with --update on this driver to compare")
                return 77
            results[name] = (gl, frames, digest)
            if update:
                continue
            want = pins.get(name)
            check(want == (frames, digest),
                  f"{name}: {frames} frames, digest {digest}; pinned {want}")
    if update:
        gls = {gl for gl, _, _ in results.values()}
        with open(PINS, "w") as f:
            f.write("# framemd5 digests of pinned renders (tests/frame_hashes.py)\n")
            f.write(f"# renderer: {gls.pop() if gls else '?'}\n")
            for name, (_, frames, digest) in results.items():
                f.write(f"{name}\t{frames}\t{digest}\n")
        print(f"wrote {len(results)} pins to {PINS}")
        return 0
    return finish()


if __name__ == "__main__":
    sys.exit(main())
