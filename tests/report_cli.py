#!/usr/bin/env python3
"""--report as scripts rely on it: its JSON shape; per host, bytes,
packets, flows and first and last seen as the test adds them up from the
same run's --events lines (which the decode golden test holds to
tshark's reading); per service, totals that add up to the traffic, with
top hosts busiest first; the TSV form with the same content; the same
report from a render as from --events; the scanner flag on a real SYN
scan; flow records counted as flows; names; and the errors for a
directory that does not exist and a full disk.

usage: report_cli.py FLOWSWARM SAMPLE_PCAP DATA_DIR"""
import json
import os
import subprocess
import sys
import tempfile

from checks import check, finish

HOST_KEYS = ["address", "name", "bytes", "packets", "flows", "services", "scanner",
             "first", "last"]
SERVICE_KEYS = ["service", "name", "port", "proto", "class", "bytes", "packets", "flows",
                "top_hosts"]
IDLE_NS = 60 * 10**9  # the idle time that splits a conversation into flows


def run(fs, args):
    return subprocess.run([fs] + args, capture_output=True, text=True, check=False)


def iso(ns):
    import datetime
    secs, rest = divmod(ns, 10**9)
    day = datetime.datetime.fromtimestamp(secs, datetime.timezone.utc)
    return day.strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % (rest // 1000)


def tally(events_tsv, flow_records):
    """Per host: bytes, packets, flows, first, last, from --events lines."""
    hosts, convs, total = {}, {}, 0
    for line in events_tsv.splitlines():
        f = line.split("\t")
        secs, frac = f[0].split(".")
        t = int(secs) * 10**9 + int(frac.ljust(9, "0")[:9])
        src, dst, proto = f[1], f[2], int(f[3])
        sport, dport, pkts, octets = int(f[4]), int(f[5]), int(f[6]), int(f[7])
        total += octets
        if flow_records:
            new = True
        else:
            if proto in (1, 58):
                sport = dport = 0
            key = (proto,) + tuple(sorted([(src, sport), (dst, dport)]))
            last = convs.get(key)
            new = last is None or t - last > IDLE_NS
            if last is None or t > last:
                convs[key] = t
        for h in {src, dst}:
            e = hosts.setdefault(h, {"bytes": 0, "packets": 0, "flows": 0, "first": t,
                                     "last": t})
            e["bytes"] += octets
            e["packets"] += pkts
            e["flows"] += new
            e["first"] = min(e["first"], t)
            e["last"] = max(e["last"], t)
    return hosts, total


def check_against(name, report, hosts, total, times=True):
    got = {h["address"]: h for h in report["hosts"]}
    check(set(got) == set(hosts), f"{name}: the report's hosts are the events' hosts")
    bad = [a for a in hosts if a in got and any(
        got[a][k] != hosts[a][k] for k in ("bytes", "packets", "flows"))]
    check(not bad, f"{name}: bytes, packets and flows per host add up ({bad[:3]})")
    if times:
        late = [a for a in hosts if a in got and (
            got[a]["first"] != iso(hosts[a]["first"]) or got[a]["last"] != iso(hosts[a]["last"]))]
        check(not late, f"{name}: first and last seen per host ({late[:3]})")
    order = [h["bytes"] for h in report["hosts"]]
    check(order == sorted(order, reverse=True), f"{name}: hosts busiest first")
    check(sum(s["bytes"] for s in report["services"]) == total,
          f"{name}: the services' bytes add up to the traffic ({total})")
    ok = True
    for s in report["services"]:
        tb = [t["bytes"] for t in s["top_hosts"]]
        ok &= tb == sorted(tb, reverse=True) and len(tb) <= 5 and all(b <= s["bytes"] for b in tb)
    check(ok, f"{name}: each service's top hosts are busiest first, at most 5")


def check_shape(name, report):
    check(list(report) == ["hosts", "services"], f"{name}: the top level is hosts, services")
    check(all(list(h) == HOST_KEYS for h in report["hosts"]), f"{name}: every host's keys")
    check(all(list(s) == SERVICE_KEYS for s in report["services"]),
          f"{name}: every service's keys")
    check(all(list(t) == ["address", "name", "bytes"] for s in report["services"]
              for t in s["top_hosts"]), f"{name}: every top host's keys")


def tsv_tables(text):
    tables, cur = {}, None
    for line in text.splitlines():
        if line.startswith("# "):
            cur = tables.setdefault(line[2:], [])
        elif line and cur is not None:
            cur.append(line.split("\t"))
    return tables


def check_tsv(name, tsv, report):
    t = tsv_tables(tsv)
    check(set(t) == {"hosts", "services"}, f"{name}: TSV has a hosts and a services table")
    rows = t.get("hosts", [[]])
    check(rows[0] == HOST_KEYS, f"{name}: TSV host columns")
    same = len(rows) - 1 == len(report["hosts"])
    for row, h in zip(rows[1:], report["hosts"]):
        same &= (row[0] == h["address"] and row[1] == (h["name"] or "-") and
                 [int(x) for x in row[2:5]] == [h["bytes"], h["packets"], h["flows"]] and
                 row[5] == (",".join(h["services"]) or "-") and
                 row[6] == str(h["scanner"]).lower() and row[7:] == [h["first"], h["last"]])
    check(same, f"{name}: TSV hosts hold what the JSON holds")
    rows = t.get("services", [[]])
    check(rows[0] == SERVICE_KEYS, f"{name}: TSV service columns")
    same = len(rows) - 1 == len(report["services"])
    for row, s in zip(rows[1:], report["services"]):
        top = ",".join(f"{x['address']}={x['bytes']}" for x in s["top_hosts"]) or "-"
        same &= (row[0] == s["service"] and int(row[5]) == s["bytes"] and row[8] == top)
    check(same, f"{name}: TSV services hold what the JSON holds")


def report_of(fs, args, path):
    r = run(fs, args + ["--report", path])
    if not check(r.returncode == 0, f"{' '.join(args)} --report: exit 0 ({r.stderr.strip()})"):
        return None, r
    with open(path) as f:
        return (json.load(f) if path.endswith(".json") else f.read()), r


def main():
    fs, sample, data = sys.argv[1], sys.argv[2], sys.argv[3]
    tmp = tempfile.mkdtemp()
    j, t = os.path.join(tmp, "r.json"), os.path.join(tmp, "r.tsv")

    report, r = report_of(fs, ["-r", sample, "--events"], j)
    if report:
        check_shape("sample", report)
        hosts, total = tally(r.stdout, False)
        check_against("sample", report, hosts, total)
        named = [h for h in report["hosts"] if h["name"]]
        check(len(named) >= 5, f"sample: names learnt from DNS ({len(named)} hosts named)")
        check(any(h["address"] == "212.199.202.9" and h["name"] == "23tv.ynet.co.il"
                  for h in named), "sample: 212.199.202.9 is 23tv.ynet.co.il, as DNS says")
        check(not any(h["scanner"] for h in report["hosts"]), "sample: no scanner")
        tsv, _ = report_of(fs, ["-r", sample, "--events"], t)
        if tsv:
            check_tsv("sample", tsv, report)
        shot = os.path.join(tmp, "last.png")
        rendered, _ = report_of(fs, ["-q", "-r", sample, "--screenshot", shot], j)
        check(rendered == report, "sample: a render's report equals the --events run's")

    scan = os.path.join(data, "pcap/chrissanders/synscan.pcapng")
    ft = os.path.join(data, "flowtools/from-pcap/synscan_v5_le_z0.ft")
    if os.path.exists(scan):
        report, r = report_of(fs, ["-r", scan, "--events"], j)
        if report:
            hosts, total = tally(r.stdout, False)
            check_against("synscan", report, hosts, total)
            flagged = [h["address"] for h in report["hosts"] if h["scanner"]]
            check(flagged == ["172.16.0.8"], f"synscan: the scanner flagged ({flagged})")
            svc = [s["service"] for s in report["services"][:3]]
            check(not any(s["port"] > 1024 and s["top_hosts"] and
                          s["top_hosts"][0]["address"] == "172.16.0.8" and s["bytes"] > 10000
                          for s in report["services"]),
                  f"synscan: the scanner's source port is no big service ({svc})")
    else:
        print(f"skip synscan: {scan} absent")
    if os.path.exists(ft):
        report, r = report_of(fs, ["-r", ft, "--events"], j)
        if report:
            hosts, total = tally(r.stdout, True)
            check_against("synscan flows", report, hosts, total, times=False)
            check(any(h["scanner"] for h in report["hosts"]), "synscan flows: scanner flagged")
    else:
        print(f"skip flow records: {ft} absent")

    r = run(fs, ["-r", sample, "--events", "--report", os.path.join(tmp, "no/such/r.json")])
    lines = r.stderr.strip().splitlines()
    check(r.returncode != 0 and len(lines) == 1 and "--report" in lines[0] and
          "No such file" in lines[0], f"a report in a missing directory: one line ({lines})")
    check(r.stdout == "", "a report that cannot be opened stops the run before any event")
    if os.path.exists("/dev/full"):
        r = run(fs, ["-r", sample, "--events", "--report", "/dev/full"])
        lines = r.stderr.strip().splitlines()
        check(r.returncode != 0 and any("--report /dev/full" in x and "No space" in x
                                        for x in lines), f"a full disk: said ({lines})")
        r = run(fs, ["-q", "-r", sample, "--screenshot", os.path.join(tmp, "s.png"),
                     "--report", "/dev/full"])
        check(r.returncode != 0 and "No space" in r.stderr and
              os.path.getsize(os.path.join(tmp, "s.png")) > 0,
              f"a full disk in a render: said, and the still is kept ({r.stderr.strip()})")
    r = run(fs, ["--report"])
    check(r.returncode == 2 and "--report" in r.stderr, "--report without a file: usage error")
    return finish()


if __name__ == "__main__":
    sys.exit(main())
