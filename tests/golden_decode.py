#!/usr/bin/env python3
"""Decode golden test: flowswarm --events against tshark's reading of the
same real captures, field by field (time, addresses, protocol, ports,
octets, TCP flags), for several link types, VLANs, IPv6 and fragments.

usage: golden_decode.py FLOWSWARM DATA_DIR [FILE...]
Exits 77 (skipped) when the data or tshark is absent."""
import os
import shutil
import subprocess
import sys

# (path under DATA_DIR, what it covers)
CAPTURES = [
    ("pcap/pcapplusplus/Pcap++Test/PcapExamples/example.pcap", "Ethernet, HTTP/DNS"),
    ("pcap/zeek/vlan-qinqinq.pcap", "802.1Q stacked three deep"),
    ("pcap/zeek/wikipedia.pcap", "Ethernet, IPv6, NBNS, LLMNR"),
    ("pcap/pcapplusplus/Pcap++Test/PcapExamples/sll.pcap", "Linux cooked (SLL)"),
    ("pcap/pcapplusplus/Pcap++Test/PcapExamples/raw_ip.pcap", "raw IP"),
    ("pcap/pcapplusplus/Pcap++Test/PcapExamples/four_ipv6_http_streams.pcap",
     "raw IP, IPv6 TCP"),
    ("pcap/tcpdump/LINKTYPE_IPV4.pcap", "LINKTYPE_IPV4"),
    ("pcap/tcpdump/LINKTYPE_IPV6.pcap", "LINKTYPE_IPV6"),
    ("pcap/zeek/tunnels/socks.pcap", "BSD loopback (NULL)"),
    ("pcap/pcapplusplus/ExamplesTest/pcap_examples/ip-frag.pcap",
     "IPv4 fragments, SCTP, ICMP"),
    ("pcap/stopddos/amp.dns.RRSIG.fragmented.pcap", "fragmented DNS amplification"),
    ("pcap/chrissanders/http_espn.pcapng", "pcapng"),
    ("pcap/zeek/vntag.pcap", "nanosecond pcap, VN-Tag and VLAN"),
    ("pcap/zeek/wlanmon.pcap", "802.11 data frames"),
    ("pcap/zeek/radiotap.pcap", "802.11 radiotap"),
    ("pcap/zeek/mpls-in-vlan.pcap", "MPLS inside a VLAN"),
    ("pcap/tcpdump/mpls-traceroute.pcap", "PPP, MPLS, ICMP"),
    ("pcap/zeek/pppoe.pcap", "PPPoE sessions, IPv6, ICMPv6"),
    ("pcap/pcapplusplus/Pcap++Test/PcapExamples/sll2.pcap", "Linux cooked v2 (SLL2)"),
    ("pcap/tcpreplay/test.pcap", "mixed: IGMP, EIGRP, MPLS, VLAN, IPv6"),
]

FIELDS = ["frame.time_epoch", "frame.protocols", "ip.src", "ip.dst", "ip.proto",
          "ip.len", "ipv6.src", "ipv6.dst", "ipv6.plen", "ipv6.nxt", "tcp.srcport",
          "tcp.dstport", "tcp.flags", "udp.srcport", "udp.dstport", "sctp.srcport",
          "sctp.dstport", "icmp.type", "icmp.code", "icmpv6.type", "icmpv6.code"]
IPV6_EXT = {"0", "43", "44", "50", "51", "60", "135", "139", "140"}


def tshark_rows(path, display_filter=None):
    cmd = ["tshark", "-n", "-r", path, "-o", "ip.defragment:FALSE",
           "-o", "ipv6.defragment:FALSE", "-T", "fields", "-E", "separator=\t",
           "-E", "occurrence=f"]
    for f in FIELDS:
        cmd += ["-e", f]
    if display_filter:
        cmd += ["-Y", display_filter]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False).stdout
    rows = []
    for line in out.splitlines():
        v = dict(zip(FIELDS, line.split("\t")))
        chain = v["frame.protocols"].split(":")
        net = next((p for p in chain if p in ("ip", "ipv6")), None)
        if net is None:
            continue
        rows.append(expected(v, net))
    return rows


