#!/usr/bin/env python3
"""End-to-end tests of the flowswarm command as a user runs it: headless
render to mp4 (frame count, size, frames not blank, identical on a rerun),
the window under Xvfb, the no-argument demo, stdin, interruption, and the
one-line errors for bad input.

usage: e2e_test.py FLOWSWARM SAMPLE DATA_DIR"""
import os
import pty
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

from checks import check, finish


def run(args, env=None, timeout=300, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                          env=env, check=False, **kw)


def probe_frames(path):
    r = run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
             "-show_entries", "stream=nb_read_frames,width,height,codec_name",
             "-of", "default=noprint_wrappers=1", path])
    info = dict(line.split("=", 1) for line in r.stdout.split() if "=" in line)
    return info


def gray_frames(path, w, h):
    """Every frame as 8-bit luma, decoded by ffmpeg."""
    r = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo",
                        "-pix_fmt", "gray", "-"], capture_output=True, check=False)
    size = w * h
    data = r.stdout
    return [data[i:i + size] for i in range(0, len(data) - size + 1, size)]


def lit_fraction(frame, threshold=48):
    return sum(1 for b in frame[::7] if b > threshold) / len(frame[::7])


def frame_hashes(path):
    r = run(["ffmpeg", "-v", "error", "-i", path, "-f", "framemd5", "-"])
    return [line.split(",")[-1].strip() for line in r.stdout.splitlines()
            if line and not line.startswith("#")]


def test_render(exe, sample, tmp):
    print("render: a short mp4, headless")
    out = os.path.join(tmp, "replay.mp4")
    r = run([exe, "-r", sample, "-o", out, "--duration", "3", "--fps", "20",
             "--size", "640x360", "-q"])
    check(r.returncode == 0, f"render exits 0 (got {r.returncode}: {r.stderr.strip()})")
    check(r.stderr == "", f"-q prints nothing (got {r.stderr!r})")
    info = probe_frames(out)
    check(info.get("codec_name") == "h264", f"H.264 stream ({info})")
    check(info.get("width") == "640" and info.get("height") == "360", f"640x360 ({info})")
    check(info.get("nb_read_frames") == "60", f"3 s at 20 fps is 60 frames ({info})")
    frames = gray_frames(out, 640, 360)
    check(len(frames) == 60, f"60 decoded frames (got {len(frames)})")
    if len(frames) == 60:
        lit = [lit_fraction(frames[i]) for i in (0, 20, 40, 59)]
        print(f"  lit fraction at frames 0, 20, 40, 59: {lit}")
        check(all(x > 0.001 for x in lit), "every sampled frame shows something")
        check(max(lit) > 0.01, "the swarm covers a visible part of the frame")
        check(max(lit) < 0.9, "frames are not washed out")
        check(frames[20] != frames[40], "the animation moves")
    again = os.path.join(tmp, "again.mp4")
    run([exe, "-r", sample, "-o", again, "--duration", "3", "--fps", "20", "--size",
         "640x360", "-q"])
    h1, h2 = frame_hashes(out), frame_hashes(again)
    check(len(h1) == 60 and h1 == h2, "the same input and options give identical frames")


