#!/usr/bin/env python3
"""The filters from the command line, as a user runs them: --hide and
--only together, --top, a --filters file, and the one-line errors that
point at the wrong word (exit 2 for a bad option, 1 for a bad file).

usage: filters_cli.py FLOWSWARM CAPTURE"""
import collections
import os
import subprocess
import sys
import tempfile

from checks import check, finish


def run(exe, *args):
    return subprocess.run([exe, *args], capture_output=True, text=True, check=False)


def events(exe, cap, *args):
    r = run(exe, "-r", cap, "--events", *args)
    check(r.returncode == 0, f"{' '.join(args)}: exit {r.returncode} {r.stderr.strip()}")
    return [line.split("\t") for line in r.stdout.splitlines()]


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    exe, cap = sys.argv[1:]
    every = events(exe, cap)
    check(len(every) > 1000, f"the capture has {len(every)} events")

    # --hide and --only together: only every rule's match, no hidden one
    got = events(exe, cap, "--only", "tcp", "--hide", "port 80")
    want = [e for e in every if e[3] == "6" and "80" not in (e[4], e[5])]
    check(got == want, f"--only tcp --hide 'port 80': {len(got)} events, expected {len(want)}")
    got = events(exe, cap, "--only", "udp", "--only", "port 53")
    want = [e for e in every if e[3] == "17" and "53" in (e[4], e[5])]
    check(got == want and want, f"two --only: {len(got)} events, expected {len(want)}")

    # bytes over a host's total so far
    got = events(exe, cap, "--only", "src bytes > 100k")
    totals = collections.Counter()
    want = []
    for e in every:
        for host in {e[1], e[2]}:
            totals[host] += int(e[7])
        if totals[e[1]] > 100000:
            want.append(e)
    check(got == want and want, f"bytes > 100k: {len(got)} events, expected {len(want)}")

    # --top: more than there are hosts shows everything; a small cap shows
    # mostly the busiest hosts' traffic
    check(events(exe, cap, "--top", "100000") == every, "--top above the host count")
    top = events(exe, cap, "--top", "2")
    busiest = {h for h, _ in totals.most_common(2)}
    touching = sum(1 for e in top if e[1] in busiest or e[2] in busiest)
    check(0 < len(top) < len(every), f"--top 2 kept {len(top)} of {len(every)}")
    check(touching >= 0.9 * len(top), f"--top 2: {touching} of {len(top)} touch the busiest")

    # a --filters file, comments and all, and its errors
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "filters")
        with open(path, "w") as f:
            f.write("# noisy\nhide port 80\n\nonly tcp\n")
        got = events(exe, cap, "--filters", path)
        want = [e for e in every if e[3] == "6" and "80" not in (e[4], e[5])]
        check(got == want, f"--filters: {len(got)} events, expected {len(want)}")
        with open(path, "w") as f:
            f.write("hide port 80\nonly tcp and port 8o\n")
        r = run(exe, "-r", cap, "--events", "--filters", path)
        err = r.stderr.strip()
        check(r.returncode == 1 and r.stdout == "", f"a bad --filters file: exit {r.returncode}")
        check(err.count("\n") == 0 and f"{path}:2: bad filter 'tcp and port 8o'" in err
              and "at '8o' (character 14)" in err, f"a bad file says: {err}")
        got = events(exe, cap, "--filters", os.path.join(tmp, "none"))
        check(got == every, "a --filters file that is not there holds no rules")

    # bad expressions: one line, the word, exit 2, nothing printed
    for expr, word in (("port 8o", "at '8o' (character 6)"),
                       ("host 10.0.0.1 and", "ends too early"),
                       ("tcp host 10.0.0.1", "write 'tcp and host ...'"),
                       ("service htps", "unknown service 'htps'")):
        r = run(exe, "-r", cap, "--events", "--hide", expr)
        err = r.stderr.strip()
        check(r.returncode == 2 and r.stdout == "" and err.count("\n") == 0 and
              err.startswith(f"flowswarm: --hide '{expr}': ") and word in err,
              f"--hide '{expr}': exit {r.returncode}: {err}")
    # --services: the user's names and classes override the table's
    with tempfile.TemporaryDirectory() as tmp:
        svc = os.path.join(tmp, "services")
        with open(svc, "w") as f:
            f.write("# ours\n80/tcp weblegacy db\n8081/tcp myapp web  # unused here\n")
        got = events(exe, cap, "--services", svc, "--only", "class db")
        want = [e for e in every if e[3] == "6" and "80" in (e[4], e[5])]
        check(got == want and want, f"--services, class db: {len(got)} events, "
              f"expected the {len(want)} of port 80")
        got = events(exe, cap, "--services", svc, "--only", "service weblegacy")
        check(got == want, f"--services, service weblegacy: {len(got)} events")
        for text, word in (("99999/tcp x\n", "line 1: '99999' is not a port"),
                           ("\n80/icmp x\n", "line 2: 'icmp' is not tcp, udp, sctp or any"),
                           ("80/tcp x fancy\n", "'fancy' is not a class"),
                           ("80/tcp\n", "expected 'PORT/PROTO NAME [CLASS]'")):
            with open(svc, "w") as f:
                f.write(text)
            r = run(exe, "-r", cap, "--events", "--services", svc)
            err = r.stderr.strip()
            check(r.returncode == 2 and r.stdout == "" and err.count("\n") == 0 and
                  err.startswith(f"flowswarm: --services {svc}: ") and word in err,
                  f"bad services file {text!r}: exit {r.returncode}: {err}")
        r = run(exe, "-r", cap, "--events", "--services", os.path.join(tmp, "none"))
        check(r.returncode == 2 and "No such file" in r.stderr, f"missing: {r.stderr}")

    # names: 'name ~' keeps exactly the events a host of which has a name
    # that matches, as --events=names prints them
    named = events(exe, cap, "--events=names")
    want = [e[:9] for e in named
            if any(n != "-" and n.endswith(".ynet.co.il") for n in (e[9], e[10]))]
    got = events(exe, cap, "--only", r"name ~ \.ynet\.co\.il$")
    check(got == want and want, f"--only 'name ~': {len(got)} events, expected {len(want)}")
    got = events(exe, cap, "--events=names", "--hide", r"dst name ~ ynet")
    check(got and all("ynet" not in e[10] for e in got), "--hide 'dst name ~' kept one")
    r = run(exe, "-r", cap, "--events", "-n", "--only", "name ~ ynet")
    check(r.returncode == 0 and "-n turned names off" in r.stderr and r.stdout == "",
          f"name ~ with -n: {r.stderr.strip()}")
    return finish()


if __name__ == "__main__":
    sys.exit(main())
