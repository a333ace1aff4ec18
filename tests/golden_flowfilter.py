#!/usr/bin/env python3
"""The trailing filter expression on flow records: flowswarm --events with
an expression, on every flow file in the shared data set, against
flow-tools' own reading of the file (flow-export -f2) filtered here by
the rule tcpdump gives the same expression: host, src/dst host, net,
port, src/dst port, portrange, proto, tcp/udp/icmp, TCP flags, and their
and/or/not. Then bad expressions, on every input kind: each is refused in
one line that names the input and the word that is wrong.

usage: golden_flowfilter.py FLOWSWARM DATA_DIR
Exits 77 (skipped) when the data is absent."""
import glob
import ipaddress
import os
import subprocess
import sys
import tempfile

from checks import check, finish
from golden_flowtools import expected_from_csv

PORTED = (6, 17, 132)  # what tcpdump's bare "port" covers on IPv4


class Rec:
    def __init__(self, line):
        f = line.split("\t")
        self.line = line
        self.src, self.dst = ipaddress.ip_address(f[1]), ipaddress.ip_address(f[2])
        self.proto, self.sport, self.dport = int(f[3]), int(f[4]), int(f[5])
        self.flags = int(f[8], 16)


def pick(recs):
    """Values the records themselves hold, so every expression selects
    some records and leaves others out."""
    tcp = [r for r in recs if r.proto == 6] or recs
    ports = [r.dport for r in recs if r.proto in PORTED] or [80]
    common = max(set(ports), key=ports.count)
    a, b = recs[0].src, recs[len(recs) // 2].dst
    net = ipaddress.ip_network(f"{a}/16", strict=False)
    return a, b, net, common, tcp[0].sport


def rules(recs):
    """(expression, the same rule over a record) pairs."""
    a, b, net, p, q = pick(recs)

    def port(r, n):
        return r.proto in PORTED and n in (r.sport, r.dport)

    return [
        (f"host {a}", lambda r: a in (r.src, r.dst)),
        (f"src host {a}", lambda r: r.src == a),
        (f"dst host {b}", lambda r: r.dst == b),
        (f"net {net}", lambda r: r.src in net or r.dst in net),
        (f"src net {net}", lambda r: r.src in net),
        (f"port {p}", lambda r: port(r, p)),
        (f"dst port {p}", lambda r: r.proto in PORTED and r.dport == p),
        (f"tcp src port {q}", lambda r: r.proto == 6 and r.sport == q),
        ("portrange 1-1023", lambda r: r.proto in PORTED and
         (1 <= r.sport <= 1023 or 1 <= r.dport <= 1023)),
        ("udp", lambda r: r.proto == 17),
        ("icmp or proto 47", lambda r: r.proto in (1, 47)),
        ("proto 6", lambda r: r.proto == 6),
        ("tcp[tcpflags] & tcp-syn != 0", lambda r: r.proto == 6 and r.flags & 2),
        (f"not port {p}", lambda r: not port(r, p)),
        (f"host {a} and not port {p}", lambda r: a in (r.src, r.dst) and not port(r, p)),
        (f"tcp and (dst host {b} or src net {net})",
         lambda r: r.proto == 6 and (r.dst == b or r.src in net)),
        (f"not (udp or tcp) or port {p}", lambda r: r.proto not in (6, 17) or port(r, p)),
    ]


def events(exe, path, expr):
    r = subprocess.run([exe, "-r", path, "--events", expr], capture_output=True,
                       text=True, check=False)
    return r.returncode, r.stdout.splitlines(), r.stderr


def golden(exe, data):
    files = sorted(p[: -len(".flow-export-f2.csv")]
                   for p in glob.glob(os.path.join(data, "flowtools/*/*.flow-export-f2.csv")))
    print(f"golden: expressions on {len(files)} flow files against flow-export, "
          "filtered by tcpdump's rules")
    total = 0
    for base in files:
        rel = os.path.relpath(base, data)
        ft = base + ".ft" if os.path.exists(base + ".ft") else base
        if os.path.getsize(ft) > 1_000_000:
            continue  # the benchmark files: the same records, only more of them
        recs = [Rec(w) for w in expected_from_csv(base + ".flow-export-f2.csv") if w]
        if not recs:
            continue
        bad = 0
        for expr, rule in rules(recs):
            want = [r.line for r in recs if rule(r)]
            rc, got, err = events(exe, ft, expr)
            bad += not check(rc == 0 and got == want,
                             f"{rel} '{expr}': exit {rc}, {len(got)} events, "
                             f"{len(want)} expected {err.strip()[:200]}")
            total += len(want)
        if not bad:
            print(f"  ok {rel}: {len(rules(recs))} expressions")
    print(f"  {total} records selected in all")


def bad_expressions(exe, data):
    print("bad expressions: one line naming the input and what is wrong")
    sample = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples",
                          "example.pcap")
    ft = os.path.join(data, "flowtools/capture/ft-v05.2026-11-22.212803+0000")
    ng = glob.glob(os.path.join(data, "pcap/**/*.pcapng"), recursive=True)
    inputs = [("pcap", sample), ("flow-tools", ft)] + ([("pcapng", ng[0])] if ng else [])
    cases = [
        ("this is not bpf", "at 'this' (character 1)"),
        ("tcp portx 80", "at 'portx' (character 5)"),
        ("host 10.0.0.1 and and port 80", "at 'and' (character 19)"),
        ("tcp port 80 and", "ends too early"),
        ("(udp or tcp", "ends too early"),
        ("port 99999", "99999"),
    ]
    for kind, path in inputs:
        for expr, needle in cases:
            for how in ("file", "stdin"):
                args = [exe, "--events", "-r", path if how == "file" else "-", expr]
                with open(path, "rb") as f:
                    r = subprocess.run(args, stdin=f, capture_output=True, text=True,
                                       check=False)
                lines = r.stderr.strip().splitlines()
                name = path if how == "file" else "<stdin>"
                check(r.returncode == 1 and len(lines) == 1 and needle in lines[0] and
                      name in lines[0] and r.stdout == "",
                      f"{kind} {how} '{expr}': exit 1, one line naming {name} and "
                      f"{needle!r} (got {r.returncode}: {r.stderr.strip()!r})")
    # link-layer words have no meaning on a flow record: said, not ignored
    rc, out, err = events(exe, ft, "ether host 00:11:22:33:44:55")
    check(rc == 1 and "link-layer" in err and ft in err,
          f"'ether host' on flows is refused with the reason ({err.strip()!r})")
    rc, out, err = events(exe, sample, "ether host 00:11:22:33:44:55 or port 443")
    check(rc == 0 and out, "while on an Ethernet capture it works")
    # the same expression in a video of flows: the render follows the filter
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run([exe, "-r", ft, "-o", os.path.join(tmp, "none.mkv"), "not ip"],
                           capture_output=True, text=True, check=False)
    check(r.returncode == 1 and "no IP packets or flows" in r.stderr,
          f"an expression that leaves nothing is said before rendering ({r.stderr.strip()!r})")


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    exe, data = sys.argv[1], sys.argv[2]
    if not glob.glob(os.path.join(data, "flowtools/*/*.flow-export-f2.csv")):
        print(f"SKIP: no flow files with flow-export dumps under {data}")
        return 77
    golden(exe, data)
    bad_expressions(exe, data)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