def num(s):
    return int(s, 0) if s else 0


def expected(v, net):
    """The event tshark's reading implies, with None for fields the
    comparison cannot pin down."""
    sec, _, frac = v["frame.time_epoch"].partition(".")
    e = {"time": f"{sec}.{(frac + '000000')[:6]}"}
    if net == "ip":
        e.update(src=v["ip.src"], dst=v["ip.dst"], octets=num(v["ip.len"]))
        proto = v["ip.proto"]
    else:
        e.update(src=v["ipv6.src"], dst=v["ipv6.dst"], octets=40 + num(v["ipv6.plen"]))
        proto = v["ipv6.nxt"]
        if proto in IPV6_EXT:
            proto = None  # the upper layer sits behind extension headers
    e["proto"] = int(proto) if proto else None
    sport = dport = 0
    flags = None
    if proto == "6":
        sport, dport = num(v["tcp.srcport"]), num(v["tcp.dstport"])
        flags = num(v["tcp.flags"]) & 0xff
    elif proto == "17":
        sport, dport = num(v["udp.srcport"]), num(v["udp.dstport"])
    elif proto == "132":
        sport, dport = num(v["sctp.srcport"]), num(v["sctp.dstport"])
    elif proto == "1" and v["icmp.type"]:
        dport = num(v["icmp.type"]) * 256 + num(v["icmp.code"])
    elif proto == "58" and v["icmpv6.type"]:
        dport = num(v["icmpv6.type"]) * 256 + num(v["icmpv6.code"])
    e.update(sport=sport, dport=dport, flags=flags)
    if proto is None or proto not in ("6", "17", "132", "1", "58"):
        e.update(sport=None, dport=None)
    return e


def flowswarm_rows(exe, path, args=()):
    r = subprocess.run([exe, "-r", path, "--events", *args], capture_output=True, text=True,
                       check=False)
    if r.returncode != 0:
        raise RuntimeError(f"exit {r.returncode}: {r.stderr.strip()}")
    rows = []
    for line in r.stdout.splitlines():
        t, src, dst, proto, sport, dport, pkts, octets, flags = line.split("\t")
        rows.append({"time": t, "src": src, "dst": dst, "proto": int(proto),
                     "sport": int(sport), "dport": int(dport), "packets": int(pkts),
                     "octets": int(octets), "flags": int(flags, 16)})
    return rows


def first_difference(want, got, keys=None):
    """Where flowswarm's events and tshark's packets first part, or None.
    keys: the fields to compare (all that tshark pins down by default)."""
    if len(want) != len(got):
        return f"{len(got)} events, tshark has {len(want)} IP packets"
    for i, (w, g) in enumerate(zip(want, got)):
        if g["packets"] != 1:
            return f"event {i + 1}: packets {g['packets']}, expected 1"
        for k in keys or w:
            if w[k] is not None and g[k] != w[k]:
                return f"event {i + 1}: {k} is {g[k]!r}, tshark says {w[k]!r}"
    return None


def compare(exe, path):
    return first_difference(tshark_rows(path), flowswarm_rows(exe, path))


def missing(data):
    """Why a test against tshark on the shared data cannot run, or None."""
    if not os.path.isdir(data):
        return f"test data not found at {data}"
    if not shutil.which("tshark"):
        return "tshark is not installed"
    return None


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    exe, data = sys.argv[1], sys.argv[2]
    if missing(data):
        print(f"SKIP: {missing(data)}")
        return 77
    todo = [(p, "") for p in sys.argv[3:]] or CAPTURES
    failed = 0
    total = 0
    for rel, what in todo:
        path = os.path.join(data, rel)
        if not os.path.exists(path):
            print(f"FAIL {rel}: missing from the data set")
            failed += 1
            continue
        try:
            why = compare(exe, path)
        except RuntimeError as e:
            why = str(e)
        total += 1
        print(f"{'ok  ' if why is None else 'FAIL'} {rel} ({what}){'' if why is None else ': ' + why}")
        failed += why is not None
    print(f"{total - failed} of {total} captures match tshark")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
