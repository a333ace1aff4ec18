#!/usr/bin/env python3
"""End-to-end export speed against two references, on one capture:

  flowswarm   capture -> video file, headless, frames/s (wall clock)
  libx264     ffmpeg encoding the same number of frames of the same
              picture (flowswarm's own frames, decoded once into a raw
              file and looped), with the same preset and CRF: the floor
              any renderer feeding libx264 stands on
  Gource      the same events as a Gource custom log, rendered under
              xvfb-run into a PPM stream at the same size and rate

usage: bench/export_vs.py FLOWSWARM CAPTURE [SECONDS] [WxH ...]
(default 20 s of video at 1280x720 and 1920x1080, 30 fps). Prints one
line per size, with flowswarm --no-bloom last; ratios are flowswarm's
frames/s over the reference's. Nothing fails on time. Needs ffmpeg, and gource and
xvfb-run for the last column (it is left out without them)."""
import os
import shutil
import subprocess
import sys
import tempfile
import time

FPS = 30


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
    to raw RGBA once, then looped, converted and encoded as flowswarm
    does (veryfast, CRF 20, yuv420p)."""
    raw = os.path.join(tmp, "frames.rgba")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", video, "-frames:v", "90",
                    "-f", "rawvideo", "-pix_fmt", "rgba", raw], check=True)
    frames = seconds * FPS
    t, r = timed(["ffmpeg", "-v", "error", "-y", "-stream_loop", "-1", "-f", "rawvideo",
                  "-pix_fmt", "rgba", "-s", size, "-r", str(FPS), "-i", raw,
                  "-frames:v", str(frames), "-c:v", "libx264", "-preset", "veryfast",
                  "-crf", "20", "-pix_fmt", "yuv420p", "-f", "mp4",
                  os.path.join(tmp, "x264.mp4")])
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


def gource_fps(log, span, seconds, size, tmp):
    if not (shutil.which("gource") and shutil.which("xvfb-run")):
        return None
    w, h = size.split("x")
    spd = max(seconds * 86400.0 / max(span, 1), 0.01)  # seconds per day: fits the span
    out = os.path.join(tmp, "gource.ppm")
    t, r = timed(["xvfb-run", "-a", "-s", f"-screen 0 {w}x{h}x24", "gource",
                  "--log-format", "custom", f"-{size}", "--seconds-per-day", f"{spd:.3f}",
                  "--stop-at-end", "--disable-auto-skip", "--output-framerate", str(FPS),
                  "--output-ppm-stream", out, log],
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if r.returncode != 0 or not os.path.exists(out):
        return None
    frame = len(f"P6\n{w} {h} 255\n") + int(w) * int(h) * 3
    frames = os.path.getsize(out) // frame
    os.remove(out)
    return frames / t, frames


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    exe, capture = sys.argv[1], sys.argv[2]
    seconds = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    sizes = sys.argv[4:] or ["1280x720", "1920x1080"]
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "gource.log")
        span = gource_log(exe, capture, log)
        print(f"{os.path.basename(capture)}: {seconds} s of video at {FPS} fps "
              f"({seconds * FPS} frames), capture span {span} s")
        print(f"{'size':>10} {'flowswarm':>10} {'x264 alone':>11} {'ratio':>6} "
              f"{'gource':>8} {'ratio':>7}   {'no-bloom':>8} {'ratio':>6}")
        for size in sizes:
            video = os.path.join(tmp, "flowswarm.mp4")
            fs = flowswarm_fps(exe, capture, seconds, size, video)
            nb = flowswarm_fps(exe, capture, seconds, size,
                               os.path.join(tmp, "no-bloom.mp4"), ["--no-bloom"])
            x = x264_fps(video, seconds, size, tmp)
            g = gource_fps(log, span, seconds, size, tmp)
            xs = f"{x:11.1f} {fs / x:6.2f}" if x else f"{'-':>11} {'-':>6}"
            gs = f"{g[0]:8.1f} {fs / g[0]:7.1f}" if g and g[0] > 0 else f"{'-':>8} {'-':>7}"
            ns = f"{nb:8.1f} {nb / x:6.2f}" if x else f"{nb:8.1f} {'-':>6}"
            print(f"{size:>10} {fs:10.1f} {xs} {gs}   {ns}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
