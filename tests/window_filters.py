#!/usr/bin/env python3
"""Filtering in a real window, driven as a user would with xdotool under
Xvfb: the talkers panel and the k key, click a host and hide it, type a filter, undo and clear, zoom with
the wheel, the list of keys. Each step is checked in the --filters file
the window writes back and in the frames it shows (screenshots by the s
key, named by their capture time, which also says where a seek went): the hidden host's spot goes dark, a filter to DNS leaves no web
colour on screen, zooming in makes the DNS hub bigger, the file edited
by hand is read again, and the arrows seek 10 s (shift: 60 s) either
way within the capture. Past --group-at hosts, 100 quiet hosts of one
subnet show as one orange disc that the wheel splits into their dots.

usage: window_filters.py FLOWSWARM
Exits 77 (skipped) without xvfb-run, xdotool or ffmpeg."""
import calendar
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

from checks import check, finish

W, H = 800, 450


def write_capture(path):
    """60 s of steady traffic on raw IP: two web clients of one server,
    one DNS client of one resolver, a packet each every 10 ms."""
    def ip4(a):
        return bytes(int(x) for x in a.split("."))
    flows = [("10.1.0.1", "10.9.0.1", 6, 40001, 80, 400),
             ("10.9.0.1", "10.1.0.1", 6, 80, 40001, 1200),
             ("10.2.0.2", "10.9.0.1", 6, 40002, 80, 300),
             ("10.3.0.3", "10.9.0.53", 17, 50000, 53, 60),
             ("10.9.0.53", "10.3.0.3", 17, 53, 50000, 120)]
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
        for i in range(6000):
            for k, (src, dst, proto, sp, dp, size) in enumerate(flows):
                if proto == 6:
                    l4 = struct.pack(">HHIIBBHHH", sp, dp, 0, 0, 0x50, 0x18, 1024, 0, 0)
                else:
                    l4 = struct.pack(">HHHH", sp, dp, 8 + size, 0)
                data = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(l4) + size, 0, 0, 64,
                                   proto, 0, ip4(src), ip4(dst)) + l4 + bytes(size)
                usec = i * 10000 + k * 1500
                f.write(struct.pack("<IIII", 1700000000 + usec // 1000000, usec % 1000000,
                                    len(data), len(data)) + data)


class Window:
    def __init__(self, exe, cap, filters, cwd, more=()):
        self.cwd = cwd
        self.proc = subprocess.Popen(
            [exe, "-r", cap, "--speed", "1", "--size", f"{W}x{H}", "--filters", filters,
             "--no-bloom", *more], cwd=cwd, stderr=subprocess.PIPE, text=True)
        self.wid = None
        self.why = "no window named flowswarm within 30 s"
        deadline = time.time() + 30  # a loaded machine may be slow to start
        while time.time() < deadline:
            r = subprocess.run(["xdotool", "search", "--name", "^flowswarm$"],
                               capture_output=True, text=True, check=False)
            if r.stdout.split():
                self.wid = r.stdout.split()[0]
                break
            if self.proc.poll() is not None:
                self.why = (f"flowswarm exited ({self.proc.returncode}) before its window "
                            f"showed: {self.proc.stderr.read().strip()[-300:]}")
                break
            time.sleep(0.1)

    def do(self, *args):
        subprocess.run(["xdotool", *args], check=False)

    def key(self, *keys):
        self.do("key", "--window", self.wid, *keys)

    def click(self, x, y, button=1):
        self.do("mousemove", "--window", self.wid, str(x), str(y), "click", str(button))

    def shot(self, name_only=False):
        """The next frame as rows of (r, g, b), through the s key; or the
        file's name, which says the frame's capture time."""
        before = set(os.listdir(self.cwd))
        self.key("s")
        for _ in range(50):
            new = [f for f in set(os.listdir(self.cwd)) - before if f.endswith(".png")]
            if new and name_only:
                return new[0]
            if new:
                time.sleep(0.2)  # written in full
                raw = subprocess.run(["ffmpeg", "-v", "error", "-i",
                                      os.path.join(self.cwd, new[0]), "-f", "rawvideo",
                                      "-pix_fmt", "rgb24", "-"], capture_output=True,
                                     check=False).stdout
                return [[tuple(raw[(y * W + x) * 3:(y * W + x) * 3 + 3]) for x in range(W)]
                        for y in range(H)]
            time.sleep(0.1)
        return None

    def close(self):
        # the press alone: the window is gone before a release could reach it
        self.do("keydown", "--window", self.wid, "q")
        try:
            return self.proc.wait(timeout=20), self.proc.stderr.read()
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return -1, ""


