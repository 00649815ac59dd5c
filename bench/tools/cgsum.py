#!/usr/bin/env python3
"""Self-cost (exclusive Ir) per (object, function) from a callgrind output file.

Usage as a library: `parse(path) -> {(object, function): Ir}`.
Usage as a script:  cgsum.py <callgrind.out>   prints the per-object totals.

The callgrind format (valgrind docs, "Callgrind Format Specification"): `ob=`/`fn=` set
the current object and function (names may be compressed as "(id) name" the first time
and "(id)" afterwards); a line of numbers is a cost line for the current function, except
the one right after `calls=`, which is the inclusive cost of that call and is skipped
here so that only self cost is summed.
"""
import re
import sys
from collections import defaultdict

_NAME = re.compile(r"^\((\d+)\)(?: (.*))?$")


def _resolve(table, value):
    m = _NAME.match(value)
    if not m:
        return value
    ident, name = m.group(1), m.group(2)
    if name is not None:
        table[ident] = name
        return name
    return table.get(ident, "(%s)" % ident)


def parse(path, calls_out=None):
    """Self Ir per (object, function). If `calls_out` is a dict, it also receives the
    number of calls made to each callee function name."""
    costs = defaultdict(int)
    callee = "?"
    obs, fns, files = {}, {}, {}
    ob, fn = "?", "?"
    events = None
    skip_next = False
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            c = line[0]
            if c.isdigit() or c in "+-*":
                if skip_next:
                    skip_next = False
                    continue
                parts = line.split()
                if len(parts) >= 2:
                    # first field is the position (line); the first event is Ir
                    costs[(ob, fn)] += int(parts[1])
                continue
            key, _, value = line.partition("=")
            if key == "ob":
                ob = _resolve(obs, value)
            elif key == "cob":
                _resolve(obs, value)
            elif key == "fn":
                fn = _resolve(fns, value)
            elif key == "cfn":
                callee = _resolve(fns, value)
            elif key == "cfi" or key == "cfl":
                _resolve(files, value)
            elif key in ("fl", "fi", "fe"):
                _resolve(files, value)
            elif key == "calls":
                skip_next = True
                if calls_out is not None:
                    calls_out[callee] = calls_out.get(callee, 0) + int(value.split()[0])
            elif line.startswith("events:"):
                events = line.split()[1:]
    if events and events[0] != "Ir":
        raise SystemExit("%s: first event is %s, expected Ir" % (path, events[0]))
    return dict(costs)


def classify(obj, app_path):
    base = obj.rsplit("/", 1)[-1]
    if obj == app_path or base == app_path.rsplit("/", 1)[-1]:
        return "app"
    if base.startswith("liburing"):
        return "liburing"
    if base.startswith("libc.so") or base.startswith("libc-"):
        return "libc"
    if base.startswith("ld-linux"):
        return "ld.so"
    return "other"


def by_object(costs):
    out = defaultdict(int)
    for (ob, _fn), ir in costs.items():
        out[ob] += ir
    return dict(out)


if __name__ == "__main__":
    for ob, ir in sorted(by_object(parse(sys.argv[1])).items(), key=lambda kv: -kv[1]):
        print("%12d  %s" % (ir, ob))
