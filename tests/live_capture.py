#!/usr/bin/env python3
"""Live capture on the loopback interface, as a user runs it: flowswarm
-i lo --events and tshark capture the same datagrams (sent here, only to
127.0.0.1 and ::1, a bounded number) and must read the same packets;
Ctrl-C and SIGTERM end it at once with 130 and 143 and complete lines;
-D lists the interfaces; a missing interface, or live input with -r, is
one clear line; a recording (-o) lasts as long as it ran; the window
shows the live swarm under Xvfb.

usage: live_capture.py FLOWSWARM
Exits 77 (skipped) where capturing on lo is not allowed (not root)."""
import collections
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from checks import check, finish

PORT = 47123
COUNT = 300


def send(count, port):
    """count datagrams of growing size to 127.0.0.1 and ::1; bounded in
    number and in time."""
    v4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    v6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    deadline = time.monotonic() + 10
    for i in range(count):
        if time.monotonic() > deadline:
            break
        v4.sendto(b"a" * (i % 1200 + 1), ("127.0.0.1", port))
        if i % 3 == 0:
            v6.sendto(b"b" * (i % 500 + 1), ("::1", port + 1))
        time.sleep(0.0005)
    v4.close()
    v6.close()


def start(args, **kw):
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kw)


def stop(p, sig=signal.SIGINT):
    """Sends sig; returns (exit status, seconds it took, stdout, stderr)."""
    t0 = time.monotonic()
    p.send_signal(sig)
    try:
        out, err = p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    return p.returncode, time.monotonic() - t0, out, err


def wait_ready(p, needle, secs=15):
    """Reads p's stderr until needle shows (tshark says when it captures)."""
    deadline = time.monotonic() + secs
    line = ""
    while time.monotonic() < deadline:
        line = p.stderr.readline()
        if needle in line:
            return True
    return False


def test_against_tshark(exe):
    print("capture on lo: the same packets as tshark")
    expr = f"udp and (port {PORT} or port {PORT + 1})"
    shark = None
    if shutil.which("tshark"):
        shark = start(["tshark", "-l", "-n", "-i", "lo", "-f", expr, "-T", "fields",
                       "-e", "ip.src", "-e", "ipv6.src", "-e", "ip.dst", "-e", "ipv6.dst",
                       "-e", "udp.srcport", "-e", "udp.dstport", "-e", "ip.len",
                       "-e", "ipv6.plen"])
        if not wait_ready(shark, "Capturing on"):
            check(False, "tshark started capturing")
    fs = start([exe, "-i", "lo", "--events", expr])
    time.sleep(1.0)
    send(COUNT, PORT)
    time.sleep(0.5)
    rc, took, out, err = stop(fs)
    check(rc == 130, f"Ctrl-C ends it with 130 (got {rc}: {err.strip()})")
    check(took < 1.0, f"within a second ({took:.2f} s)")
    lines = out.splitlines()
    check(all(len(ln.split("\t")) == 9 for ln in lines), "every line is whole")
    mine = collections.Counter()
    for ln in lines:
        f = ln.split("\t")
        mine[(f[1], f[2], f[3], f[4], f[5], f[7])] += 1
    n4 = sum(v for k, v in mine.items() if k[0] == "127.0.0.1")
    n6 = sum(v for k, v in mine.items() if k[0] == "::1")
    check(n4 == COUNT and n6 == (COUNT + 2) // 3,
          f"every datagram sent is an event ({n4} of {COUNT} IPv4, {n6} IPv6)")
    if not shark:
        print("  SKIP: tshark is not installed; not compared")
        return
    _, _, sout, _ = stop(shark)
    theirs = collections.Counter()
    for ln in sout.splitlines():
        s4, s6, d4, d6, sp, dp, len4, plen6 = (ln.split("\t") + [""] * 8)[:8]
        octets = int(len4) if len4 else int(plen6 or 0) + 40
        theirs[(s4 or s6, d4 or d6, "17", sp, dp, str(octets))] += 1
    check(mine == theirs, f"the same packets as tshark ({sum(mine.values())} events, "
          f"{sum(theirs.values())} packets; differing: "
          f"{list((mine - theirs).items())[:3]} {list((theirs - mine).items())[:3]})")


def test_record(exe):
    print("recording live input: the video lasts as long as the recording")
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "live.mkv")
        p = start([exe, "-i", "lo", "-o", out, "--size", "320x180", "udp port 47124"])
        if not wait_ready(p, "rendering to"):
            check(False, "it starts recording")
            stop(p)
            return
        t0 = time.monotonic()
        send(600, 47123)
        time.sleep(max(0.0, 3.0 - (time.monotonic() - t0)))
        t1 = time.monotonic()
        rc, _, _, err = stop(p)
        probe = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-show_entries",
                                "stream=nb_read_frames", "-of", "csv=p=0", out],
                               capture_output=True, text=True, check=False)
        frames = int(probe.stdout.strip() or 0)
        want = (t1 - t0) * 30
        check(rc == 130 and abs(frames - want) <= 15,
              f"{frames} frames for {t1 - t0:.2f} s recorded at 30 fps (exit {rc})")
        check(f"recorded {frames} frames" in err and "repeated" in err,
              f"it says how many frames, and how many were repeated ({err.strip()[-200:]!r})")


