#!/usr/bin/env python3
"""Collector sustained rate: bench_blast sends IPFIX (or sFlow) over
loopback at rising rates, SECONDS each, to flowswarm --collect --events
(into a file; its lines counted) and to nfdump's nfcapd on the same
stream (its own files; its count of flows at exit); a rate is sustained
when every flow sent was received. Both ask the kernel for the same 8 MiB socket buffer. nfcapd
takes NetFlow and IPFIX only: sFlow is flowswarm's alone here. Prints
figures; asserts nothing.

usage: collector_rate.py FLOWSWARM BENCH_BLAST [SECONDS] [PROTOCOLS]"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

PORT = 47400
RATES = [25_000, 50_000, 100_000, 200_000, 400_000, 800_000, 1_600_000, 2_400_000,
         3_200_000, 4_800_000, 6_400_000]


DOMAINS = 1


def blast(blaster, proto, rate, secs):
    r = subprocess.run([blaster, proto, str(PORT), str(rate), str(secs), str(DOMAINS)],
                       capture_output=True, text=True, check=True)
    sent, _, took = r.stdout.split()
    return int(sent), float(took)


def receive(p, stop_sig, blaster, proto, rate, secs):
    """The blast while receiver p listens, then p told to stop; returns
    what was sent, the time it took and p's second output stream."""
    time.sleep(0.7)
    sent, took = blast(blaster, proto, rate, secs)
    time.sleep(1.0)
    p.send_signal(stop_sig)
    out, err = p.communicate(timeout=60)
    return sent, took, err if err is not None else out


def run_flowswarm(exe, blaster, proto, rate, secs):
    """--events into a file, as nfcapd writes its own; its lines counted."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "events.tsv")
        with open(path, "wb") as out:
            p = subprocess.Popen([exe, "--collect", str(PORT), "--events"], stdout=out,
                                 stderr=subprocess.PIPE, text=True)
            sent, took, err = receive(p, signal.SIGINT, blaster, proto, rate, secs)
        got = 0
        with open(path, "rb") as f:
            while chunk := f.read(1 << 24):
                got += chunk.count(b"\n")
    return sent, got, took, err


def run_nfcapd(blaster, proto, rate, secs):
    """nfcapd's own files, and its count of flows at exit."""
    with tempfile.TemporaryDirectory() as tmp:
        p = subprocess.Popen(["nfcapd", "-b", "127.0.0.1", "-p", str(PORT), "-w", tmp,
                              "-B", str(8 << 20)], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
        sent, took, out = receive(p, signal.SIGTERM, blaster, proto, rate, secs)
    m = re.search(r"Flows: (\d+)", out)
    return sent, int(m.group(1)) if m else 0, took, out


def ladder(name, run, secs):
    best = 0
    for rate in RATES:
        sent, got, took, _ = run(rate, secs)
        loss = 1 - got / sent if sent else 1
        print(f"  {name:10} {rate:>9,} flows/s asked, {sent / took:>11,.0f} sent/s: "
              f"{got:>9,} of {sent:>9,} received ({loss:6.2%} lost)", flush=True)
        if got == sent:
            best = rate
        if loss > 0.05:
            break
    return best


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    exe, blaster = sys.argv[1], sys.argv[2]
    secs = float(sys.argv[3]) if len(sys.argv) > 3 else 3
    protos = sys.argv[4].split(",") if len(sys.argv) > 4 else ["ipfix", "sflow"]
    print(f"collector rate, {secs:g} s per step, {os.cpu_count()} CPUs; "
          "sustained = the highest rate with no flow lost")
    for proto in protos:
        print(f"{proto}:")
        fs = ladder("flowswarm", lambda r, s: run_flowswarm(exe, blaster, proto, r, s), secs)
        line = f"  sustained: flowswarm {fs:,} flows/s"
        if proto == "ipfix" and shutil.which("nfcapd"):
            nf = ladder("nfcapd", lambda r, s: run_nfcapd(blaster, proto, r, s), secs)
            line += f", nfcapd {nf:,} flows/s"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
