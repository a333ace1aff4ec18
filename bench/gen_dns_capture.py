#!/usr/bin/env python3
"""Writes a synthetic pcap for the names benchmark: PACKETS packets of
which a share (default 20%) are DNS answers (a question, a CNAME and
two A records; names from a pool of 5000, each with its own two
addresses, asked for as in real DNS: a few very often, most rarely;
as from a resolver's cache, a name's CNAME stays the same for the
answer's 60 s TTL, which counts down),
the rest TCP data between 2000 clients and the answered addresses; one in fifty TCP packets is an
HTTP request with a Host header. Deterministic.
usage: gen_dns_capture.py OUT.pcap [PACKETS] [DNS_SHARE] [PACKETS_PER_S]"""
import random
import struct
import sys


def name(labels):
    return b"".join(bytes([len(x)]) + x for x in labels) + b"\0"


def dns_answer(n, i, t):
    host = f"h{n}".encode()
    q = name([host, b"example", b"org"])
    edge = name([f"e{(n * 31 + int(t) // 60) % 977}".encode(), b"cdn", b"example", b"net"])
    ttl = 60 - int(t) % 60
    msg = struct.pack(">HHHHHH", i & 0xffff, 0x8180, 1, 3, 0, 0) + q + struct.pack(">HH", 1, 1)
    msg += b"\xc0\x0c" + struct.pack(">HHIH", 5, 1, ttl, len(edge)) + edge
    edge_at = 12 + len(q) + 4 + 12
    for k in range(2):  # each name has its two addresses
        addr = bytes([198, 18 + k, n >> 8, n & 255])
        msg += struct.pack(">BB", 0xc0 | edge_at >> 8, edge_at & 255)
        msg += struct.pack(">HHIH", 1, 1, ttl, 4) + addr
    return msg


def packet(src, dst, proto, sport, dport, payload):
    if proto == 17:
        l4 = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload
    else:
        l4 = struct.pack(">HHIIBBHHH", sport, dport, 1, 1, 5 << 4, 0x18, 65535, 0, 0) + payload
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 0, 0x4000, 64, proto, 0, src, dst)
    return bytes(6) + bytes([2, 0, 0, 0, 0, 1]) + b"\x08\x00" + ip + l4


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
    share = float(sys.argv[3]) if len(sys.argv) > 3 else 0.2
    rate = float(sys.argv[4]) if len(sys.argv) > 4 else 10000
    rng = random.Random(7)
    # names are asked for as in real DNS: a few very often, most rarely
    # (Zipf, s = 1, over 5000 names)
    weights = [1.0 / (r + 1) for r in range(5000)]
    pick = rng.choices(range(5000), weights, k=n)
    resolver = bytes([10, 0, 0, 53])
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i in range(n):
            client = bytes([10, 1, (i % 2000) >> 8, i % 250 + 1])
            t = 1700000000 + i / rate
            if rng.random() < share:
                frame = packet(resolver, client, 17, 53, 30000 + i % 20000,
                               dns_answer(pick[i], i, t))
            else:
                n = pick[i]
                server = bytes([198, 18 + (i & 1), n >> 8, n & 255])
                body = (b"GET / HTTP/1.1\r\nHost: h%d.example.org\r\n\r\n" % n
                        if i % 50 == 0 else bytes(rng.randrange(200)))
                frame = packet(client, server, 6, 40000 + i % 20000, 80, body)
            sec = int(t)
            f.write(struct.pack("<IIII", sec, int((t - sec) * 1e6), len(frame), len(frame)))
            f.write(frame)
    return 0


if __name__ == "__main__":
    sys.exit(main())
