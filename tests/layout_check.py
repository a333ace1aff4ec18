#!/usr/bin/env python3
"""Keeps the house as ARCHITECTURE.md draws it: each folder includes only
the folders below it that it is allowed to see, nothing but app/ includes
app/, and no function in app/ grows past 80 lines (the loops stay loops;
the work lives in the stages).

usage: layout_check.py SOURCE_DIR"""
import os
import re
import sys

from checks import check, finish

# folder -> the project folders its files may include (besides its own)
ALLOWED = {
    "base": set(),
    "ingest": {"base"},
    "timeline": {"base"},
    "filter": {"base"},
    "analyze": {"base", "filter"},
    "swarm": {"base"},
    "output": {"base"},
    "renderer": {"base", "swarm"},
    "app": {"base", "ingest", "timeline", "filter", "analyze", "swarm", "output",
            "renderer"},
}
APP_FUNCTION_MAX = 80
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"/]+)/[^"]+"', re.M)


def sources(root, folder):
    d = os.path.join(root, folder)
    if not os.path.isdir(d):
        return []
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith((".c", ".h")))


def includes(root):
    bad = []
    for folder, allowed in ALLOWED.items():
        for path in sources(root, folder):
            with open(path) as f:
                for used in INCLUDE.findall(f.read()):
                    if used != folder and used not in allowed and used in ALLOWED:
                        bad.append(f"{os.path.relpath(path, root)} includes {used}/")
    return bad


def long_functions(root):
    """Functions in app/ from their signature to their closing brace."""
    found = []
    for path in sources(root, "app"):
        with open(path) as f:
            lines = f.read().split("\n")
        start = None
        for i, line in enumerate(lines):
            if line == "{" and i > 0:
                start = i - 1
                while start > 0 and lines[start - 1] and lines[start - 1][0] not in "}/ #":
                    start -= 1  # a signature written over several lines
            elif line == "}" and start is not None:
                n = i - start + 1
                if n > APP_FUNCTION_MAX:
                    found.append(f"{os.path.relpath(path, root)}:{start + 1}: {n} lines")
                start = None
    return found


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    root = sys.argv[1]
    for folder in ("base", "ingest", "swarm", "renderer", "output", "app"):
        check(sources(root, folder), f"{folder}/ holds sources")
    for line in includes(root):
        check(False, f"against the layout: {line}")
    for line in long_functions(root):
        check(False, f"a function in app/ past {APP_FUNCTION_MAX} lines: {line}")
    return finish()


if __name__ == "__main__":
    sys.exit(main())
