#!/usr/bin/env python3
"""Names from DNS servers' logs (--names), as a user runs it, with the
real servers on loopback:

- dnsmasq serves office.test names (127.77.0.x, so that traffic to them
  stays on loopback) on 127.0.0.153:53; a second dnsmasq forwards to it
  with log-queries on, and unbound forwards to it too.
- Live: flowswarm -i lo --events=names, with a hosts file it follows,
  reads the names from the DNS answers on lo as dig asks, and the name
  a line appended to the hosts file gives; a second run with -n reads the
  same names from dnsmasq's log as it grows.
- unbound's cache (unbound-control dump_cache) names the addresses of a
  capture.
- Zeek: each of the dns.log files in ../shared/data/zeek-dns, as TSV and
  as JSON lines, names every address among its answers by the query
  that answered it last.

usage: names_logs.py FLOWSWARM DATA_DIR
Exits 77 (skipped) without root, dnsmasq, unbound or dig."""
import ipaddress
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

from checks import check, finish

AUTH = "127.0.0.153"       # dnsmasq with the names, on port 53
FWD_PORT = 53053           # dnsmasq forwarding, logging its queries
UNBOUND_PORT = 53054       # unbound forwarding, its cache dumped
TRAFFIC_PORT = 47200
NAMES = {"srv.office.test": "127.77.0.1", "intranet.office.test": "127.77.0.4"}


def pcap(packets):
    """A classic pcap of raw IPv4/IPv6 UDP datagrams (LINKTYPE_RAW):
    packets is [(time, src, dst)]. Written here, never sent."""
    out = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101)]
    for t, src, dst in packets:
        s, d = ipaddress.ip_address(src), ipaddress.ip_address(dst)
        udp = struct.pack(">HHHH", 40000, TRAFFIC_PORT, 12, 0) + b"data"
        if s.version == 4:
            ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                             s.packed, d.packed) + udp
        else:
            ip = struct.pack(">IHBB16s16s", 6 << 28, len(udp), 17, 64, s.packed,
                             d.packed) + udp
        sec = int(t)
        out.append(struct.pack("<IIII", sec, int((t - sec) * 1e6), len(ip), len(ip)) + ip)
    return b"".join(out)


def events(exe, *args):
    r = subprocess.run([exe, *args, "--events=names"], capture_output=True, text=True,
                       check=False)
    check(r.returncode == 0, f"{' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")
    named = {}
    for line in r.stdout.splitlines():
        f = line.split("\t")
        for addr, name in ((f[1], f[9]), (f[2], f[10])):
            named[str(ipaddress.ip_address(addr))] = name
    return named


def daemon(args):
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)


def dig(server, port, name, qtype="A"):
    r = subprocess.run(["dig", "+short", "+time=2", "+tries=1", f"@{server}", "-p", str(port),
                        name, qtype], capture_output=True, text=True, timeout=10, check=False)
    return r.stdout.split()


def wait_port(server, port, secs=5):
    deadline = time.monotonic() + secs
    while time.monotonic() < deadline:
        if dig(server, port, "srv.office.test"):
            return True
        time.sleep(0.2)
    return False


def send(dests, count=5):
    """A few datagrams to each loopback address; bounded."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for _ in range(count):
        for d in dests:
            assert d.startswith("127."), d  # loopback only
            s.sendto(b"x" * 32, (d, TRAFFIC_PORT))
        time.sleep(0.01)
    s.close()


def live(exe, args, steps):
    """flowswarm -i lo --events=names with args while steps() runs; the
    names of the hosts it printed."""
    p = subprocess.Popen([exe, "-i", "lo", "--events=names", *args,
                          f"udp and (port 53 or port {TRAFFIC_PORT})"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)  # capturing by then
    steps()
    time.sleep(1.0)
    p.send_signal(signal.SIGINT)
    try:
        out, err = p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    check(p.returncode == 130, f"live run: exit {p.returncode}: {err.strip()}")
    rows = [line.split("\t") for line in out.splitlines()]
    return rows


def last_names(rows, port):
    """The name each host had in the last event to port."""
    named = {}
    for f in rows:
        if f[5] == str(port):
            named[f[2]] = f[10]
    return named


def test_servers(exe, tmp):
    auth_log = os.path.join(tmp, "auth.log")
    fwd_log = os.path.join(tmp, "dnsmasq.log")
    hosts = os.path.join(tmp, "hosts")
    with open(hosts, "w") as f:
        f.write("# written by the test\n127.77.0.8 early.office.test\n")
    common = ["dnsmasq", "-k", "--bind-interfaces", "--no-resolv", "--no-hosts",
              "--user=root", "--local-ttl=300"]
    auth = daemon(common + [f"--listen-address={AUTH}", "--port=53",
                            f"--pid-file={tmp}/auth.pid", f"--log-facility={auth_log}",
                            "--host-record=srv.office.test,127.77.0.1",
                            "--cname=www.office.test,srv.office.test",
                            "--host-record=intranet.office.test,127.77.0.4"])
    fwd = daemon(common + ["--listen-address=127.0.0.1", f"--port={FWD_PORT}",
                           f"--server={AUTH}#53", "--log-queries",
                           f"--log-facility={fwd_log}", f"--pid-file={tmp}/fwd.pid"])
    conf = os.path.join(tmp, "unbound.conf")
    with open(conf, "w") as f:
        f.write(f"""server:
  interface: 127.0.0.1
  port: {UNBOUND_PORT}
  do-daemonize: no
  chroot: ""
  username: ""
  directory: "{tmp}"
  pidfile: "{tmp}/unbound.pid"
  logfile: "{tmp}/unbound.log"
  use-syslog: no
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  module-config: "iterator"
  local-zone: "test." nodefault