def lum(p):
    return (p[0] * 2 + p[1] * 5 + p[2]) / 8


def blobs(img):
    """Bright spots away from the HUD and the histogram: (x, y, size),
    smallest first."""
    seen = set()
    out = []
    for y in range(70, H - 80):
        for x in range(60, W - 10):
            if (x, y) in seen or lum(img[y][x]) < 200:
                continue
            stack, pts = [(x, y)], []
            seen.add((x, y))
            while stack:
                px, py = stack.pop()
                pts.append((px, py))
                for nx, ny in ((px + 1, py), (px - 1, py), (px, py + 1), (px, py - 1)):
                    if (70 <= ny < H - 80 and 60 <= nx < W - 10 and (nx, ny) not in seen
                            and lum(img[ny][nx]) >= 200):
                        seen.add((nx, ny))
                        stack.append((nx, ny))
            if len(pts) >= 6:
                out.append((sum(p[0] for p in pts) // len(pts),
                            sum(p[1] for p in pts) // len(pts), len(pts)))
    return sorted(out, key=lambda b: b[2])


def near(img, x, y, r=16):
    """The pixels within r of (x, y), row by row."""
    return [img[j][i] for j in range(y - r, y + r + 1) for i in range(x - r, x + r + 1)
            if 0 <= i < W and 0 <= j < H]


def around(img, x, y, r=3):
    vals = [lum(p) for p in near(img, x, y, r)]
    return sum(vals) / len(vals)


def count(img, test):
    return sum(1 for row in img[60:H - 70] for p in row if test(p))


def web(p):  # the web class's blue
    return p[2] > 120 and p[2] > p[0] + 60


def dns(p):  # the dns class's orange
    return p[0] > 150 and p[0] > p[2] + 80


def rules(path):
    try:
        with open(path) as f:
            return [line.strip() for line in f if line.strip() and not line.startswith("#")]
    except FileNotFoundError:
        return []


def wait_rules(path, cond, secs=3):
    for _ in range(int(secs * 10)):
        if cond(rules(path)):
            return True
        time.sleep(0.1)
    return False


def scenario(exe, tmp):
    cap = os.path.join(tmp, "steady.pcap")
    write_capture(cap)
    filters = os.path.join(tmp, "filters")
    win = Window(exe, cap, filters, tmp)
    if not check(win.wid is not None, f"the window opens ({win.why})"):
        win.proc.kill()
        return
    time.sleep(5)  # the layout settles
    panel = win.shot()
    if not check(panel is not None, "the s key saves a frame"):
        win.close()
        return
    # the talkers panel, on at first in the window, top right; k hides it
    win.key("k")
    time.sleep(0.5)
    first = win.shot()
    corner = [(x, y) for y in range(10, H // 3) for x in range(W * 2 // 3, W - 10)]
    lit0 = sum(1 for x, y in corner if lum(panel[y][x]) > 150)
    lit1 = sum(1 for x, y in corner if lum(first[y][x]) > 150)
    check(lit0 > 300 and lit1 < lit0 / 4,
          f"the talkers panel shows top right, and k hides it ({lit0} -> {lit1} bright pixels)")

    print("click a host and hide it")
    hidden, before = None, first
    for x, y, _ in blobs(first):
        before = win.shot()  # just before: the swarm drifts while spots are tried
        win.click(x, y)
        time.sleep(0.5)
        win.key("h")
        if wait_rules(filters, lambda r: any(line.startswith("hide host") for line in r), 3):
            hidden = (x, y)
            break
    check(hidden is not None, f"clicking a bright spot and h writes 'hide host' "
                              f"(spots: {blobs(first)[:6]}, file: {rules(filters)})")
    if hidden:
        time.sleep(1.5)  # fades out in half a second
        after = win.shot()
        # hosts may touch: a neighbour can still glow near the spot, but
        # the hidden host's own glow is gone
        b, a = around(before, *hidden), around(after, *hidden)
        lit0, lit1 = (sum(lum(p) > 200 for p in near(img, *hidden)) for img in (before, after))
        check(a < b, f"the hidden host's spot dims ({b:.0f} -> {a:.0f})")
        # around it, not over the whole frame: rings are sized by their
        # share of the bytes, so the others may grow as its traffic goes
        check(lit1 < lit0, f"its glow is gone ({lit0} -> {lit1} bright pixels near it)")

    print("undo, then type a filter")
    win.key("u")
    check(wait_rules(filters, lambda r: r == []), f"u undoes the hide: {rules(filters)}")
    win.key("slash")
    win.do("type", "--window", win.wid, "--delay", "40", "only port 5x")
    time.sleep(0.4)
    win.key("Return")  # a bad expression: the prompt stays open with the error
    time.sleep(0.4)
    check(rules(filters) == [], f"a bad expression changes nothing: {rules(filters)}")
    win.key("BackSpace", "BackSpace")
    win.do("type", "--window", win.wid, "--delay", "40", "53")
    win.key("Return")
    check(wait_rules(filters, lambda r: r == ["only port 53"]),
          f"typing '/only port 53' and Enter writes the rule: {rules(filters)}")
    time.sleep(7)  # web hosts go at once; the idle web hub fades after its idle time
    only_dns = win.shot()
    w0, w1 = count(first, web), count(only_dns, web)
    d1 = count(only_dns, dns)
    check(w0 > 200 and w1 < 0.05 * w0, f"no web colour is left ({w0} -> {w1} pixels)")
    check(d1 > 100, f"DNS still shows ({d1} pixels)")

    print("zoom at the DNS hub")
    spots = [b for b in blobs(only_dns)]
    if check(spots, "DNS spots to zoom at"):
        x, y, _ = spots[-1]
        win.do("mousemove", "--window", win.wid, str(x), str(y))
        for _ in range(5):
            win.click(x, y, 4)  # the wheel, away from the user: in
            time.sleep(0.05)
        time.sleep(0.5)
        zoomed = win.shot()
        d2 = count(zoomed, dns)
        check(d2 > 2 * d1, f"zooming in makes DNS bigger ({d1} -> {d2} pixels)")
        win.key("0")

    print("the list of keys, clear, quit")
    plain = win.shot()
    win.key("question")
    time.sleep(0.5)
    helped = win.shot()
    changed = sum(1 for y in range(H // 5, H * 4 // 5) for x in range(W // 5, W * 4 // 5)
                  if abs(lum(plain[y][x]) - lum(helped[y][x])) > 60)
    check(changed > 2000, f"? shows the list of keys ({changed} pixels changed)")
    win.key("question", "c")
    check(wait_rules(filters, lambda r: r == []), f"c clears every filter: {rules(filters)}")

    print("the file edited by hand is read again")
    time.sleep(6)  # the web hub back, DNS as before
    before = win.shot()
    with open(filters + ".tmp", "w") as f:
        f.write("# by hand\nhide class dns\n")
    os.replace(filters + ".tmp", filters)
    time.sleep(7)  # DNS hosts go at once; the idle DNS hub after its idle time
    edited = win.shot()
    d0, d1, w1 = count(before, dns), count(edited, dns), count(edited, web)
    check(d0 > 200 and d1 < 0.05 * d0, f"no DNS colour is left ({d0} -> {d1} pixels)")
    check(w1 > 200, f"the web is back after the clear ({w1} pixels)")
    status, err = win.close()
    check(status == 0, f"q closes the window (exit {status}: {err.strip()[-300:]})")


def shot_time(name):
    """Seconds after the capture's start of a screenshot named by its
    capture time (flowswarm-YYYYmmdd-HHMMSS[-N].png)."""
    stamp = name.split("-")[1] + name.split("-")[2][:6]
    t = time.strptime(stamp, "%Y%m%d%H%M%S")
    return calendar.timegm(t) - 1700000000


def seek_scenario(exe, tmp):
    print("seek with the arrows")
    cap = os.path.join(tmp, "steady.pcap")
    d = os.path.join(tmp, "seek")
    os.mkdir(d)
    win = Window(exe, cap, os.path.join(d, "filters"), d)
    if not check(win.wid is not None, f"the window opens ({win.why})"):
        win.proc.kill()
        return
    time.sleep(2)
    t0 = shot_time(win.shot(name_only=True))
    win.key("Right", "Right", "Right")
    time.sleep(1.5)
    t1 = shot_time(win.shot(name_only=True))
    check(t0 + 29 <= t1 <= t0 + 34, f"three right arrows go on 30 s ({t0} -> {t1})")
    win.key("Left", "Left")
    time.sleep(1.5)
    t2 = shot_time(win.shot(name_only=True))
    check(t1 - 21 <= t2 <= t1 - 17, f"two left arrows go back 20 s ({t1} -> {t2})")
    win.key("shift+Right")
    time.sleep(1.5)
    t3 = shot_time(win.shot(name_only=True))
    check(59 <= t3 <= 61, f"shift and right go on 60 s, stopping at the end ({t2} -> {t3})")
    win.key("shift+Left", "shift+Left")
    time.sleep(1.5)
    t4 = shot_time(win.shot(name_only=True))
    check(0 <= t4 <= 3, f"back past the start stops at the start ({t3} -> {t4})")
    time.sleep(3)
    frame = win.shot()
    check(frame is not None and count(frame, web) > 200 and count(frame, dns) > 100,
          "after the seeks the swarm plays on")
    status, err = win.close()
    check(status == 0, f"q closes the window (exit {status}: {err.strip()[-300:]})")


def write_subnets(path):
    """20 s: 320 busy web clients, each in a subnet of its own, and 100
    quiet DNS clients in 10.1.2.0/24, a packet each every 2 s."""
    def packet(f, usec, src, dst, proto, sp, dp, size):
        if proto == 6:
            l4 = struct.pack(">HHIIBBHHH", sp, dp, 0, 0, 0x50, 0x18, 1024, 0, 0)
        else:
            l4 = struct.pack(">HHHH", sp, dp, 8 + size, 0)
        data = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(l4) + size, 0, 0, 64, proto, 0,
                           bytes(src), bytes(dst)) + l4 + bytes(size)
        f.write(struct.pack("<IIII", 1700000000 + usec // 1000000, usec % 1000000,
                            len(data), len(data)) + data)
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
        for tick in range(100):  # every 200 ms
            usec = tick * 200000
            for i in range(320):
                packet(f, usec + i * 100, (10, i % 250 + 1, i // 250, 1), (192, 168, 0, 1),
                       6, 40000 + i, 443, 400)
            if tick % 10 == 0:
                for i in range(100):
                    packet(f, usec + 40000 + i * 100, (10, 1, 2, i + 1), (192, 168, 0, 53),
                           17, 50000 + i, 53, 40)


def orange(p):  # the dns class's orange, however dim
    return p[0] > 70 and p[0] > p[2] + 50 and p[1] > p[2] + 25


def components(img, test, least=3):
    """Sizes of the connected regions of pixels that pass test, away from
    the HUD and the histogram, largest first."""
    seen, sizes = set(), []
    for y in range(60, H - 70):
        for x in range(W):
            if (x, y) in seen or not test(img[y][x]):
                continue
            stack, n = [(x, y)], 0
            seen.add((x, y))
            while stack:
                px, py = stack.pop()
                n += 1
                for nx, ny in ((px + 1, py), (px - 1, py), (px, py + 1), (px, py - 1)):
                    if (60 <= ny < H - 70 and 0 <= nx < W and (nx, ny) not in seen
                            and test(img[ny][nx])):
                        seen.add((nx, ny))
                        stack.append((nx, ny))
            if n >= least:
                sizes.append((n, x, y))
    return sorted(sizes, reverse=True)


def peaks(img, r=5):
    """Orange spots brighter than everything within r pixels: one for each
    dot drawn apart (plateaus count once), the halos and the edges between
    dots however they run together."""
    lum_rows = [[lum(p) for p in row] for row in img]

    def widest(line):
        return [max(line[max(0, i - r):i + r + 1]) for i in range(len(line))]
    rows = [widest(row) for row in lum_rows]
    cols = [widest([rows[y][x] for y in range(H)]) for x in range(W)]
    marked = [[(255, 0, 0) if lum_rows[y][x] >= cols[x][y] and lum_rows[y][x] > 90
               and orange(img[y][x]) else (0, 0, 0) for x in range(W)] for y in range(H)]
    return components(marked, lambda p: p[0] > 0, least=1)


def clouds_scenario(exe, tmp):
    print("a subnet cloud, split by zooming in")
    cap = os.path.join(tmp, "subnets.pcap")
    write_subnets(cap)
    d = os.path.join(tmp, "clouds")
    os.mkdir(d)
    win = Window(exe, cap, os.path.join(d, "filters"), d, ["--group-at", "100"])
    if not check(win.wid is not None, f"the window opens ({win.why})"):
        win.proc.kill()
        return
    time.sleep(6)  # the cloud forms and gathers
    far = win.shot()
    parts = components(far, orange) if far else []
    # the cloud: one soft orange disc at the DNS service, the largest
    # orange region
    if not check(parts and parts[0][0] > 150,
                 f"the 100 quiet hosts show as one orange disc ({parts[:3]})"):
        win.close()
        return
    _, x, y = parts[0]
    ys = [j for j in range(60, H - 70) for i in range(W) if orange(far[j][i])
          and abs(i - x) < 80 and abs(j - y) < 80]
    xs = [i for j in range(60, H - 70) for i in range(W) if orange(far[j][i])
          and abs(i - x) < 80 and abs(j - y) < 80]
    cx, cy = sum(xs) // len(xs), sum(ys) // len(ys)
    win.do("mousemove", "--window", win.wid, str(cx), str(cy))
    for _ in range(12):  # 1.2 a notch: 9 times as near
        win.click(cx, cy, 4)  # the wheel: in
        time.sleep(0.05)
    time.sleep(1.5)
    near = win.shot()
    before, after = len(peaks(far)), len(peaks(near)) if near else 0
    check(after >= 100 and after >= 4 * before,
          f"zoomed in, the cloud splits into its hosts ({before} -> {after} orange dots)")
    status, err = win.close()
    check(status == 0, f"q closes the window (exit {status}: {err.strip()[-300:]})")


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    for tool in ("xvfb-run", "xdotool", "ffmpeg"):
        if not shutil.which(tool):
            print(f"SKIP: {tool} is not installed")
            return 77
    if sys.argv[-1] != "--in-xvfb":
        return subprocess.run(["xvfb-run", "-a", "-s", f"-screen 0 1280x720x24",
                               sys.executable, os.path.abspath(__file__), sys.argv[1],
                               "--in-xvfb"], check=False).returncode
    with tempfile.TemporaryDirectory() as tmp:
        scenario(os.path.abspath(sys.argv[1]), tmp)
        seek_scenario(os.path.abspath(sys.argv[1]), tmp)
        clouds_scenario(os.path.abspath(sys.argv[1]), tmp)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
