#!/usr/bin/env python3
"""Instruction budget per liburing function (callgrind), for 2.3, 2.15 and ours.

Runs build/<variant>/budget under callgrind (one process per library; the program brackets
each mode with CALLGRIND_ZERO_STATS / CALLGRIND_DUMP_STATS_AT, see ../c/budget.c) and turns
the dumps into instructions per call: (dump of 2R rounds - dump of R rounds) / (R * OPS),
minus the mode's base (a loop of the same shape without the call).

Usage: budget.py [rounds]   prints the Markdown table (run from anywhere, after `make`).
As a module: measure(rounds) -> {variant: {function: (per_call, lib_self_per_call)}} and
report(results, out) appends the table to the list of lines `out`.
"""
import glob
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cgsum  # noqa: E402

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VARIANTS = ("ref", "ref215", "ours")
OPS = 64  # calls per round, as in budget.c

# function (as reported) -> (mode, base mode, inline in liburing 2.15's header?, arguments,
# pointer arguments our C shim checks for NULL).
# wait_cqe is measured as wait_cqe + cqe_seen minus cqe_seen, peek_batch_cqe at 1 as
# peek_batch(1) + advance(1) minus advance(1); the others against a loop without the call.
FUNCTIONS = [
    ("io_uring_get_sqe", "get_sqe", "sq_base", True, 1, 1),
    ("io_uring_prep_nop", "prep_nop", "sq_base", True, 1, 1),
    ("io_uring_prep_read", "prep_read", "sq_base", True, 5, 1),
    ("io_uring_prep_write", "prep_write", "sq_base", True, 5, 1),
    ("io_uring_prep_readv", "prep_readv", "sq_base", True, 5, 1),
    ("io_uring_prep_recv", "prep_recv", "sq_base", True, 5, 1),
    ("io_uring_prep_send", "prep_send", "sq_base", True, 5, 1),
    ("io_uring_prep_accept", "prep_accept", "sq_base", True, 5, 1),
    ("io_uring_sqe_set_data64", "sqe_set_data64", "sq_base", True, 2, 1),
    ("io_uring_submit (1 SQE)", "submit", "submit_base", False, 1, 1),
    ("io_uring_submit_and_wait (1 SQE, wait 1)", "submit_and_wait", "submit_base", False, 2, 1),
    ("io_uring_peek_cqe (CQE ready)", "peek_cqe", "cq_base", True, 2, 2),
    ("io_uring_wait_cqe (CQE ready)", "wait_cqe", "cqe_seen", True, 2, 2),
    ("io_uring_peek_batch_cqe (count 1)", "peek_batch_cqe_1", "cq_advance", False, 3, 2),
    ("io_uring_peek_batch_cqe (count 64, per CQE)", "peek_batch_cqe_64", "cq_base", False, 3, 0),
    ("io_uring_cq_advance (by 1)", "cq_advance", "cq_base", True, 2, 1),
    ("io_uring_cqe_seen", "cqe_seen", "cq_base", True, 2, 2),
]

# What a C caller pays for calling an exported function that liburing's header inlines:
# `call`, the PLT's `jmp *GOT`, the callee's `ret` (3), plus one register move per argument
# (inlined code stores its arguments straight into the SQE; a call must first put them in
# the ABI's registers). Our shim adds 2 more per pointer argument (`test` + `je`: the
# project's rule that a NULL pointer gives an error or a no-op, never a crash). For a
# function 2.15 also has out of line only the NULL checks differ.
CALL_FIXED = 3
NULL_CHECK = 2


def budget_of(r215, inline, nargs, nptrs):
    return r215 + (CALL_FIXED + nargs if inline else 0) + NULL_CHECK * nptrs


def run_variant(variant, rounds, tmp):
    prog = os.path.join(BENCH, "build", variant, "budget")
    out = os.path.join(tmp, "budget-%s" % variant)
    for f in glob.glob(out + "*"):
        os.remove(f)
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, prog, str(rounds)],
                       capture_output=True, text=True, timeout=900)
    if p.returncode != 0:
        raise RuntimeError("budget %s: %s" % (variant, p.stderr[-600:]))
    dumps = {}
    for f in glob.glob(out + ".*"):
        label = None
        with open(f, errors="replace") as fh:
            for line in fh:
                if line.startswith("desc: Trigger: Client Request: "):
                    label = line[len("desc: Trigger: Client Request: "):].strip()
                    break
        if not label:
            continue
        mode, n = label.rsplit(" ", 1)
        costs = cgsum.parse(f)
        total = sum(costs.values())
        lib = sum(ir for (ob, _fn), ir in costs.items() if cgsum.classify(ob, prog) == "liburing")
        dumps[(mode, int(n))] = (total, lib)
    per_op = {}
    for (mode, n), (total, lib) in dumps.items():
        if n != rounds or (mode, 2 * rounds) not in dumps:
            continue
        t2, l2 = dumps[(mode, 2 * rounds)]
        per_op[mode] = ((t2 - total) / (rounds * OPS), (l2 - lib) / (rounds * OPS))
    return per_op


def measure(rounds=400, tmp=None):
    tmp = tmp or os.path.join(BENCH, "build", "callgrind")
    os.makedirs(tmp, exist_ok=True)
    res = {}
    for v in VARIANTS:
        per_op = run_variant(v, rounds, tmp)
        res[v] = {}
        for name, mode, base, _inl, _na, _np in FUNCTIONS:
            if mode in per_op and base in per_op:
                lib = per_op[mode][1] - per_op[base][1]
                res[v][name] = (per_op[mode][0] - per_op[base][0], per_op[mode][1], lib)
    return res


def report(res, out):
    """Appends the per-function table; returns the list of functions over budget."""
    out.append("")
    out.append("Instructions per call as the calling C program sees them (callgrind; `bench/c/budget.c`: each "
               "mode is a loop of %d calls minus the same loop without the call, so it counts the code a "
               "reference's header inlines and, for ours, argument set-up + call + PLT jump + body + return). "
               "`ours in .so`: the part spent inside our liburing.so. Budget: 2.15's figure, plus for a function "
               "2.15 inlines the call overhead (`call` + PLT `jmp` + `ret` = %d, and 1 register move per argument), "
               "plus %d per pointer argument our shim checks for NULL (the project's no-crash rule; `test` + `je`)."
               % (OPS, CALL_FIXED, NULL_CHECK))
    out.append("")
    out.append("| function | 2.3 | 2.15 | ours | ours in .so | budget | ours - budget |")
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    over = []
    for name, _mode, _base, inline, nargs, nptrs in FUNCTIONS:
        r = res["ref"].get(name)
        r5 = res["ref215"].get(name)
        o = res["ours"].get(name)
        if not (r5 and o):
            continue
        budget = budget_of(r5[0], inline, nargs, nptrs)
        diff = o[0] - budget
        if diff > 0.5:
            over.append((name, o[0], budget))
        out.append("| `%s` | %s | %.1f | %.1f | %.1f | %.1f | %s |" % (
            name, "%.1f" % r[0] if r else "-", r5[0], o[0], o[2], budget,
            ("**%+.1f**" % diff) if diff > 0.5 else "%+.1f" % diff))
    return over


if __name__ == "__main__":
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    lines = []
    over = report(measure(rounds), lines)
    print("\n".join(lines))
    print("\nover budget: %s" % (", ".join("%s (%.1f > %.1f)" % o for o in over) or "none"))