def test_egl_platforms(exe, sample, tmp):
    """The EGL device platform and the surfaceless one render the same
    frames. Mesa lists its software rasteriser as an EGL device too, so
    both paths run on a machine without a GPU."""
    print("render: EGL device and surfaceless platforms")
    hashes = {}
    for platform in ("device", "surfaceless"):
        out = os.path.join(tmp, f"egl-{platform}.mkv")
        r = run([exe, "-r", sample, "-o", out, "--duration", "2", "--fps", "15",
                 "--size", "480x270"], env=dict(os.environ, FLOWSWARM_EGL=platform))
        if platform == "device" and "no device" in r.stderr:
            print(f"  SKIP: this EGL lists no device ({r.stderr.strip()})")
            return
        check(r.returncode == 0, f"FLOWSWARM_EGL={platform} renders ({r.stderr.strip()})")
        check(f"EGL {platform}" in r.stderr,
              f"the start line names the EGL {platform} platform ({r.stderr.splitlines()[:1]})")
        hashes[platform] = frame_hashes(out)
    check(len(hashes["device"]) == 30 and hashes["device"] == hashes["surfaceless"],
          "EGL device and surfaceless give identical frames")
    r = run([exe, "-r", sample, "-o", os.path.join(tmp, "x.mkv"), "--duration", "1"],
            env=dict(os.environ, FLOWSWARM_EGL="wayland"))
    check(r.returncode != 0 and "FLOWSWARM_EGL" in r.stderr,
          f"an unknown FLOWSWARM_EGL is named ({r.stderr.strip()})")


def test_other_containers(exe, sample, tmp):
    print("render: mkv and webm")
    for ext, codec in (("mkv", "h264"), ("webm", "vp9")):
        out = os.path.join(tmp, "x." + ext)
        r = run([exe, "-r", sample, "-o", out, "--duration", "1", "--fps", "10",
                 "--size", "320x240", "-q"])
        info = probe_frames(out)
        check(r.returncode == 0 and info.get("codec_name") == codec
              and info.get("nb_read_frames") == "10", f".{ext} gives {codec} ({info})")
    for rate, frames, stream_rate in (("29.97", "60", "30000/1001"), ("12.5", "25", "25/2")):
        out = os.path.join(tmp, "rate.mp4")
        r = run([exe, "-r", sample, "-o", out, "--duration", "2", "--fps", rate, "--size",
                 "320x240", "-q"])
        info = run(["ffprobe", "-v", "error", "-count_frames", "-show_entries",
                    "stream=r_frame_rate,nb_read_frames", "-of", "csv=p=0", out]).stdout
        check(r.returncode == 0 and info.strip() == f"{stream_rate},{frames}",
              f"--fps {rate} for 2 s: {frames} frames at {stream_rate} ({info.strip()!r})")
    out = os.path.join(tmp, "lossless.mp4")
    r = run([exe, "-r", sample, "-o", out, "--duration", "1", "--fps", "10", "--size",
             "320x240", "--crf", "0", "--preset", "ultrafast", "-q"])
    profile = run(["ffprobe", "-v", "error", "-show_entries", "stream=profile", "-of",
                   "csv=p=0", out]).stdout.strip()
    check(r.returncode == 0 and "4:4:4 Predictive" in profile,
          f"--crf 0 is lossless H.264, not the default quality ({profile!r})")


def test_stdin_and_events(exe, sample):
    print("events: file and stdin agree")
    a = run([exe, "-r", sample, "--events"])
    with open(sample, "rb") as f:
        b = subprocess.run([exe, "-r", "-", "--events"], stdin=f, capture_output=True,
                           check=False)
    lines = a.stdout.splitlines()
    check(a.returncode == 0 and len(lines) == 4631, f"4631 events (got {len(lines)})")
    check(b.returncode == 0 and b.stdout.decode() == a.stdout, "-r - reads stdin the same")
    fields = lines[0].split("\t") if lines else []
    check(len(fields) == 9, "nine tab-separated fields")
    f = run([exe, "-r", sample, "--events", "udp", "port", "53"])
    check(f.returncode == 0 and len(f.stdout.splitlines()) == 138,
          "a trailing BPF expression filters (138 DNS packets)")


