#!/usr/bin/env python3
"""Filter golden test: flowswarm --events --only EXPR and --hide EXPR
against tshark's display filter for the same traffic, on real captures.
Each expression is written once in flowswarm's language (tcpdump's) and
once in Wireshark's; the events kept must be the packets tshark keeps,
one for one and in order. Wireshark's '#1' keeps a field to the outer
headers, as a flow is about them (an ICMP error quotes another packet's).

usage: filter_tshark.py FLOWSWARM DATA_DIR
Exits 77 (skipped) when the data or tshark is absent."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_decode import first_difference, flowswarm_rows, missing, tshark_rows  # noqa: E402

OUTER_PORT = "(tcp.port#1 == {p} or udp.port#1 == {p} or sctp.port#1 == {p})"
NOT_ICMP = "not icmp and not icmpv6"  # a quoted header's ports are no port

# (capture, flowswarm's expression, Wireshark's display filter)
CASES = [
    ("pcap/pcapplusplus/Pcap++Test/PcapExamples/example.pcap", "port 53",
     f"{OUTER_PORT.format(p=53)} and {NOT_ICMP}"),
    ("pcap/pcapplusplus/Pcap++Test/PcapExamples/example.pcap", "host 10.0.0.138",
     "ip.addr#1 == 10.0.0.138"),
    ("pcap/pcapplusplus/Pcap++Test/PcapExamples/example.pcap",
     "src host 212.199.202.9 and tcp dst portrange 44148-44150",
     "ip.src#1 == 212.199.202.9 and tcp.dstport#1 >= 44148 and tcp.dstport#1 <= 44150"),
    ("pcap/zeek/wikipedia.pcap", "udp", "udp and not icmp and not icmpv6"),
    ("pcap/zeek/wikipedia.pcap", "ip6", "ipv6"),
    ("pcap/zeek/wikipedia.pcap", "src net 141.142.220.0/24 and not port 80",
     f"ip.src#1 == 141.142.220.0/24 and not ({OUTER_PORT.format(p=80)} and {NOT_ICMP})"),
    ("pcap/zeek/wikipedia.pcap", "dst net 141.142 or icmp",
     "ip.dst#1 == 141.142.0.0/16 or (ip and icmp)"),
    ("pcap/zeek/wikipedia.pcap", "udp and port 137 or port 5355",
     f"(udp and {OUTER_PORT.format(p=137)} or {OUTER_PORT.format(p=5355)}) and {NOT_ICMP}"),
    ("pcap/chrissanders/http_espn.pcapng", "dst port 80 and not host 205.234.218.129",
     "tcp.dstport#1 == 80 and not ip.addr#1 == 205.234.218.129"),
    ("pcap/chrissanders/http_espn.pcapng", "tcp portrange 33000-42000",
     "tcp.port#1 in {33000..42000}"),
    ("pcap/pcapplusplus/Pcap++Test/PcapExamples/four_ipv6_http_streams.pcap",
     "src host 2001:618:1:8000::5",
     "ipv6.src#1 == 2001:618:1:8000::5"),
    ("pcap/pcapplusplus/Pcap++Test/PcapExamples/four_ipv6_http_streams.pcap",
     "net 2001:618::/32 and dst port 80",
     "ipv6.src#1 == 2001:618::/32 and ipv6.dst#1 == 2001:618::/32 and tcp.dstport#1 == 80"
     " or (ipv6.addr#1 == 2001:618::/32 and tcp.dstport#1 == 80)"),
]

KEY = ("time", "src", "dst", "proto", "sport", "dport")


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    exe, data = sys.argv[1], sys.argv[2]
    if missing(data):
        print(f"SKIP: {missing(data)}")
        return 77
    failed = checked = 0
    for rel, mine, theirs in CASES:
        path = os.path.join(data, rel)
        if not os.path.exists(path):
            print(f"FAIL {rel}: missing from the data set")
            failed += 1
            continue
        for verb, display in (("--only", f"ip and ({theirs}) or ipv6 and ({theirs})"),
                              ("--hide", f"(ip or ipv6) and not ({theirs})")):
            try:
                got = flowswarm_rows(exe, path, (verb, mine))
                why = first_difference(tshark_rows(path, display), got, KEY)
            except RuntimeError as e:
                why, got = str(e), []
            checked += 1
            print(f"{'ok  ' if why is None else 'FAIL'} {os.path.basename(rel)} {verb} "
                  f"'{mine}': {len(got)} events{'' if why is None else ': ' + why}")
            failed += why is not None
    print(f"{checked - failed} of {checked} filters keep what tshark keeps")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