forward-zone:
  name: "office.test."
  forward-addr: {AUTH}@53
remote-control:
  control-enable: yes
  control-interface: {tmp}/unbound.ctl
  control-use-cert: no
""")
    unbound = daemon(["unbound", "-c", conf])
    try:
        if not wait_port(AUTH, 53):
            print(f"SKIP: dnsmasq cannot serve on {AUTH}:53: "
                  f"{auth.stderr.read() if auth.poll() is not None else 'no answer'}")
            return 77
        check(wait_port("127.0.0.1", FWD_PORT), "the forwarding dnsmasq answers")
        check(wait_port("127.0.0.1", UNBOUND_PORT), "unbound answers")

        print("live: names from the DNS answers on lo, and from a hosts file that grows")

        def steps():
            send(["127.77.0.1", "127.77.0.4", "127.77.0.9"])  # nothing named yet
            check(dig(AUTH, 53, "www.office.test") == ["srv.office.test.", "127.77.0.1"],
                  "dig www.office.test")
            check(dig(AUTH, 53, "intranet.office.test") == ["127.77.0.4"],
                  "dig intranet.office.test")
            with open(hosts, "a") as f:
                f.write("127.77.0.9 late.office.test\n")
            time.sleep(1.2)  # flowswarm looks twice a second
            send(["127.77.0.1", "127.77.0.4", "127.77.0.9", "127.77.0.8"])

        rows = live(exe, ["--names", hosts], steps)
        first = {}
        for f in rows:
            if f[5] == str(TRAFFIC_PORT):
                first.setdefault(f[2], f[10])
        last = last_names(rows, TRAFFIC_PORT)
        check(first.get("127.77.0.1") == "-" and first.get("127.77.0.9") == "-",
              f"unnamed before the answers: {first}")
        check(last.get("127.77.0.1") == "www.office.test", f"from DNS on lo: {last}")
        check(last.get("127.77.0.4") == "intranet.office.test", f"from DNS on lo: {last}")
        check(last.get("127.77.0.9") == "late.office.test", f"from the hosts file: {last}")
        check(last.get("127.77.0.8") == "early.office.test", f"from the hosts file: {last}")

        print("live with -n: the same names from dnsmasq's log-queries as it grows")

        def steps_log():
            send(["127.77.0.1"])
            check(dig("127.0.0.1", FWD_PORT, "www.office.test")[-1:] == ["127.77.0.1"],
                  "dig www.office.test through the forwarder")
            check(dig("127.0.0.1", FWD_PORT, "intranet.office.test") == ["127.77.0.4"],
                  "dig intranet.office.test through the forwarder")
            time.sleep(1.2)
            send(["127.77.0.1", "127.77.0.4"])

        open(fwd_log, "a").close()
        rows = live(exe, ["-n", "--names", fwd_log], steps_log)
        last = last_names(rows, TRAFFIC_PORT)
        with open(fwd_log) as f:
            log = f.read()
        check("reply www.office.test is <CNAME>" in log, "dnsmasq logged the CNAME reply")
        check(last.get("127.77.0.1") == "www.office.test" and
              last.get("127.77.0.4") == "intranet.office.test",
              f"from dnsmasq's log: {last}")

        print("unbound's cache dump names a capture's hosts")
        dig("127.0.0.1", UNBOUND_PORT, "www.office.test")
        dig("127.0.0.1", UNBOUND_PORT, "intranet.office.test")
        dump = subprocess.run(["unbound-control", "-c", conf, "dump_cache"],
                              capture_output=True, text=True, timeout=10, check=False)
        cache = os.path.join(tmp, "unbound-cache.txt")
        with open(cache, "w") as f:
            f.write(dump.stdout)
        check(dump.returncode == 0 and "127.77.0.1" in dump.stdout,
              f"unbound-control dump_cache: {dump.stderr.strip()}")
        cap = os.path.join(tmp, "office.pcap")
        with open(cap, "wb") as f:
            f.write(pcap([(1700000000 + i, "192.0.2.1", d)
                          for i, d in enumerate(["127.77.0.1", "127.77.0.4", "127.77.0.5"])]))
        named = events(exe, "-r", cap, "-n", "--names", cache)
        check(named.get("127.77.0.1") in ("www.office.test", "srv.office.test") and
              named.get("127.77.0.4") == "intranet.office.test" and
              named.get("127.77.0.5") == "-" and named.get("192.0.2.1") == "-",
              f"from unbound's cache: {named}")
    finally:
        for p in (unbound, fwd, auth):
            p.terminate()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
    return 0


def zeek_expected(path):
    """{address: query} by the last answer in the file, read here from the
    header's #fields; and the records as JSON lines."""
    sep, set_sep, unset, fields = "\t", ",", "-", []
    want, records = {}, []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#separator "):
                sep = bytes(line[11:], "ascii").decode("unicode_escape")
            elif line.startswith("#"):
                key, _, value = line.partition(sep)
                if key == "#set_separator":
                    set_sep = value
                elif key == "#unset_field":
                    unset = value
                elif key == "#fields":
                    fields = value.split(sep)
            elif fields:
                rec = dict(zip(fields, line.split(sep)))
                q, ans = rec.get("query", unset), rec.get("answers", unset)
                answers = [] if ans == unset else ans.split(set_sep)
                records.append({"ts": 1.0, "uid": rec.get("uid"),
                                **({"query": q} if q != unset else {}),
                                **({"answers": answers} if answers else {})})
                if q in (unset, "(empty)") or not q or " " in q:
                    continue
                for a in answers:
                    try:
                        want[str(ipaddress.ip_address(a))] = q.rstrip(".")
                    except ValueError:
                        pass
    return want, records