def test_errors(exe, sample, tmp, data):
    print("errors: one clear line and a non-zero exit")
    not_capture = os.path.join(tmp, "notes.txt")
    with open(not_capture, "w") as f:
        f.write("this is not a capture\n")
    cases = [
        ([exe, "-r", not_capture, "--events"], 1, "notes.txt"),
        ([exe, "-r", os.path.join(tmp, "missing.pcap"), "-o", os.path.join(tmp, "m.mp4")],
         1, "missing.pcap"),
        ([exe, "--bogus"], 2, "--bogus"),
        ([exe, "-r", sample, "-o", os.path.join(tmp, "x.mp4"), "--size", "641x360"], 2,
         "--size"),
        ([exe, "-r", sample, "-o", os.path.join(tmp, "x.mp4"), "--fps", "0"], 2, "--fps"),
        ([exe, "-r", sample, "-o", os.path.join(tmp, "x.mp4"), "--fps", "30/0"], 2,
         "--fps 30/0"),
        ([exe, "-r", sample, "-o", os.path.join(tmp, "no", "such", "dir.mp4")], 1,
         "dir.mp4"),
        ([exe, "-r", sample, "-o", os.path.join(tmp, "video.xyz")], 1, "video.xyz"),
        ([exe, "-r", sample, "--events", "port", "nonsense"], 1, "filter"),
        ([exe, "-r", sample, "-o", os.path.join(tmp, "x.mp4"), "--preset", "quick"], 1,
         "--preset quick"),
        ([exe, "-r", sample, "-o", os.path.join(tmp, "x.mp4"), "--crf", "52"], 1,
         "--crf 52"),
        ([exe, "-r", sample, "-o", os.path.join(tmp, "preset.webm"), "--preset", "slow"], 1,
         "--preset"),
    ]
    for args, code, needle in cases:
        r = run(args)
        lines = r.stderr.strip().splitlines()
        check(r.returncode == code and len(lines) == 1 and needle in lines[0],
              f"{' '.join(args[1:])}: exit {code} and one line naming {needle!r} "
              f"(got {r.returncode}: {r.stderr.strip()!r})")
    check(not os.path.exists(os.path.join(tmp, "x.mp4")) and
          not os.path.exists(os.path.join(tmp, "preset.webm")), "a bad option writes nothing")

    # a video is not sent to a terminal
    master, slave = pty.openpty()
    r = subprocess.run([exe, "-r", sample, "-o", "-", "--duration", "1"], stdout=slave,
                       stderr=subprocess.PIPE, text=True, timeout=60, check=False)
    os.close(slave)
    os.close(master)
    check(r.returncode == 1 and "terminal" in r.stderr and len(r.stderr.splitlines()) == 1,
          f"-o - on a terminal is refused in one line ({r.returncode}: {r.stderr!r})")

    # absurd length claims are refused, not allocated
    huge = os.path.join(tmp, "huge-claims.pcap")
    with open(huge, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 0xffffffff, 1))
        f.write(struct.pack("<IIII", 1, 0, 0xfffffff0, 0xfffffff0) + b"\0" * 64)
    # a wrapper process, so the peak memory measured is this run's alone
    peak = ("import resource, subprocess, sys; "
            "r = subprocess.run(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
            "sys.exit(r.returncode)")
    r = run([sys.executable, "-c", peak, exe, "-r", huge, "--events"])
    rss_kb = int(r.stderr.strip().splitlines()[-1]) if r.stderr.strip() else 0
    check(r.returncode in (0, 1) and "huge-claims.pcap" in r.stderr and rss_kb < 200000,
          f"a 4 GiB record length is refused, not allocated ({r.returncode}, {rss_kb} KB: "
          f"{r.stderr.strip()!r})")

    trunc = os.path.join(data, "pcap/derived-truncated")
    if not os.path.isdir(trunc):
        print("  SKIP: truncated captures: test data absent")
        return
    r = run([exe, "-r", os.path.join(trunc, "get_cut_mid_record.pcap"), "--events"])
    check(r.returncode == 0 and len(r.stdout.splitlines()) == 7,
          "a capture cut mid-record: the 7 whole packets are used")
    check("offset 3650" in r.stderr and "get_cut_mid_record.pcap" in r.stderr,
          f"the warning names the file and offset ({r.stderr.strip()!r})")
    out = os.path.join(tmp, "cut.mp4")
    r = run([exe, "-r", os.path.join(trunc, "get_cut_mid_record.pcap"), "-o", out,
             "--duration", "1", "-q"])
    check(r.returncode == 0 and probe_frames(out).get("nb_read_frames") == "30",
          "a damaged capture still renders")
    r = run([exe, "-r", os.path.join(trunc, "get_cut_inside_file_header.pcap"), "--events"])
    check(r.returncode == 1 and "get_cut_inside_file_header.pcap" in r.stderr,
          "a capture cut inside its header is refused, naming it")


