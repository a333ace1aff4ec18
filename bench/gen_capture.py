#!/usr/bin/env python3
"""Writes a synthetic pcap for the benchmarks: HOSTS client addresses
talking to 200 servers on 40 service ports (each client to one main
server, sometimes a second), every client active all the way through, for SECONDS of capture time. Deterministic for given
arguments. usage: gen_capture.py OUT.pcap [HOSTS] [SECONDS] [PACKETS_PER_S]"""
import random
import struct
import sys

PORTS = [80, 443, 53, 22, 25, 110, 143, 993, 3306, 5432, 6379, 8080, 8443, 123, 161,
         389, 445, 3389, 5060, 1194, 27017, 9200, 11211, 21, 69, 514, 1883, 5222, 6667,
         9042, 1433, 1521, 5900, 873, 2049, 631, 554, 3478, 4500, 500]


def checksum_free_ipv4(src, dst, proto, payload_len):
    total = 20 + payload_len
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0x4000, 64, proto, 0,
                       src.to_bytes(4, "big"), dst.to_bytes(4, "big"))


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    out = sys.argv[1]
    hosts = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 60
    rate = float(sys.argv[4]) if len(sys.argv) > 4 else 5000
    rng = random.Random(42)
    servers = [(0xc0a80000 + i, PORTS[i % len(PORTS)]) for i in range(200)]
    clients = [0x0a000000 + i * 7 + 1 for i in range(hosts)]
    eth = bytes(6) + bytes([2, 0, 0, 0, 0, 1]) + b"\x08\x00"
    n = int(seconds * rate)
    t0 = 1700000000.0
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for k in range(n):
            # clients take turns so each is active throughout; each keeps to
            # a main server and sometimes uses a second, as real ones do
            c = clients[k % hosts]
            pick = c * 31 if rng.random() < 0.8 else c * 17 + 5
            srv, port = servers[pick % len(servers)]
            size = rng.choice((60, 60, 120, 576, 1500))
            up = rng.random() < 0.4
            proto = 17 if port in (53, 123, 161, 69, 514, 5060, 3478, 4500, 500) else 6
            sport, dport = (40000 + c % 20000, port) if up else (port, 40000 + c % 20000)
            src, dst = (c, srv) if up else (srv, c)
            l4 = (struct.pack("!HHIIBBHHH", sport, dport, k, 0, 0x50, 0x18, 65535, 0, 0)
                  if proto == 6 else struct.pack("!HHHH", sport, dport, size - 20, 0))
            ip = checksum_free_ipv4(src, dst, proto, size - 20)
            frame = eth + ip + l4
            t = t0 + k / rate
            sec = int(t)
            usec = int((t - sec) * 1e6)
            f.write(struct.pack("<IIII", sec, usec, len(frame), 14 + size))
            f.write(frame)
    print(f"{out}: {n} packets, {hosts} hosts, {seconds:g} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
