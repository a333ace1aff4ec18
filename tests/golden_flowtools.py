#!/usr/bin/env python3
"""flow-tools golden test: flowswarm --events on every flow file in the
shared data set, field by field against flow-tools' own readings of the
same file (flow-export -f2 CSV; flow-print -f5 start times), then damaged
copies of real files, each of which must get a clear message naming the
file and the offset while every whole record before the damage is used.

usage: golden_flowtools.py FLOWSWARM DATA_DIR
Exits 77 (skipped) when the data is absent."""
import datetime
import glob
import os
import struct
import subprocess
import sys
import tempfile
import zlib

from checks import check, finish


def ftltime(secs, nsecs, up, t):
    """flow-tools' ftltime(), in 32-bit unsigned arithmetic."""
    m = nsecs // 1000000
    s = (secs - up // 1000) & 0xffffffff
    if up % 1000 > m:
        s = (s - 1) & 0xffffffff
        m += 1000
    m -= up % 1000
    s = (s + t // 1000) & 0xffffffff
    m += t % 1000
    if m >= 1000:
        m -= 1000
        s = (s + 1) & 0xffffffff
    return s, m


def expected_from_csv(path):
    rows = []
    with open(path) as f:
        cols = f.readline()[2:].strip().split(",")
        for line in f:
            v = dict(zip(cols, line.strip().split(",")))
            if "srcaddr" not in v and "dstaddr" not in v:
                rows.append(None)  # nothing to show: skipped with a reason
                continue
            s, m = ftltime(int(v["unix_secs"]), int(v["unix_nsecs"]),
                           int(v["sysuptime"]), int(v["first"]))
            rows.append("\t".join([
                f"{s}.{m:03d}000", v.get("srcaddr", "0.0.0.0"), v.get("dstaddr", "0.0.0.0"),
                v.get("prot", "0"), v.get("srcport", "0"), v.get("dstport", "0"),
                v["dpkts"], v["doctets"], f"{int(v.get('tcp_flags', '0')):02x}"]))
    return rows


def print_starts(path):
    """flow-print -f 5 start column, MMDD.HH:MM:SS.mmm, one per record."""
    starts = []
    with open(path) as f:
        for line in f:
            if line[:4].isdigit() and "." in line[:6]:
                starts.append(line.split()[0])
    return starts


def fmt_start(event_time):
    sec, frac = event_time.split(".")
    d = datetime.datetime.fromtimestamp(int(sec), datetime.timezone.utc)
    return d.strftime("%m%d.%H:%M:%S.") + frac[:3]


def events(exe, path):
    r = subprocess.run([exe, "-r", path, "--events"], capture_output=True, text=True,
                       check=False)
    return r.returncode, r.stdout.splitlines(), r.stderr


def golden(exe, data):
    files = sorted(p[: -len(".flow-export-f2.csv")]
                   for p in glob.glob(os.path.join(data, "flowtools/*/*.flow-export-f2.csv")))
    print(f"golden: {len(files)} flow files against flow-export and flow-print")
    for base in files:
        rel = os.path.relpath(base, data)
        ft = base + ".ft" if os.path.exists(base + ".ft") else base
        want = expected_from_csv(base + ".flow-export-f2.csv")
        rc, got, err = events(exe, ft)
        shown = [w for w in want if w is not None]
        ok = check(rc == 0, f"{rel}: exit {rc}: {err.strip()}")
        ok &= check(got == shown, f"{rel}: {len(got)} events differ from flow-export's "
                    f"{len(shown)} records" + first_diff(got, shown))
        if len(shown) < len(want):
            ok &= check("carry no host address" in err and str(len(want) - len(shown)) in err,
                        f"{rel}: skipped records are reported ({err.strip()!r})")
        fp = base + ".flow-print-f5.txt"
        if os.path.exists(fp):
            starts = print_starts(fp)
            mine = [fmt_start(line.split("\t")[0]) for line in got]
            ok &= check(mine == starts, f"{rel}: start times differ from flow-print"
                        + first_diff(mine, starts))
        if ok:
            print(f"  ok {rel}: {len(got)} events" +
                  (f", {len(want) - len(shown)} skipped" if len(shown) < len(want) else ""))


def first_diff(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f" (first at {i + 1}: {x!r} vs {y!r})"
    return ""


def damaged(exe, data, tmp):
    print("damage: each gets one clear line naming the file and offset")
    plain = os.path.join(data, "flowtools/flowgen/v5_n1000_le_z0.ft")
    packed = os.path.join(data, "flowtools/flowgen/v5_n1000_le_z9.ft")
    counted = os.path.join(data, "flowtools/from-pcap/synscan_v5_le_z0.ft")
    with open(plain, "rb") as f:
        p = f.read()
    with open(packed, "rb") as f:
        z = f.read()
    with open(counted, "rb") as f:
        c = f.read()
    hlen = struct.unpack("<I", p[4:8])[0]
    zlen = struct.unpack("<I", z[4:8])[0]
    mid = zlen + (len(z) - zlen) // 2

    def tlv_offset(data_, tlv_type):
        off = 8
        while off + 4 <= len(data_):
            t, l = struct.unpack("<HH", data_[off:off + 4])
            if t == tlv_type:
                return off
            off += 4 + l
        raise ValueError("no such TLV")

    def patched(data_, off, new):
        return data_[:off] + new + data_[off + len(new):]

    cases = [
        # (name, bytes, exit code, words the message holds, events expected)
        ("bad-version.ft", p[:3] + b"\x02" + p[4:], 1, ["offset 3", "stream version 2"], 0),
        ("bad-export.ft", patched(p, tlv_offset(p, 2) + 4, struct.pack("<H", 9)), 1,
         ["export version 9"], 0),
        ("header-beyond.ft", p[:4] + struct.pack("<I", len(p) + 100) + p[8:], 1,
         ["offset 4", "beyond the end"], 0),
        ("tlv-overflow.ft", patched(p, tlv_offset(p, 2) + 2, struct.pack("<H", 60000)), 1,
         ["TLV", "claims 60000"], 0),
        ("cut-record.ft", p[:hlen + 64 * 10 + 30], 0, [f"offset {hlen + 640}", "cut"], 10),
        ("cut-zlib.ft", z[:zlen + (len(z) - zlen) // 2], 0, ["ends early", "offset"], None),
        ("corrupt-zlib.ft", z[:-4] + bytes(b ^ 0xff for b in z[-4:]), 0,
         ["corrupt compressed data", "offset"], 1000),
        ("garbled-zlib.ft", z[:mid] + bytes(b ^ 0x5a for b in z[mid:mid + 50]) + z[mid + 50:],
         0, ["compressed", "offset"], None),
        ("count-mismatch.ft", c[:len(c) - 64], 0, ["header counts", "offset"], None),
    ]
    for name, blob, code, words, nev in cases:
        path = os.path.join(tmp, name)
        with open(path, "wb") as f:
            f.write(blob)
        rc, got, err = events(exe, path)
        lines = err.strip().splitlines()
        msg = lines[0] if lines else ""
        check(rc == code and len(lines) == 1 and name in msg and all(w in msg for w in words),
              f"{name}: exit {code} and one line with {words} (got {rc}: {err.strip()!r})")
        if nev is not None:
            check(len(got) == nev, f"{name}: {nev} whole records used (got {len(got)})")
        elif code == 0:
            check(len(got) > 0, f"{name}: the records before the damage are used")
    # every whole record before a cut in compressed data, exactly
    rc, got, err = events(exe, os.path.join(tmp, "cut-zlib.ft"))
    inflated = zlib.decompressobj().decompress(z[zlen:zlen + (len(z) - zlen) // 2])
    check(len(got) == len(inflated) // 64,
          f"cut-zlib.ft: {len(inflated) // 64} whole records inflate, got {len(got)}")
    # stdin, and a flow file merged with a capture
    with open(packed, "rb") as f:
        r = subprocess.run([exe, "-r", "-", "--events"], stdin=f, capture_output=True,
                           check=False)
    check(r.returncode == 0 and len(r.stdout.splitlines()) == 1000, "flow file on stdin")
    flows = os.path.join(data, "flowtools/from-pcap/http_espn_v5_le_z9.ft")
    capture = os.path.join(data, "pcap/chrissanders/http_espn.pcapng")
    n_flows = len(events(exe, flows)[1])
    n_packets = len(events(exe, capture)[1])
    r = subprocess.run([exe, "-r", flows, "-r", capture, "--events"], capture_output=True,
                       text=True, check=False)
    lines = r.stdout.splitlines()
    check(r.returncode == 0 and len(lines) == n_flows + n_packets and n_flows > 0,
          f"a flow file and a capture merge ({len(lines)} = {n_flows} + {n_packets})")
    out = os.path.join(tmp, "flows.mp4")
    r = subprocess.run([exe, "-r", flows, "-o", out, "--duration", "2", "--size", "320x240",
                        "-q"], capture_output=True, text=True, check=False)
    probe = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-show_entries",
                            "stream=nb_read_frames", "-of", "csv=p=0", out],
                           capture_output=True, text=True, check=False)
    check(r.returncode == 0 and probe.stdout.strip() == "60",
          f"a flow file renders to video ({r.stderr.strip()} {probe.stdout.strip()})")


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    exe, data = sys.argv[1:]
    if not os.path.isdir(os.path.join(data, "flowtools")):
        print(f"SKIP: flow-tools test data not found under {data}")
        return 77
    golden(exe, data)
    with tempfile.TemporaryDirectory() as tmp:
        damaged(exe, data, tmp)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