def write_pcap(path, times):
    """A classic pcap of one small TCP packet (10.0.0.1 -> 10.0.0.2:80) at
    each of the given times (seconds)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for t in times:
            ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 40, 0, 0, 64, 6, 0,
                             bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
            tcp = struct.pack(">HHIIBBHHH", 40000, 80, 0, 0, 0x50, 0x10, 1024, 0, 0)
            frame = b"\x00" * 12 + b"\x08\x00" + ip + tcp
            sec, usec = int(t), int(round((t - int(t)) * 1e6))
            f.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)))
            f.write(frame)


def test_time_options(exe, sample, tmp):
    print("time: --start, --stop and --skip-idle")
    out = os.path.join(tmp, "span.mp4")
    small = ["--size", "160x90", "-q"]
    r = run([exe, "-r", sample, "--start", "+5", "--stop", "+10", "--speed", "1",
             "--fps", "10", "-o", out] + small)
    n = probe_frames(out).get("nb_read_frames")
    check(r.returncode == 0 and n == "51",
          f"5 s at x1 and 10 fps is 51 frames (got {n}; {r.stderr.strip()[-300:]})")
    r = run([exe, "-r", sample, "--start", "20:20:38", "--stop", "2013-05-02 20:20:43",
             "--duration", "2", "--fps", "15", "-o", out] + small)
    n = probe_frames(out).get("nb_read_frames")
    check(r.returncode == 0 and n == "30",
          f"a span fitted into 2 s at 15 fps (got {n}; {r.stderr.strip()[-300:]})")
    r = run([exe, "-r", sample, "--start", "21:00", "-o", out])
    check(r.returncode == 1 and "--start is outside the capture" in r.stderr,
          f"a start after the capture is one clear error ({r.stderr.strip()!r})")
    r = run([exe, "-r", sample, "--stop", "soon", "-o", out])
    check(r.returncode == 2 and r.stderr.startswith("flowswarm: --stop soon: expected a time"),
          f"an unreadable time is a usage error ({r.stderr.strip()!r})")

    gappy = os.path.join(tmp, "gaps.pcap")
    times = [b + k / 10 for b in (1000, 1100, 1300) for k in range(41)]
    write_pcap(gappy, times)
    args = ["--speed", "1", "--fps", "10", "-o", out] + small
    r = run([exe, "-r", gappy] + args)
    full = int(probe_frames(out).get("nb_read_frames", 0))
    check(r.returncode == 0 and full == 3041, f"304 s at x1 is 3041 frames (got {full})")
    r = run([exe, "-r", gappy, "--skip-idle", "2"] + args)
    cut = int(probe_frames(out).get("nb_read_frames", 0))
    check(r.returncode == 0 and cut == 161,
          f"gaps of 96 s and 196 s cut to 2 s leave 16 s: 161 frames (got {cut})")
    with open(gappy, "rb") as f:
        r = subprocess.run([exe, "-r", "-", "--skip-idle", "2"] + args, stdin=f,
                           capture_output=True, check=False)
    live = int(probe_frames(out).get("nb_read_frames", 0))
    check(r.returncode == 0 and abs(live - cut) <= 3,
          f"skipping on stdin, found as events arrive, cuts the same ({live} frames)")


def test_full_disk(exe, sample):
    print("full disk: writing stops at the first failed write, with the reason")
    if not os.path.exists("/dev/full"):
        print("  SKIP: no /dev/full")
        return
    t0 = time.monotonic()
    with open("/dev/full", "wb") as full:
        r = subprocess.run([exe, "-r", sample, "-o", "-", "--size", "320x180",
                            "--duration", "60"], stdout=full, stderr=subprocess.PIPE,
                           text=True, check=False, timeout=300)
    last = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
    check(r.returncode == 1 and "<stdout>" in last and "No space left on device" in last,
          f"one line names the output and the reason ({last!r})")
    check(time.monotonic() - t0 < 20, "and the run stops there, not after 1800 frames")


def test_interrupt(exe, sample, tmp):
    print("interrupt: SIGINT finishes the file")
    out = os.path.join(tmp, "long.mp4")
    p = subprocess.Popen([exe, "-r", sample, "-o", out, "--duration", "600", "--size",
                          "320x240", "-q"], stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    info = probe_frames(out)
    n = int(info.get("nb_read_frames", "0") or 0)
    check(p.returncode == 130, f"exit status 130 after SIGINT (got {p.returncode}: {err})")
    check(n > 10, f"the interrupted file plays and holds the frames rendered ({n})")

    # stdin held open by a writer that has stopped sending: Ctrl-C still
    # ends it within a second, and SIGTERM says 143
    for sig, code in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
        held = os.path.join(tmp, "held.mkv")
        writer = subprocess.Popen(["sh", "-c", f"cat '{sample}'; sleep 60"],
                                  stdout=subprocess.PIPE)
        p = subprocess.Popen([exe, "-r", "-", "-o", held, "--size", "320x180", "-q"],
                             stdin=writer.stdout, stderr=subprocess.PIPE, text=True)
        writer.stdout.close()
        time.sleep(4)
        t0 = time.monotonic()
        p.send_signal(sig)
        try:
            _, err = p.communicate(timeout=30)
        finally:
            writer.kill()
            writer.wait()
        took = time.monotonic() - t0
        n = int(probe_frames(held).get("nb_read_frames", "0") or 0)
        check(p.returncode == code and took < 1.0 and n > 10,
              f"stdin held open: {sig.name} ends it in {took:.2f} s with {p.returncode} "
              f"(want {code}), the file holds {n} frames ({err.strip()})")


def test_demo(exe, tmp):
    print("demo: no arguments and no display render the sample")
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    d = os.path.join(tmp, "demo")
    os.mkdir(d)
    r = run([exe], env=env, cwd=d, timeout=600)
    out = os.path.join(d, "flowswarm-demo.mp4")
    check(r.returncode == 0 and os.path.exists(out), f"demo rendered ({r.stderr.strip()})")
    check("flowswarm-demo.mp4" in r.stderr, "the demo says where the video is")
    info = probe_frames(out)
    check(info.get("nb_read_frames") == "900", f"30 s at 30 fps ({info})")


def rgb(path):
    """A picture (PNG or a video's frames) as raw RGB bytes, by ffmpeg."""
    return subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo",
                           "-pix_fmt", "rgb24", "-"], capture_output=True,
                          check=False).stdout


