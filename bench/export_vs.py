#!/usr/bin/env python3
"""End-to-end export speed against two references, on one capture:

  flowswarm   capture -> video file, headless, frames/s (wall clock)
  libx264     ffmpeg encoding the same number of frames of the same
              picture (flowswarm's own frames, decoded once into a raw
              file and looped), with the same preset and CRF: the floor
              any renderer feeding libx264 stands on
  Gource      the same events as a Gource custom log, rendered under
              xvfb-run into a PPM stream at the same size and rate
  Gource|x264 the same, piped into ffmpeg and encoded as flowswarm does:
              what a Gource user runs to get a video

usage: bench/export_vs.py [-n RUNS] FLOWSWARM CAPTURE [SECONDS] [WxH ...]
(default 20 s of video at 1280x720 and 1920x1080, 30 fps, best of 3
runs of each). Prints one line per size, with flowswarm --no-bloom last;
ratios are flowswarm's frames/s over the reference's. Nothing fails on
time. Needs ffmpeg, and gource and xvfb-run for the Gource columns (they
are left out without them)."""
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

FPS = 30
RUNS = 3  # each figure is the best of this many runs: the machine's noise only slows


def best(measure):
    """The highest frames/s of RUNS runs of measure() (None if any fails)."""
    rates = [measure() for _ in range(RUNS)]
    return None if None in rates else max(rates)


def timed(args, **kw):
    t0 = time.monotonic()
    r = subprocess.run(args, check=False, **kw)
    return time.monotonic() - t0, r


def flowswarm_fps(exe, capture, seconds, size, out, extra=()):
    t, r = timed([exe, "-r", capture, "-o", out, "--duration", str(seconds), "--size", size,
                  "--fps", str(FPS), "-q", *extra])
    if r.returncode != 0:
        sys.exit(f"flowswarm failed on {capture}")
    return seconds * FPS / t


def x264_fps(video, seconds, size, tmp):
    """libx264 (through ffmpeg) on flowswarm's frames: 90 of them decoded
    to raw NV12 once (libx264's own layout: no conversion left to do),
    then looped and encoded with flowswarm's settings (veryfast, CRF 20)."""
    raw = os.path.join(tmp, "frames.nv12")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", video, "-frames:v", "90",
                    "-f", "rawvideo", "-pix_fmt", "nv12", raw], check=True)
    frames = seconds * FPS
    t, r = timed(["ffmpeg", "-v", "error", "-y", "-stream_loop", "-1", "-f", "rawvideo",
                  "-pix_fmt", "nv12", "-s", size, "-r", str(FPS), "-i", raw,
                  "-frames:v", str(frames), "-c:v", "libx264", "-preset", "veryfast",
                  "-crf", "20", "-f", "mp4", os.path.join(tmp, "x264.mp4")])
    os.remove(raw)
    return frames / t if r.returncode == 0 else None


def gource_log(exe, capture, path):
    """One line per event: who sent it, to which service and host, as a
    file added the first time and modified after."""
    r = subprocess.run([exe, "-r", capture, "--events"], capture_output=True, text=True,
                       check=True)
    seen = set()
    first = last = None
    with open(path, "w") as log:
        for line in r.stdout.splitlines():
            t, src, dst, proto, _sport, dport = line.split("\t")[:6]
            f = f"/{proto}-{dport}/{dst}"
            kind = "M" if f in seen else "A"
            seen.add(f)
            sec = int(float(t))
            first = sec if first is None else first
            last = sec
            log.write(f"{sec}|{src}|{kind}|{f}\n")
    return (last - first) if first is not None else 0


def gource_fps(log, span, seconds, size, tmp, encode):
    """Gource's frames/s into a PPM file, or (encode) piped into ffmpeg's
    libx264 with flowswarm's settings, as Gource's own docs show."""
    if not (shutil.which("gource") and shutil.which("xvfb-run")):
        return None
    w, h = size.split("x")
    spd = max(seconds * 86400.0 / max(span, 1), 0.01)  # seconds per day: fits the span
    out = os.path.join(tmp, "gource.ppm")
    gource = ["gource", "--log-format", "custom", f"-{size}", "--seconds-per-day",
              f"{spd:.3f}", "--stop-at-end", "--disable-auto-skip", "--output-framerate",
              str(FPS), "--output-ppm-stream", "-" if encode else out, log]
    video = os.path.join(tmp, "gource.mp4")
    ffmpeg = ["ffmpeg", "-v", "error", "-y", "-f", "image2pipe", "-vcodec", "ppm", "-r",
              str(FPS), "-i", "-", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20",
              "-pix_fmt", "yuv420p", video]
    cmd = " ".join(map(shlex.quote, gource))
    if encode:
        cmd += " | " + " ".join(map(shlex.quote, ffmpeg))
    t, r = timed(["xvfb-run", "-a", "-s", f"-screen 0 {w}x{h}x24", "sh", "-c", cmd],
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if r.returncode != 0:
        return None
    if encode:
        info = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams",
                               "v:0", "-show_entries", "stream=nb_read_frames", "-of",
                               "csv=p=0", video], capture_output=True, text=True,
                              check=False)
        frames = int(info.stdout.strip() or 0)
        os.remove(video)
    else:
        frame = len(f"P6\n{w} {h} 255\n") + int(w) * int(h) * 3
        frames = os.path.getsize(out) // frame
        os.remove(out)
    return frames / t if frames else None


def ratio(ours, theirs, width):
    if not theirs:
        return f"{'-':>{width}} {'-':>6}"
    return f"{theirs:{width}.1f} {ours / theirs:6.2f}"


def main():
    global RUNS
    args = sys.argv[1:]
    if len(args) >= 2 and args[0] == "-n":
        RUNS = max(1, int(args[1]))
        args = args[2:]
    if len(args) < 2:
        print(__doc__)
        return 2
    exe, capture = args[0], args[1]
    seconds = int(args[2]) if len(args) > 2 else 20
    sizes = args[3:] or ["1280x720", "1920x1080"]
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "gource.log")
        span = gource_log(exe, capture, log)
        print(f"{os.path.basename(capture)}: {seconds} s of video at {FPS} fps "
              f"({seconds * FPS} frames), capture span {span} s, best of {RUNS} runs; "
              f"frames/s, then flowswarm's rate over it")
        print(f"{'size':>10} {'flowswarm':>10} {'x264 alone':>11} {'ratio':>6} "
              f"{'Gource':>8} {'ratio':>6} {'Gource|x264':>12} {'ratio':>6}   "
              f"{'no-bloom':>8} {'ratio':>6}")
        for size in sizes:
            video = os.path.join(tmp, "flowswarm.mp4")
            fs = best(lambda: flowswarm_fps(exe, capture, seconds, size, video))
            nb = best(lambda: flowswarm_fps(exe, capture, seconds, size,
                                            os.path.join(tmp, "no-bloom.mp4"),
                                            ["--no-bloom"]))
            x = best(lambda: x264_fps(video, seconds, size, tmp))
            g = best(lambda: gource_fps(log, span, seconds, size, tmp, False))
            ge = best(lambda: gource_fps(log, span, seconds, size, tmp, True))
            print(f"{size:>10} {fs:10.1f} {ratio(fs, x, 11)} {ratio(fs, g, 8)} "
                  f"{ratio(fs, ge, 12)}   {nb:8.1f} {nb / x if x else 0:6.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
