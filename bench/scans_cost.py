#!/usr/bin/env python3
"""The cost of the scans stage: --events with it and with --no-scans, on a
synthetic capture with a fifth of its packets UDP (gen_capture.py), on a
SYN-heavy synthetic capture, and on the benchmark flow file of real
NetFlow records where DATA_DIR holds it. Best of RUNS each, names off;
prints events per second, peak memory and the stage's share. Never fails
on a time.

usage: scans_cost.py FLOWSWARM [DATA_DIR] [RUNS]"""
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FLOWS = "flowtools/bench/realflows_bench_x12_v5_le_z9.ft"


def timed(exe, path, args):
    """Seconds to write the events to /dev/null, and the peak RSS in MB."""
    t = time.perf_counter()
    p = subprocess.Popen([exe, "-n", "-q", "-r", path, "--events", *args],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"{exe} failed on {path} (exit {p.returncode})")
    return time.perf_counter() - t, usage.ru_maxrss / 1024


def count(exe, path):
    """Events, counted as they stream by (this process stays small: a
    child's peak RSS counts the fork it starts as)."""
    p = subprocess.Popen([exe, "-n", "-q", "-r", path, "--events", "--no-scans"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    n = 0
    for chunk in iter(lambda: p.stdout.read(1 << 20), b""):
        n += chunk.count(b"\n")
    p.wait()
    return n


def measure(exe, name, path, runs):
    n = count(exe, path)
    on = min(timed(exe, path, []) for _ in range(runs))
    off = min(timed(exe, path, ["--no-scans"]) for _ in range(runs))
    print(f"{name}: {n} events; scans on {n / on[0] / 1e6:.2f} M events/s "
          f"({on[0]:.2f} s, {on[1]:.0f} MB), off {n / off[0] / 1e6:.2f} M events/s "
          f"({off[0]:.2f} s, {off[1]:.0f} MB); the stage costs "
          f"{(on[0] - off[0]) / n * 1e9:.0f} ns an event, +{(on[0] / off[0] - 1) * 100:.0f}%")


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    exe = sys.argv[1]
    data = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "..", "..", "shared", "data")
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    with tempfile.TemporaryDirectory() as tmp:
        mixed = os.path.join(tmp, "mixed.pcap")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_capture.py"), mixed, "10000",
                        "60", "10000"], check=True, stdout=subprocess.DEVNULL)
        measure(exe, "synthetic capture, 10k hosts", mixed, runs)
        gen = os.path.join(data, "..", "tools", "gen_pcap.py")
        if os.path.exists(gen):
            syn = os.path.join(tmp, "syn10k.pcap")
            subprocess.run([sys.executable, gen, syn, "--packets", "300000", "--hosts",
                            "10000", "--seconds", "30", "--seed", "7"], check=True,
                           stdout=subprocess.DEVNULL)
            measure(exe, "gen_pcap syn10k", syn, runs)
    flows = os.path.join(data, FLOWS)
    if os.path.exists(flows):
        measure(exe, "real NetFlow records x12", flows, runs)
    else:
        print(f"skipped the flow file: {flows} is absent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
