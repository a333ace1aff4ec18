#!/usr/bin/env python3
"""Scanners as a user meets them: the line a render ends with names the
scanners of the real scan captures (a SYN scan read as packets and as
NetFlow v5 flows, nmap's host discovery once --scan-hosts is lowered) and
none in a dozen benign captures of web, DNS, mail and file transfer; the
options are checked; and, as root, nmap's SYN, FIN, NULL, XMAS and UDP
scans and a UDP sweep run against loopback addresses while flowswarm
records lo, and each scanner is found by its kind.

usage: scans_cli.py FLOWSWARM DATA_DIR"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from checks import check, finish

SCANS = [
    ("pcap/chrissanders/synscan.pcapng", [], "172.16.0.8 (port scan, SYN probes"),
    ("flowtools/from-pcap/synscan_v5_le_z0.ft", [], "172.16.0.8 (port scan, SYN probes"),
    ("pcap/zeek/nmap-vsn.pcap", ["--scan-hosts", "5"], "192.168.1.71 (host sweep, SYN probes"),
]
BENIGN = [
    "pcap/chrissanders/http_espn.pcapng",
    "pcap/chrissanders/http_google.pcapng",
    "pcap/zeek/http/bro.org-filtered.pcap",
    "pcap/zeek/http/1000-requests-one-dropped-response.pcap",
    "pcap/chrissanders/dns_recursivequery_server.pcapng",
    "pcap/chrissanders/dns_tcp.pcapng",
    "pcap/chrissanders/dns.pcap",
    "pcap/zeek/ticks-dns.pcap",
    "pcap/chrissanders/mail_sender_attachment.pcapng",
    "pcap/zeek/smtp-attachment-msg.pcap",
    "pcap/zeek/pop3-unknown-commands.pcap",
    "pcap/zeek/ftp/bigtransfer.pcap",
    "pcap/zeek/ftp/retr.pcap",
    "pcap/zeek/nmap-vsn.pcap",  # eight hosts: below the default sweep
]


def render(exe, path, extra, tmp):
    """A still of the whole input (every event passes the stages); the
    stderr lines."""
    p = subprocess.run([exe, "-r", path, "--screenshot", os.path.join(tmp, "s.png"),
                        "--size", "320x180"] + extra,
                       capture_output=True, text=True, timeout=300)
    return p.returncode, p.stderr


def scanner_line(err):
    return next((l for l in err.splitlines() if re.match(r"flowswarm: \d+ scanners?:", l)),
                None)


def captures(exe, data, tmp):
    for rel, extra, want in SCANS:
        rc, err = render(exe, os.path.join(data, rel), extra, tmp)
        line = scanner_line(err)
        check(rc == 0 and line is not None and want in line,
              f"{rel} {' '.join(extra)}: '{want}' among the scanners (got {line!r})")
    rc, err = render(exe, os.path.join(data, SCANS[0][0]), ["--no-scans"], tmp)
    check(rc == 0 and scanner_line(err) is None, "--no-scans: no scanner line")
    rc, err = render(exe, os.path.join(data, SCANS[0][0]), ["-q"], tmp)
    check(rc == 0 and err == "", f"-q: nothing on stderr (got {err!r})")
    for rel in BENIGN:
        rc, err = render(exe, os.path.join(data, rel), [], tmp)
        check(rc == 0 and scanner_line(err) is None,
              f"{rel}: benign, no scanner (got {scanner_line(err)!r})")


def options(exe, data):
    path = os.path.join(data, SCANS[0][0])
    for args, words in [(["--scan-ports", "1"], "--scan-ports"),
                        (["--scan-hosts", "x"], "--scan-hosts"),
                        (["--scan-window", "0"], "--scan-window"),
                        (["--scan-wait", "-1"], "--scan-wait"),
                        (["--client-ports", "70000"], "--client-ports")]:
        p = subprocess.run([exe, "-r", path, "--events"] + args, capture_output=True,
                           text=True, timeout=60)
        lines = p.stderr.strip().splitlines()
        check(p.returncode == 2 and len(lines) == 1 and words in lines[0],
              f"{' '.join(args)}: exit 2 and one line naming it (got {p.returncode}, "
              f"{p.stderr!r})")
    p = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=60)
    check("--scan-ports" in p.stdout and "sfPortscan" in p.stdout and
          "Scan::addr_scan_threshold" in p.stdout,
          "--help names the scan options and where their defaults come from")


def nmap_live(exe, tmp):
    """nmap against 127.0.0.0/8 only, each scan from its own source
    address, while flowswarm records lo."""
    if os.geteuid() != 0 or not shutil.which("nmap"):
        print("  skipped: nmap on loopback needs root and nmap")
        return
    video = os.path.join(tmp, "live.mkv")
    rec = subprocess.Popen([exe, "-i", "lo", "-o", video, "--size", "320x180"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2)
    runs = [("-sS", "127.0.0.11", "-p1-40", "127.0.0.2", "port scan, SYN probes"),
            ("-sF", "127.0.0.12", "-p1-40", "127.0.0.2", "port scan, FIN/NULL/XMAS probes"),
            ("-sN", "127.0.0.13", "-p1-40", "127.0.0.2", "port scan, FIN/NULL/XMAS probes"),
            ("-sX", "127.0.0.14", "-p1-40", "127.0.0.2", "port scan, FIN/NULL/XMAS probes"),
            ("-sU", "127.0.0.15", "-p1-40", "127.0.0.2", "port scan, UDP probes"),
            ("-sU", "127.0.0.16", "-p161", "127.0.1.1-30", "host sweep, UDP probes")]
    deadline = time.monotonic() + 60
    for kind, src, ports, target, _ in runs:
        if time.monotonic() > deadline:
            break
        subprocess.run(["nmap", "-n", "-Pn", kind, ports, "--max-retries", "0",
                        "--host-timeout", "20s", "-e", "lo", "-S", src, target, "-oN",
                        os.devnull], capture_output=True, timeout=30)
    time.sleep(4)  # past the reply wait, on the capture clock
    rec.send_signal(signal.SIGINT)
    try:
        _, err = rec.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        rec.kill()
        _, err = rec.communicate()
    line = scanner_line(err) or ""
    check(line.startswith(f"flowswarm: {len(runs)} scanners:"),
          f"nmap on lo: {len(runs)} scanners (got {line!r})")
    for kind, src, _, _, want in runs:
        check(f"{src} ({want}" in line, f"nmap {kind} from {src}: '{want}' (got {line!r})")


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    exe, data = sys.argv[1], sys.argv[2]
    if not os.path.exists(os.path.join(data, SCANS[0][0])):
        print(f"skipped: {data} has no captures (see ../shared/data)")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        captures(exe, data, tmp)
        options(exe, data)
        nmap_live(exe, tmp)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
