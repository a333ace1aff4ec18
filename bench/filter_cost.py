#!/usr/bin/env python3
"""The cost of the filter stage: events per second through --events on a
synthetic capture, with no filter and with a 5-term expression that keeps
every event (so both runs print the same lines and only the matching
differs), best of RUNS each. Prints the figures; never fails on a time.

usage: filter_cost.py FLOWSWARM [PACKETS] [RUNS]"""
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# five primitives, none of which drops an event of the synthetic capture
EXPR = "not host 203.0.113.9 and not port 9999 and (tcp or udp) and not net 198.51.100.0/24 " \
       "or icmp"
ALSO = [("--hide 'port 9999'", ["--hide", "port 9999"]),
        ("--only '(tcp or udp) and not host 203.0.113.9'",
         ["--only", "(tcp or udp) and not host 203.0.113.9"]),
        ("--top 100", ["--top", "100"])]


def timed(exe, cap, args):
    """Seconds to write the events to /dev/null (a reader on a pipe would
    be timed too)."""
    t = time.perf_counter()
    subprocess.run([exe, "-r", cap, "--events", *args], stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, check=True)
    return time.perf_counter() - t


def lines(exe, cap, args):
    r = subprocess.run([exe, "-r", cap, "--events", *args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, check=True)
    return r.stdout.count(b"\n")


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    exe = sys.argv[1]
    packets = int(sys.argv[2]) if len(sys.argv) > 2 else 2000000
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    with tempfile.TemporaryDirectory() as tmp:
        cap = os.path.join(tmp, "bench.pcap")
        seconds = packets / 20000
        subprocess.run([sys.executable, os.path.join(HERE, "gen_capture.py"), cap, "10000",
                        str(seconds), "20000"], check=True)
        cases = [("no filter", []), (f"--only '{EXPR}'", ["--only", EXPR])] + ALSO
        results = {}
        for name, args in cases:
            best = min(timed(exe, cap, args) for _ in range(runs))
            n = lines(exe, cap, args)
            results[name] = (best, n)
            print(f"{name}: {n} events in {best:.3f} s, {n / best / 1e6:.2f} M events/s")
        base = results["no filter"][0]
        five = results[f"--only '{EXPR}'"][0]
        print(f"5-term filter: {100 * (five - base) / base:+.1f}% time against no filter")
    return 0


if __name__ == "__main__":
    sys.exit(main())
