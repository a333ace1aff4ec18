#!/usr/bin/env python3
"""Names golden test: the host names flowswarm learns from packets (DNS
answers through CNAME chains, PTR answers, TLS server names, HTTP Host
headers) against tshark's reading of the same captures.

For each capture with DNS, TLS or HTTP in ../shared/data:
- every (address, name) flowswarm prints with --events=names must be one
  that tshark's reading gives: the owner of an A or AAAA answer or a name
  whose CNAME chain leads to it, the name a PTR answer gives for the
  address its owner spells, the server name of a ClientHello sent to the
  address, or the Host of an HTTP request sent to it;
- every address a plain UDP DNS answer names (one tshark finds no fault
  in) must show with a name in each later event that involves it.

usage: names_tshark.py FLOWSWARM DATA_DIR
Exits 77 (skipped) when the data or tshark is absent."""
import concurrent.futures
import ipaddress
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_decode import missing  # noqa: E402

PICK = re.compile(r"dns|http|tls|ssl|mdns|web|wikipedia|google|espn|smtp|mail", re.I)
MAX_BYTES = 3 << 20

def captures(data):
    out = []
    for root, _, files in os.walk(os.path.join(data, "pcap")):
        for f in files:
            p = os.path.join(root, f)
            if (PICK.search(p) and f.endswith((".pcap", ".pcapng", ".cap"))
                    and os.path.getsize(p) <= MAX_BYTES and "derived" not in p):
                out.append(p)
    return sorted(out)


def canon(a):
    return str(ipaddress.ip_address(a))


def reverse(owner):
    """The address a PTR owner spells, or None."""
    o = owner.lower().rstrip(".")
    if o.endswith(".in-addr.arpa"):
        parts = o[:-13].split(".")
        if len(parts) == 4 and all(p.isdigit() and len(p) <= 3 for p in parts):
            try:
                return canon(".".join(reversed(parts)))
            except ValueError:
                return None
    if o.endswith(".ip6.arpa"):
        nib = o[:-9].split(".")
        if len(nib) == 32 and all(len(n) == 1 for n in nib):
            h = "".join(reversed(nib))
            try:
                return canon(":".join(h[i:i + 4] for i in range(0, 32, 4)))
            except ValueError:
                return None
    return None


def as_list(v):
    return v if isinstance(v, list) else [] if v is None else [v]


def find(tree, key):
    """Every value of key anywhere under tree (a packet's JSON)."""
    if isinstance(tree, dict):
        for k, v in tree.items():
            if k == key:
                yield from as_list(v)
            else:
                yield from find(v, key)
    elif isinstance(tree, list):
        for v in tree:
            yield from find(v, key)


def dns_answers(dns):
    """(type, owner, value) of each answer of one DNS message."""
    out = []
    for rrs in as_list(dns.get("Answers")):
        for rr_list in rrs.values():
            for rr in as_list(rr_list):
                ty = int(rr.get("dns.resp.type", "0") or 0)
                val = (rr.get("dns.a") or rr.get("dns.aaaa") or rr.get("dns.cname")
                       or rr.get("dns.ptr.domain_name"))
                if ty in (1, 28, 5, 12) and val and rr.get("dns.resp.name") is not None:
                    out.append((ty, rr["dns.resp.name"].lower(), val.lower()))
    return out


