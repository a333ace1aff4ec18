#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets from the shared data set.
usage: make_corpus.py DATA_DIR OUT_DIR
OUT_DIR/<target>/ gets small real inputs: whole captures for fuzz_pcap,
flow-tools files (less their two magic bytes, which the target supplies)
for fuzz_flowtools, single frames tagged with their link type for
fuzz_decode, a few event sequences for fuzz_reorder, filter expressions with records
for fuzz_bpfexpr, DNS answers, TLS hellos and HTTP requests for
fuzz_names, and NetFlow/IPFIX exports and sFlow datagrams (fuzz/seeds/)
for fuzz_netflow and fuzz_sflow."""
import csv
import hashlib
import os
import random
import struct
import sys

# the link types fuzz_decode.c lists, in its order
LINKTYPES = [0, 1, 9, 12, 14, 105, 108, 113, 127, 228, 229, 276]
# pcap file LINKTYPE_ values that map to those DLT_ values
LINKTYPE_TO_DLT = {0: 0, 1: 1, 9: 9, 101: 12, 105: 105, 108: 108, 113: 113, 127: 127,
                   228: 228, 229: 229, 276: 276}
MAX_SEED = 65536


def put(out, target, blob):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(blob).hexdigest()), "wb") as f:
        f.write(blob)


def frames(blob):
    """(linktype, frame) of a classic pcap, or nothing for other formats."""
    if len(blob) < 24:
        return
    magic = blob[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return
    linktype = struct.unpack(e + "I", blob[20:24])[0] & 0xffff
    off = 24
    while off + 16 <= len(blob):
        caplen = struct.unpack(e + "I", blob[off + 8:off + 12])[0]
        off += 16
        if caplen > 262144 or off + caplen > len(blob):
            return
        yield linktype, blob[off:off + caplen]
        off += caplen


def transport(frame):
    """(proto, sport, payload) of an Ethernet frame, or None."""
    off, etype = 14, struct.unpack(">H", frame[12:14])[0] if len(frame) >= 14 else 0
    while etype in (0x8100, 0x88a8) and len(frame) >= off + 4:
        etype = struct.unpack(">H", frame[off + 2:off + 4])[0]
        off += 4
    if etype == 0x0800 and len(frame) >= off + 20:
        proto, ihl = frame[off + 9], (frame[off] & 15) * 4
        total = struct.unpack(">H", frame[off + 2:off + 4])[0]
        body = frame[off + ihl:off + max(total, ihl)]
    elif etype == 0x86dd and len(frame) >= off + 40:
        proto, body = frame[off + 6], frame[off + 40:]
    else:
        return None
    if proto == 17 and len(body) >= 8:
        return 17, struct.unpack(">H", body[:2])[0], body[8:]
    if proto == 6 and len(body) >= 20:
        return 6, struct.unpack(">H", body[:2])[0], body[(body[12] >> 4) * 4:]
    return None


def name_seed(frame):
    """A fuzz_names input from a frame that carries a name, or None: the
    mode byte (as fuzz_names.c reads it), then the payload."""
    t = transport(frame)
    if not t or not t[2]:
        return None
    proto, sport, pl = t
    if proto == 17 and sport in (53, 5353):
        return bytes([0 if sport == 53 else 1]) + pl
    if proto == 6 and sport == 53:
        return b"\x02" + pl
    if proto == 6 and (pl[:1] == b"\x16" or pl[:4] in (b"GET ", b"POST", b"HEAD")):
        return b"\x03" + pl
    return None


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    data, out = sys.argv[1:]
    with open(os.path.join(data, "MANIFEST.tsv"), newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    counts = {}
    for r in rows:
        path = os.path.join(data, r["path"])
        if not os.path.exists(path):
            continue
        if "pcap" in r["kind"] and "compressed" not in r["kind"]:
            with open(path, "rb") as f:
                blob = f.read()
            if len(blob) <= MAX_SEED:
                put(out, "fuzz_pcap", blob)
                counts["fuzz_pcap"] = counts.get("fuzz_pcap", 0) + 1
            named = 0
            for lt, frame in frames(blob) if counts.get("fuzz_names", 0) < 400 else ():
                seed = name_seed(frame) if lt == 1 and named < 4 else None
                if seed:
                    put(out, "fuzz_names", seed[:4096])
                    named += 1
                    counts["fuzz_names"] = counts.get("fuzz_names", 0) + 1
            for i, (lt, frame) in enumerate(frames(blob)):
                if i >= 8 or lt not in LINKTYPE_TO_DLT:
                    break
                put(out, "fuzz_decode",
                    bytes([LINKTYPES.index(LINKTYPE_TO_DLT[lt])]) + frame[:4096])
                counts["fuzz_decode"] = counts.get("fuzz_decode", 0) + 1
        elif r["kind"] == "flow-tools file":
            with open(path, "rb") as f:
                blob = f.read(MAX_SEED)
            put(out, "fuzz_flowtools", blob[2:])
            counts["fuzz_flowtools"] = counts.get("fuzz_flowtools", 0) + 1
    rng = random.Random(1)
    for _ in range(32):
        n = rng.randrange(3, 600)
        put(out, "fuzz_reorder", bytes(rng.randrange(256) for _ in range(n)))
    counts["fuzz_reorder"] = 32
    # expressions as users write them, some wrong, each with a few records
    exprs = ["port 53", "host 10.0.0.1 and not tcp", "net 192.168.0.0/16 or udp",
             "tcp[tcpflags] & tcp-syn != 0", "icmp[icmptype] == 8", "portrange 1-1023",
             "ip6 and dst port 443", "len > 100 and proto 17", "tcp portx 80",
             "(udp or tcp", "host 1.2.3.4 and and port 1", "ether host 1:2:3:4:5:6",
             "not (src net 10.0.0.0/8 or dst port 22)", "ip[2:2] > 576"]
    for e in exprs:
        recs = bytes(rng.randrange(256) for _ in range(48 * rng.randrange(1, 5)))
        put(out, "fuzz_bpfexpr", bytes([len(e)]) + e.encode() + recs)
    counts["fuzz_bpfexpr"] = len(exprs)
    # the filter language: tcpdump's primitives, flowswarm's own, mistakes
    fexprs = exprs + [
        "src or dst host 2001:db8::1", "port 80 or 443 or domain", "not host 10.0.0.1 and 10.0.0.2",
        "service https and class web", "bytes > 1M or src bytes <= 20k", "name ~ 'office\\.test$'",
        "ip6 proto 58", "dst net 10.1 and udp portrange 5000-6000", "net 10.0.0.0 mask 255.255.0.0",
        "class remote or (tcp and port 3389)", "sctp src port 2905", "bytes >", "name ~ (",
        "hide port 53\nonly net 10.0.0.0/8", "tcp host 1.2.3.4", "icmp6 or icmp"]
    for e in fexprs:
        recs = bytes(rng.randrange(256) for _ in range(48 * rng.randrange(1, 5)))
        put(out, "fuzz_filter", bytes([len(e)]) + e.encode() + recs)
    counts["fuzz_filter"] = len(fexprs)
    # a real exporter's datagrams (softflowd exporting the bundled sample
    # as NetFlow v5, v9 and IPFIX), kept beside this script
    # name logs for fuzz_names (mode byte 4): Zeek's dns.logs as they are,
    # and the other forms as their programs write them
    zeek = os.path.join(data, "zeek-dns")
    for name in sorted(os.listdir(zeek)) if os.path.isdir(zeek) else ():
        with open(os.path.join(zeek, name), "rb") as f:
            put(out, "fuzz_names", b"\x04" + f.read(MAX_SEED))
        counts["fuzz_names"] = counts.get("fuzz_names", 0) + 1
    for text in (
            "Dec  2 17:01:32 dnsmasq[13324]: query[A] www.office.test from 127.0.0.1\n"
            "Dec  2 17:01:32 dnsmasq[13324]: reply www.office.test is <CNAME>\n"
            "Dec  2 17:01:32 dnsmasq[13324]: reply srv.office.test is 10.77.0.1\n",
            "www.office.test.\t300\tIN\tCNAME\tsrv.office.test.\n"
            "srv.office.test.\t300\tIN\tA\t10.77.0.1\n"
            "1.0.77.10.in-addr.arpa. 300 IN PTR srv.office.test.\n"
            "local-data: \"gw.office.test. AAAA 2001:db8::1\"\n",
            "127.0.0.1 localhost\n::1 localhost ip6-localhost # loopback\n",
            '{"ts":1.0,"query":"w.example.org","answers":["e.cdn.net","198.51.100.7"]}\n'):
        put(out, "fuzz_names", b"\x04" + text.encode())
        counts["fuzz_names"] = counts.get("fuzz_names", 0) + 1
    # and pmacct's sFlow probe sampling it, for fuzz_sflow
    for kind in ("netflow", "sflow"):
        here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds", kind)
        for name in sorted(os.listdir(here)):
            with open(os.path.join(here, name), "rb") as f:
                put(out, f"fuzz_{kind}", f.read())
            counts[f"fuzz_{kind}"] = counts.get(f"fuzz_{kind}", 0) + 1
    for k, v in sorted(counts.items()):
        print(f"{k}: {v} seeds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