def test_zeek(exe, data, tmp):
    print("Zeek's dns.log, TSV and JSON")
    logs = sorted(os.listdir(os.path.join(data, "zeek-dns")))
    total = 0
    for name in logs:
        path = os.path.join(data, "zeek-dns", name)
        want, records = zeek_expected(path)
        jpath = os.path.join(tmp, name + ".json")
        with open(jpath, "w") as f:
            for r in records:
                f.write(json.dumps(r, separators=(",", ":")) + "\n")
        hosts = sorted(want) or ["192.0.2.77"]
        cap = os.path.join(tmp, name + ".pcap")
        with open(cap, "wb") as f:
            f.write(pcap([(1700000000 + i, "192.0.2.1" if ":" not in h else "2001:db8::1", h)
                          for i, h in enumerate(hosts)]))
        for form, src in (("TSV", path), ("JSON", jpath)):
            named = events(exe, "-r", cap, "-n", "--names", src)
            got = {h: named.get(h) for h in want}
            check(got == want, f"{name} ({form}): {got} != {want}")
        total += len(want)
    check(total >= 5, f"the Zeek logs name {total} addresses")
    print(f"  {len(logs)} logs, {total} addresses named, in both forms")


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    exe, data = sys.argv[1:]
    missing = [t for t in ("dnsmasq", "unbound", "unbound-control", "dig")
               if not shutil.which(t)]
    if missing:
        print(f"SKIP: {', '.join(missing)} not installed (tools/install-deps installs them)")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        if os.path.isdir(os.path.join(data, "zeek-dns")):
            test_zeek(exe, data, tmp)
        else:
            print(f"zeek-dns logs not found in {data}: that part skipped")
        if os.geteuid() != 0:
            print("SKIP: the live part needs root (port 53 on loopback, capture on lo)")
            return finish() or 77
        if test_servers(exe, tmp) == 77:
            return 77
    return finish()


if __name__ == "__main__":
    sys.exit(main())