def mean_diff(a, b):
    n = min(len(a), len(b))
    return sum(abs(a[i] - b[i]) for i in range(0, n, 3)) / max(1, len(range(0, n, 3)))


def test_screenshot(exe, sample, tmp):
    print("screenshot: --screenshot writes the last frame as PNG")
    still = os.path.join(tmp, "still.png")
    args = ["-r", sample, "--duration", "3", "--fps", "20", "--size", "640x360", "-q"]
    r = run([exe] + args + ["--screenshot", still])
    check(r.returncode == 0 and r.stderr == "",
          f"--screenshot alone exits 0 quietly (got {r.returncode}: {r.stderr.strip()})")
    info = run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_name,width,height",
                "-of", "default=noprint_wrappers=1", still]).stdout
    check("codec_name=png" in info and "width=640" in info and "height=360" in info,
          f"a 640x360 PNG ({info.split()})")
    pixels = rgb(still)
    check(len(pixels) == 640 * 360 * 3, "the PNG decodes")
    check(lit_fraction(pixels[1::3]) > 0.005, "the still shows something")

    video, last = os.path.join(tmp, "with-video.mp4"), os.path.join(tmp, "last.png")
    r = run([exe] + args + ["-o", video, "--screenshot", last])
    check(r.returncode == 0, f"-o with --screenshot exits 0 ({r.stderr.strip()})")
    frames = rgb(video)
    size = 640 * 360 * 3
    final = frames[len(frames) - size:] if len(frames) >= size else b""
    d_video = mean_diff(rgb(last), final)
    d_still = mean_diff(rgb(last), pixels)
    check(d_video < 4, f"the screenshot is the video's last frame (mean difference {d_video:.2f})")
    check(d_still < 1, f"a still alone draws that same frame (mean difference {d_still:.2f})")

    bad = os.path.join(tmp, "no-such-dir", "x.png")
    t0 = time.monotonic()
    r = run([exe] + args + ["--screenshot", bad])
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 1 and len(lines) == 1 and bad in lines[0],
          f"an unwritable screenshot path is one error naming it ({r.stderr.strip()!r})")
    check(time.monotonic() - t0 < 5, "and it comes before any rendering")


