#!/usr/bin/env python3
"""Every capture and flow file in the shared data set through --events:
each is read or refused, never crashes, never trips a sanitizer, and a
refusal is one line that names the file. Hundreds of the captures are
tcpdump's and zeek's malformed and fuzzer-found cases.

usage: data_sweep.py FLOWSWARM DATA_DIR
Exits 77 (skipped) when the data is absent."""
import concurrent.futures
import csv
import os
import subprocess
import sys

SANITIZER_WORDS = ("Sanitizer", "runtime error:", "AddressSanitizer", "LeakSanitizer")


def sweep_one(exe, data, rel):
    path = os.path.join(data, rel)
    try:
        r = subprocess.run([exe, "-r", path, "--events"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=300, check=False)
    except subprocess.TimeoutExpired:
        return rel, "took over 300 s"
    err = r.stderr.decode(errors="replace")
    lines = [line for line in err.splitlines() if line]
    if any(w in err for w in SANITIZER_WORDS):
        return rel, "sanitizer report: " + " | ".join(lines[:6])
    if r.returncode not in (0, 1):
        return rel, f"exit status {r.returncode}: " + " | ".join(lines[:3])
    if any(not line.startswith("flowswarm: ") for line in lines):
        return rel, "stray output on stderr: " + " | ".join(lines[:3])
    if r.returncode == 1 and (len(lines) != 1 or path not in lines[0]):
        return rel, "refused without one line naming the file: " + " | ".join(lines[:3])
    return rel, None


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    exe, data = sys.argv[1:]
    manifest = os.path.join(data, "MANIFEST.tsv")
    if not os.path.exists(manifest):
        print(f"SKIP: test data not found at {data}")
        return 77
    with open(manifest, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    files = [r["path"] for r in rows
             if ("pcap" in r["kind"] or r["kind"] == "flow-tools file")
             and os.path.exists(os.path.join(data, r["path"]))]
    bad = 0
    refused = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for rel, why in pool.map(lambda p: sweep_one(exe, data, p), files):
            if why:
                bad += 1
                print(f"FAIL {rel}: {why}")
    print(f"{len(files) - bad} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