def test_user(exe):
    print("privileges: root is given up once the interface is open")
    for args, want in (([], "nobody"), (["-Z", "daemon"], "daemon")):
        p = start([exe, "-i", "lo", "--events", "udp port 9"] + args)
        time.sleep(0.8)
        with open(f"/proc/{p.pid}/status") as f:
            uid = [ln.split()[1] for ln in f if ln.startswith("Uid:")][0]
        rc, _, _, err = stop(p)
        check(uid == str(pwd.getpwnam(want).pw_uid) and f"as user {want}" in err,
              f"{' '.join(args) or 'by default'}: runs as {want} and says so "
              f"(uid {uid}: {err.strip()!r})")
    r = subprocess.run([exe, "-i", "lo", "-Z", "nosuchuser", "--events"], capture_output=True,
                       text=True, check=False, timeout=10)
    check(r.returncode == 1 and "nosuchuser: no such user" in r.stderr,
          f"-Z with an unknown user is one error ({r.stderr.strip()!r})")


def test_signals_and_errors(exe):
    print("signals and errors")
    p = start([exe, "-i", "lo", "--events", "udp port 9"])
    time.sleep(0.8)
    rc, took, _, err = stop(p, signal.SIGTERM)
    check(rc == 143 and took < 1.0, f"SIGTERM: 143 within a second (got {rc}, {took:.2f} s)")
    r = subprocess.run([exe, "-D"], capture_output=True, text=True, check=False)
    check(r.returncode == 0 and any(ln.split(".", 1)[1].startswith("lo ")
                                    for ln in r.stdout.splitlines() if "." in ln),
          f"-D lists lo ({r.stdout.strip()[:200]!r})")
    cases = [
        ([exe, "-i", "nosuch0", "--events"], 1, "nosuch0: no such interface"),
        ([exe, "-i", "lo", "--events", "port nonsense"], 1, "bad filter expression"),
        ([exe, "-i", "lo", "-r", "missing.pcap", "--events"], 1, "missing.pcap: No such file"),
        ([exe, "-i", "lo", "--screenshot", "still.png"], 1, "needs input that ends"),
        ([exe, "-i", "lo", "--start", "+5"], 2, "not to live input"),
        ([exe, "-i", "lo", "-s", "300000"], 2, "--snaplen 300000"),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for args, code, needle in cases:
            r = subprocess.run(args, capture_output=True, text=True, check=False, cwd=tmp,
                               timeout=30)
            lines = r.stderr.strip().splitlines()
            check(r.returncode == code and len(lines) == 1 and needle in lines[0],
                  f"{' '.join(args[1:])}: exit {code}, one line with {needle!r} "
                  f"(got {r.returncode}: {r.stderr.strip()!r})")
        check(not os.listdir(tmp), "and nothing is written")


def test_window(exe):
    print("window: the live swarm under Xvfb")
    if not shutil.which("xvfb-run") or not shutil.which("xdotool"):
        print("  SKIP: xvfb-run or xdotool is not installed")
        return
    with tempfile.TemporaryDirectory() as d:
        os.chmod(d, 0o777)  # run as root, it captures as nobody, who saves the shot
        sender = (f"import sys; sys.path.insert(0, {os.path.dirname(__file__)!r}); "
                  f"import live_capture; live_capture.send(2000, {PORT})")
        script = (f"'{exe}' -i lo --size 640x360 & sleep 2; "
                  f"'{sys.executable}' -c \"{sender}\"; "
                  "xdotool search --name flowswarm key s; sleep 1; kill -INT $!; wait $!")
        r = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1280x720x24", "sh", "-c",
                            script], capture_output=True, text=True, timeout=120, cwd=d,
                           check=False)
        shots = [f for f in os.listdir(d) if f.endswith(".png")]
        check(r.returncode == 130 and len(shots) == 1,
              f"it runs, saves a screenshot, and Ctrl-C ends it with 130 "
              f"(got {r.returncode}, {shots}: {r.stderr.strip()[-300:]})")
        if shots:
            rgb = subprocess.run(["ffmpeg", "-v", "error", "-i", os.path.join(d, shots[0]),
                                  "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                                 capture_output=True, check=True).stdout
            lit = sum(1 for i in range(1, len(rgb), 3 * 7) if rgb[i] > 48)
            check(lit / (len(rgb) / 21) > 0.003, "showing the swarm of lo's traffic")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    exe = os.path.abspath(sys.argv[1])
    p = start([exe, "-i", "lo", "--events", "udp port 9"])
    time.sleep(0.5)
    if p.poll() is not None and "permission" in p.stderr.read():
        print("SKIP: no permission to capture on lo here (run as root)")
        return 77
    stop(p)
    test_against_tshark(exe)
    test_signals_and_errors(exe)
    if os.geteuid() == 0:
        test_user(exe)
    test_record(exe)
    test_window(exe)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