def test_window(exe, sample, tmp):
    print("window: plays under Xvfb and closes at the end")
    if not shutil.which("xvfb-run"):
        print("  SKIP: xvfb-run is not installed")
        return
    r = run(["xvfb-run", "-a", "-s", "-screen 0 1280x720x24", exe, "-r", sample,
             "--duration", "2", "--stop-at-end"], timeout=120)
    check(r.returncode == 0, f"window run exits 0 (got {r.returncode}: {r.stderr.strip()})")
    if not shutil.which("xdotool"):
        print("  SKIP: xdotool is not installed; the screenshot key is not tested")
        return
    d = os.path.join(tmp, "window-shot")
    os.mkdir(d)
    script = (f"'{exe}' -r '{sample}' --duration 4 --stop-at-end --size 800x450 & "
              "sleep 2; xdotool search --name flowswarm key s; wait")
    r = run(["xvfb-run", "-a", "-s", "-screen 0 1280x720x24", "sh", "-c", script],
            timeout=120, cwd=d)
    shots = [f for f in os.listdir(d) if f.startswith("flowswarm-") and f.endswith(".png")]
    check(r.returncode == 0 and len(shots) == 1,
          f"the s key saves one screenshot (got {shots}: {r.stderr.strip()})")
    if shots:
        info = run(["ffprobe", "-v", "error", "-show_entries", "stream=width,height",
                    "-of", "default=noprint_wrappers=1", os.path.join(d, shots[0])]).stdout
        check("width=800" in info and "height=450" in info,
              f"of the window's framebuffer ({info.split()})")
        check(lit_fraction(rgb(os.path.join(d, shots[0]))[1::3]) > 0.005,
              "showing the swarm")


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    exe, sample, data = sys.argv[1:]
    for tool in ("ffprobe", "ffmpeg"):
        if not shutil.which(tool):
            print(f"SKIP: {tool} is not installed")
            return 77
    with tempfile.TemporaryDirectory() as tmp:
        test_render(exe, sample, tmp)
        test_egl_platforms(exe, sample, tmp)
        test_other_containers(exe, sample, tmp)
        test_stdin_and_events(exe, sample)
        test_errors(exe, sample, tmp, data)
        test_interrupt(exe, sample, tmp)
        test_screenshot(exe, sample, tmp)
        test_time_options(exe, sample, tmp)
        test_full_disk(exe, sample)
        test_window(exe, sample, tmp)
        test_demo(exe, tmp)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
