"""Shared by the script tests: a tally of named checks that prints each
failure as it happens and closes with the 'N passed, N failed' line."""

FAILS = []
COUNT = [0]


def check(cond, what):
    """Records one check; returns cond so callers can chain on it."""
    COUNT[0] += 1
    if not cond:
        FAILS.append(what)
        print(f"  FAIL: {what}")
    return cond


def finish():
    """Prints the tally and gives the exit status."""
    print(f"{COUNT[0] - len(FAILS)} passed, {len(FAILS)} failed")
    return 1 if FAILS else 0