def tshark_names(path):
    """valid: {address: {names}}; named: [(time, address)] from plain UDP
    DNS answers, for the completeness check."""
    r = subprocess.run(["tshark", "-r", path, "-n", "-o", "tcp.try_heuristic_first:TRUE",
                        "-T", "json", "--no-duplicate-keys",
                        "-J", "frame ip ipv6 udp tcp icmp icmpv6 dns mdns tls http",
                        "-Y", "dns or mdns or tls.handshake.extensions_server_name or "
                              "http.request"],
                       capture_output=True, text=True, check=False)
    valid, named = {}, []
    for pkt in json.loads(r.stdout or "[]"):
        layers = pkt["_source"]["layers"]
        frame = as_list(layers.get("frame"))[0]
        t = float(frame.get("frame.time_epoch", 0))
        protos = frame.get("frame.protocols", "")
        ip = as_list(layers.get("ip")) or as_list(layers.get("ipv6"))
        dst = None
        if ip:
            dst = canon(ip[0].get("ip.dst") or ip[0].get("ipv6.dst"))
        for sni in find(layers.get("tls"), "tls.handshake.extensions_server_name"):
            if dst:
                valid.setdefault(dst, set()).add(sni.lower())
        for http in as_list(layers.get("http")):
            if dst and any(True for _ in find(http, "http.request.method")):
                for host in find(http, "http.host"):
                    valid.setdefault(dst, set()).add(re.sub(r":\d+$", "", host).lower())
        udp = as_list(layers.get("udp"))
        plain = ("icmp" not in protos and "_ws.malformed" not in protos and udp
                 and udp[0].get("udp.srcport") in ("53", "5353"))
        for dns in as_list(layers.get("dns")) + as_list(layers.get("mdns")):
            flags = dns.get("dns.flags_tree", {})
            if flags.get("dns.flags.response") != "1":
                continue
            answers = dns_answers(dns)
            cname_up = {}
            for ty, owner, val in answers:
                if ty == 5:
                    cname_up.setdefault(val, set()).add(owner)
            for ty, owner, val in answers:
                if ty in (1, 28):
                    addr, names, todo = canon(val), set(), [owner]
                    while todo:
                        n = todo.pop()
                        if n not in names:
                            names.add(n)
                            todo.extend(cname_up.get(n, ()))
                    valid.setdefault(addr, set()).update(names)
                    if plain:
                        named.append((t, addr))
                elif ty == 12 and reverse(owner):
                    valid.setdefault(reverse(owner), set()).add(val)
    return valid, named


def flowswarm_events(exe, path):
    r = subprocess.run([exe, "-r", path, "--events=names"], capture_output=True, text=True,
                       check=False)
    rows = []
    for line in r.stdout.splitlines():
        f = line.split("\t")
        rows.append((float(f[0]), canon(f[1]), canon(f[2]), f[9], f[10]))
    return r.returncode, rows, r.stderr


def check(exe, path):
    valid, named = tshark_names(path)
    rc, rows, err = flowswarm_events(exe, path)
    if rc != 0 and "is not supported" in err:
        return None, 0, 0  # a link type flowswarm does not read
    if rc != 0:
        return [f"flowswarm exited {rc}: {err.strip()}"], 0, 0
    problems, seen = [], set()
    for t, src, dst, sname, dname in rows:
        for addr, name in ((src, sname), (dst, dname)):
            if name == "-" or (addr, name) in seen:
                continue
            seen.add((addr, name))
            if name.lower() not in valid.get(addr, set()):
                problems.append(f"{addr} named {name!r}; tshark reads "
                                f"{sorted(valid.get(addr, []))[:4]}")
    first = {}
    for t, addr in named:
        first.setdefault(addr, t)
    checked = 0
    for t, src, dst, sname, dname in rows:
        for addr, name in ((src, sname), (dst, dname)):
            # a microsecond later than the answer: the event times are cut to µs
            if addr in first and t > first[addr] + 1e-6:
                checked += 1
                if name == "-":
                    problems.append(f"{addr} unnamed at {t:.6f}, after the answer at "
                                    f"{first[addr]:.6f}")
    return problems, len(seen), checked


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    exe, data = sys.argv[1], sys.argv[2]
    if missing(data):
        print(f"SKIP: {missing(data)}")
        return 77
    failed = total_names = total_checked = skipped = 0
    files = captures(data)
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        results = list(pool.map(lambda p: check(exe, p), files))
    for path, (problems, names, checked) in zip(files, results):
        if problems is None:
            skipped += 1
            continue
        total_names += names
        total_checked += checked
        rel = os.path.relpath(path, data)
        if problems:
            failed += 1
            print(f"FAIL {rel}: {len(problems)} problems")
            for p in problems[:5]:
                print(f"    {p}")
    print(f"{len(files) - skipped} captures ({skipped} of link types not read), {total_names} (address, name) pairs shown and "
          f"matched, {total_checked} later events checked for a name; {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
