#!/usr/bin/env python3
"""Runs every benchmark scenario and prints the report (see ../README.md).

Called by ../run.sh after the builds. Sizes come from environment variables (defaults in
CONFIG below; BENCH_QUICK=1 picks the small preset). The timed scenarios run in rounds,
interleaving the two variants of each row (reference then ours on odd rounds, ours then
reference on even rounds); callgrind and strace counts are deterministic and run once.

Exit status: 0 if every run computed the right answer, 1 if any run failed (its row
shows FAIL and the reason is printed), whatever the performance targets say.
"""
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import budget  # noqa: E402
import cgsum  # noqa: E402
import curve  # noqa: E402

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(BENCH)

FULL = dict(ROUNDS=7, NOP_OPS=4_000_000, CG_OPS=25_600, SQPOLL_OPS=128_000, SQPOLL_TIMED_OPS=4_000_000, FILE_MB=1024,
            READS=300_000, DIRECT_READS=30_000, ECHO_CONNS=64, ECHO_REQS=300_000,
            CONNECT_CYCLES=15_000, CG_READS=4_000, BUDGET_ROUNDS=400, COPY_MB=128, CURVE_ROUNDS=2)
QUICK = dict(ROUNDS=5, NOP_OPS=400_000, CG_OPS=6_400, SQPOLL_OPS=32_000, SQPOLL_TIMED_OPS=1_000_000, FILE_MB=128,
             READS=40_000, DIRECT_READS=4_000, ECHO_CONNS=64, ECHO_REQS=40_000,
             CONNECT_CYCLES=2_000, CG_READS=1_000, BUDGET_ROUNDS=100, COPY_MB=32, CURVE_ROUNDS=1)
SCENARIOS = ["nop", "callgrind", "budget", "sqpoll", "read", "copy", "echo", "rust", "curve", "calls"]


def config():
    base = QUICK if os.environ.get("BENCH_QUICK") == "1" else FULL
    cfg = {k: int(os.environ.get("BENCH_" + k, v)) for k, v in base.items()}
    cfg["DATA_DIR"] = os.environ.get("BENCH_DATA_DIR", "/var/tmp/uring-bench")
    cfg["ECHO_PIN"] = os.environ.get("BENCH_ECHO_PIN", "same")
    only = os.environ.get("BENCH_SCENARIOS", "")
    cfg["SCENARIOS"] = [s for s in only.split(",") if s] or SCENARIOS
    for s in cfg["SCENARIOS"]:
        if s not in SCENARIOS:
            sys.exit("unknown scenario %r (known: %s)" % (s, ",".join(SCENARIOS)))
    return cfg


FAILURES = []


def run_prog(cmd, timeout=300):
    """Runs one benchmark program; returns ('ok', {key: value}) / ('na', reason) /
    ('fail', reason)."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "fail", "timed out after %ds: %s" % (timeout, " ".join(cmd))
    if p.returncode == 77:
        return "na", (p.stderr.strip().splitlines() or ["n/a"])[-1]
    if p.returncode != 0:
        return "fail", "%s exited %d: %s" % (" ".join(cmd), p.returncode, p.stderr.strip()[-600:])
    vals = {}
    for line in p.stdout.splitlines():
        f = line.split()
        if len(f) == 3 and f[0] == "RESULT":
            vals[f[1]] = float(f[2])
    if not vals:
        return "fail", "%s printed no RESULT" % " ".join(cmd)
    return "ok", vals


# The C variants, in run order within a round: the two references, then ours.
C_VARIANTS = ("ref", "ref215", "ours")
LIB_LABEL = {"ref": "reference 2.3 (Debian)", "ref215": "reference 2.15", "ours": "ours"}
VARIANT_NAMES = {"ref": "2.3", "ref215": "2.15", "ours": "ours", "h215": "2.15 header + 2.15 .so",
                 "h215-ours": "2.15 header + our .so", "noplt": "our header, -fno-plt", "io-uring": "io-uring crate", "uring": "uring (ours)"}


class Row:
    """One table row: several variants (references first, ours last) or a single baseline.

    Every round runs all variants back to back, in a rotating order (round 1: ref, ref215,
    ours; round 2: ours, ref215, ref; ...), so slow phases of the shared machine hit all of
    them; ratios are ours / each reference, per round."""

    def __init__(self, section, label, cmds, metrics, names=None):
        self.section, self.label, self.cmds, self.metrics = section, label, cmds, metrics
        self.names = names or {v: VARIANT_NAMES.get(v, v) for v in cmds}
        self.samples = {v: {m: [] for m, _ in metrics} for v in cmds}  # per round
        self.status = {v: "ok" for v in cmds}
        self.notes = []
        self.median_ratio = {}  # (metric, reference variant) -> median of per-round ratios
        self.ratios = {}

    @property
    def ours(self):
        return list(self.cmds)[-1]

    @property
    def refs(self):
        return list(self.cmds)[:-1] if len(self.cmds) > 1 else []

    def run_round(self, rnd):
        order = list(self.cmds)
        if rnd % 2 == 0:
            order.reverse()
        for v in order:
            if self.status[v] != "ok":
                for m, _ in self.metrics:
                    self.samples[v][m].append(None)
                continue
            st, res = run_prog(self.cmds[v])
            if st == "ok":
                for m, _ in self.metrics:
                    self.samples[v][m].append(res.get(m))
            else:
                self.status[v] = st
                self.notes.append("%s: %s" % (v, res))
                for m, _ in self.metrics:
                    self.samples[v][m].append(None)
                if st == "fail":
                    FAILURES.append("%s / %s / %s: %s" % (self.section, self.label, v, res))
                    print("  FAIL %s / %s / %s:\n    %s" % (self.section, self.label, v, res),
                          flush=True)


def fmt(x, unit):
    if x is None:
        return "-"
    if unit == "us":
        return "%.2f" % x
    if x >= 1e6:
        return "%.2fM" % (x / 1e6)
    if x >= 1e4:
        return "%.1fk" % (x / 1e3)
    return "%.0f" % x


def stats(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return None
    return statistics.median(xs), min(xs), max(xs)


def table(rows, out):
    """Markdown table for a list of rows with the same metrics and variants: per variant the
    median (min-max), then per reference the per-round ratios ours/reference and their
    median. Single-variant rows (baselines) fill the first column only."""
    full = max(rows, key=lambda r: len(r.cmds))
    variants = list(full.cmds)
    refs = full.refs
    lines = []
    for m, better in full.metrics:
        unit = "us" if better == "lower" else ""
        what = {"ops_per_sec": "ops/s", "iops": "IOPS", "per_sec": "per s",
                "server_cpu_us": "server CPU us"}.get(m, m)
        head = ["%s median (min-max)" % full.names[v] for v in variants]
        for rv in refs:
            head += ["ours/%s per round" % full.names[rv], "median"]
        lines.append("")
        lines.append("| %s | %s |" % (what, " | ".join(head)))
        lines.append("|---|" + "---:|" * len(variants) + "---|---:|" * len(refs))
        for r in rows:
            cells = [r.label]
            for i, v in enumerate(variants):
                vv = v if v in r.cmds else (list(r.cmds)[0] if i == 0 and len(r.cmds) == 1 else None)
                if vv is None:
                    cells.append("")
                elif r.status[vv] != "ok":
                    cells.append("n/a" if r.status[vv] == "na" else "FAIL")
                else:
                    s = stats(r.samples[vv][m])
                    cells.append("%s (%s-%s)" % (fmt(s[0], unit), fmt(s[1], unit), fmt(s[2], unit)) if s else "-")
            for rv in refs:
                ratio_txt, med_txt = "", ""
                if len(r.cmds) > 1 and rv in r.cmds and all(r.status[v] == "ok" for v in (rv, r.ours)):
                    a, b = r.samples[rv][m], r.samples[r.ours][m]
                    ratios = [y / x for x, y in zip(a, b) if x and y]
                    if ratios:
                        ratio_txt = " ".join("%.2f" % q for q in ratios)
                        med_txt = "**%.2f**" % statistics.median(ratios)
                        r.median_ratio[(m, rv)] = statistics.median(ratios)
                        r.ratios[(m, rv)] = ratios
                cells += [ratio_txt, med_txt]
            lines.append("| " + " | ".join(cells) + " |")
    for r in rows:
        for n in r.notes:
            lines.append("")
            lines.append("- %s: %s" % (r.label, n))
    out.extend(lines)


# ------------------------------------------------------------------------- scenarios


def prog(variant, name):
    return os.path.join(BENCH, "build", variant, name)


def nop_rows(cfg):
    rows = []
    for reap in ("peek", "foreach"):
        for b in (1, 8, 32, 128):
            rows.append(Row("nop", "batch %d, %s" % (b, "peek_batch_cqe" if reap == "peek" else "for_each_cqe"),
                            {v: [prog(v, "nop"), str(b), str(cfg["NOP_OPS"]), reap] for v in C_VARIANTS},
                            [("ops_per_sec", "higher")]))
    return rows


def sqpoll_rows(cfg):
    return [Row("sqpoll", "%s, batch 32" % m,
                {v: [prog(v, "sqpoll"), m, str(cfg["SQPOLL_TIMED_OPS"]), "32"] for v in C_VARIANTS},
                [("ops_per_sec", "higher")]) for m in ("plain", "sqpoll")]


def data_file(cfg):
    path = os.path.join(cfg["DATA_DIR"], "data-%dM.bin" % cfg["FILE_MB"])
    if not (os.path.exists(path) and os.path.getsize(path) == cfg["FILE_MB"] << 20):
        os.makedirs(cfg["DATA_DIR"], exist_ok=True)
        print("creating %s (%d MiB)..." % (path, cfg["FILE_MB"]), flush=True)
        subprocess.run([os.path.join(BENCH, "build", "mkdata"), path, str(cfg["FILE_MB"])], check=True)
    return path


def warm(path):
    with open(path, "rb", buffering=0) as f:
        while f.read(1 << 20):
            pass


def read_rows(cfg, path):
    rows = {"buffered": [], "direct": []}
    for cache in ("buffered", "direct"):
        n = cfg["READS"] if cache == "buffered" else cfg["DIRECT_READS"]
        n1 = n if cache == "buffered" else max(n // 5, 100)  # QD1 on a device is slow
        rows[cache].append(Row("read-" + cache, "pread loop (QD 1, no liburing)",
                               {"ref": [prog("ref", "read"), "pread", cache, "1", str(n1), path]},
                               [("iops", "higher")]))
        for mode in ("read", "fixed"):
            for qd in (1, 32, 128):
                label = "%s QD %d" % ("read" if mode == "read" else "read_fixed + reg. file", qd)
                nn = n1 if qd == 1 else n
                rows[cache].append(Row("read-" + cache, label,
                                       {v: [prog(v, "read"), mode, cache, str(qd), str(nn), path]
                                        for v in C_VARIANTS},
                                       [("iops", "higher")]))
    return rows


COPY_BLOCK_KIB, COPY_QD = 64, 16


def copy_rows(cfg, path):
    dst = os.path.join(cfg["DATA_DIR"], "copy-dst-%d.tmp" % os.getpid())
    mb = str(cfg["COPY_MB"])
    label = "%s MiB in %d KiB blocks" % (mb, COPY_BLOCK_KIB)
    return [Row("copy", "read/write loop, " + label + " (no liburing)",
                {"ref": [prog("ref", "copy"), "rw", path, dst, mb, str(COPY_BLOCK_KIB), "1"]},
                [("mib_per_sec", "higher")]),
            Row("copy", "io_uring, QD %d, " % COPY_QD + label,
                {v: [prog(v, "copy"), "uring", path, dst, mb, str(COPY_BLOCK_KIB), str(COPY_QD)] for v in C_VARIANTS},
                [("mib_per_sec", "higher")])]


def strace_counts(cmd, out):
    """{syscall: calls} of a run under `strace -f -c`."""
    p = subprocess.run(["strace", "-f", "-c", "-o", out] + cmd, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), p.returncode, p.stderr[-300:]))
    counts = {}
    for line in open(out):
        f = line.split()
        if len(f) >= 5 and f[0][0].isdigit() and f[3].isdigit():
            counts[f[-1]] = int(f[3])
    return counts


def copy_section(cfg, path, out, summary):
    """Syscalls per MiB copied: (run of 2N MiB - run of N MiB) / N, so setup cancels."""
    if not shutil.which("strace"):
        out.append("\nstrace not installed: n/a")
        return
    tmp = os.path.join(BENCH, "build")
    dst = os.path.join(cfg["DATA_DIR"], "copy-dst-%d.tmp" % os.getpid())
    # A 0 MiB run as the baseline (setup and teardown only, deterministic): the number of
    # enters of a copy depends on how many completions each one finds, so two copies of
    # different sizes can differ by more than their sizes' share.
    n = max(cfg["COPY_MB"], 8)
    out.append("")
    out.append("Syscalls per MiB copied (`strace -f -c`, run of %d MiB minus a 0 MiB run, %d KiB blocks; the copy is "
               "checked through mmap afterwards: 4 syscalls per run, not per block):" % (n, COPY_BLOCK_KIB))
    out.append("")
    out.append("| copy | syscalls / MiB | io_uring_enter / MiB | read+write / MiB | fewer than the read/write loop |")
    out.append("|---|---:|---:|---:|---:|")
    rows = [("read/write loop (no liburing)", "ref", "rw", "1")] + [
        ("io_uring QD %d, %s" % (COPY_QD, LIB_LABEL[v]), v, "uring", str(COPY_QD)) for v in C_VARIANTS]
    base = None
    for label, v, mode, qd in rows:
        try:
            c1 = strace_counts([prog(v, "copy"), mode, path, dst, "0", str(COPY_BLOCK_KIB), qd],
                               os.path.join(tmp, "strace-copy-%s-%s.1" % (v, mode)))
            c2 = strace_counts([prog(v, "copy"), mode, path, dst, str(n), str(COPY_BLOCK_KIB), qd],
                               os.path.join(tmp, "strace-copy-%s-%s.2" % (v, mode)))
        except RuntimeError as e:
            FAILURES.append("copy strace %s: %s" % (label, e))
            out.append("| %s | FAIL | | | |" % label)
            continue
        per = {k: (c2.get(k, 0) - c1.get(k, 0)) / n for k in set(c1) | set(c2) if k != "total"}
        tot = sum(per.values())
        if base is None:
            base = tot
        out.append("| %s | %.2f | %.2f | %.2f | %s |" % (label, tot, per.get("io_uring_enter", 0),
                                                        per.get("read", 0) + per.get("write", 0),
                                                        "" if mode == "rw" else "**%.1fx**" % (base / tot if tot else 0)))
        if mode == "uring":
            summary["copy"][v] = (base, tot)


# The "calls" scenario: what calling our exported helpers (instead of inlining them, as
# liburing's header does) costs, with the library held fixed. Same source, four builds:
#   h215       built against 2.15's header, run on 2.15's .so
#   h215-ours  the same binary run on our .so (LD_LIBRARY_PATH overrides its RUNPATH): the
#              helpers are inlined, only submit/peek/wait come from our library
#   noplt      built against our header with -fno-plt (calls through the GOT, no PLT stub)
#   ours       built against our header (calls through the PLT), run on our .so
CALL_VARIANTS = ("h215", "h215-ours", "noplt", "ours")


def calls_cmd(v, name, args):
    if v == "h215":
        return [prog("ref215", name)] + args
    if v == "h215-ours":
        return ["env", "LD_LIBRARY_PATH=" + os.path.join(BENCH, "build", "ours", "lib"), prog("ref215", name)] + args
    if v == "noplt":
        return [prog("ours-noplt", name)] + args
    return [prog("ours", name)] + args


def calls_rows(cfg, path):
    return [Row("calls", "page-cache read QD 32",
                {v: calls_cmd(v, "read", ["read", "buffered", "32", str(cfg["READS"]), path]) for v in CALL_VARIANTS},
                [("iops", "higher")]),
            Row("calls", "NOP batch 32, for_each_cqe",
                {v: calls_cmd(v, "nop", ["32", str(cfg["NOP_OPS"]), "foreach"]) for v in CALL_VARIANTS},
                [("ops_per_sec", "higher")])]


def calls_section(cfg, path, out):
    """Simulated branch and cache behaviour (callgrind --branch-sim --cache-sim) per read,
    run of 2N reads minus run of N: what the PLT/GOT path and the calls do to indirect
    branches, mispredictions and the instruction cache, deterministically."""
    tmp = os.path.join(BENCH, "build", "callgrind")
    os.makedirs(tmp, exist_ok=True)
    n = cfg["CG_READS"]
    warm(path)
    out.append("")
    out.append("Per 4 KiB page-cache read at QD 32, simulated by callgrind (`--branch-sim=yes --cache-sim=yes`, "
               "run of %d reads minus run of %d): instructions, conditional branches and their mispredictions, "
               "indirect branches (PLT `jmp *GOT`, `call *GOT`) and theirs, L1 instruction misses, data writes." % (2 * n, n))
    out.append("")
    out.append("| build | Ir | Bc | Bcm | Bi | Bim | I1mr | Dw |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for v in CALL_VARIANTS:
        tot = []
        for k, nn in (("1", n), ("2", 2 * n)):
            f = os.path.join(tmp, "calls-%s.%s" % (v, k))
            cmd = calls_cmd(v, "read", ["read", "buffered", "32", str(nn), path])
            env = dict(os.environ)
            if cmd[0] == "env":
                env["LD_LIBRARY_PATH"] = cmd[1].split("=", 1)[1]
                cmd = cmd[2:]
            p = subprocess.run(["valgrind", "--tool=callgrind", "--branch-sim=yes", "--cache-sim=yes",
                                "--callgrind-out-file=" + f] + cmd, capture_output=True, text=True, timeout=900,
                               env=env)
            if p.returncode != 0:
                FAILURES.append("calls callgrind %s: %s" % (v, p.stderr[-300:]))
                break
            ev, summ = None, None
            for line in open(f):
                if line.startswith("events:"):
                    ev = line.split()[1:]
                elif line.startswith("summary:"):
                    summ = [int(x) for x in line.split()[1:]]
            tot.append(dict(zip(ev, summ)))
        if len(tot) != 2:
            continue
        d = {e: (tot[1][e] - tot[0][e]) / n for e in tot[0]}
        out.append("| %s | %s |" % (VARIANT_NAMES[v], " | ".join(
            "%.2f" % d.get(e, 0) for e in ("Ir", "Bc", "Bcm", "Bi", "Bim", "I1mr", "Dw"))))


def echo_rows(cfg):
    rows = []
    for wl, n, label in (("pingpong", cfg["ECHO_REQS"], "%d conns ping-pong 64 B" % cfg["ECHO_CONNS"]),
                         ("connect", cfg["CONNECT_CYCLES"], "connect+echo+close")):
        metrics = [("per_sec", "higher"), ("server_cpu_us", "lower")]
        rows.append(Row("echo", "io_uring server, " + label,
                        {v: [prog(v, "echo"), "uring", wl, str(cfg["ECHO_CONNS"]), str(n)] for v in C_VARIANTS},
                        metrics))
        rows.append(Row("echo", "epoll server, " + label + " (no liburing)",
                        {"ref": [prog("ref", "echo"), "epoll", wl, str(cfg["ECHO_CONNS"]), str(n)]}, metrics))
    return rows


RBENCH = os.path.join(BENCH, "rust", "target", "release", "rbench")


def rust_rows(cfg, path):
    names = None
    rows = []
    for b in (1, 8, 32, 128):
        rows.append(Row("rust", "NOP batch %d" % b,
                        {v: [RBENCH, "nop", v, str(b), str(cfg["NOP_OPS"])] for v in ("io-uring", "uring")},
                        [("ops_per_sec", "higher")], names))
    for mode in ("read", "fixed"):
        for qd in (1, 32, 128):
            rows.append(Row("rust", "buffered %s QD %d" % ("read" if mode == "read" else "read_fixed", qd),
                            {v: [RBENCH, "read", v, mode, "buffered", str(qd), str(cfg["READS"]), path]
                             for v in ("io-uring", "uring")},
                            [("iops", "higher")], names))
    # The typed low-level layer (uring::api::op + SubmissionQueue + completions_raw),
    # side by side with the io-uring crate in the same rounds.
    for b in (1, 8, 32, 128):
        rows.append(Row("rust", "NOP batch %d, typed layer" % b,
                        {"io-uring": [RBENCH, "nop", "io-uring", str(b), str(cfg["NOP_OPS"])],
                         "uring": [RBENCH, "nop", "uring-op", str(b), str(cfg["NOP_OPS"])]},
                        [("ops_per_sec", "higher")], {"io-uring": "io-uring crate", "uring": "uring typed layer"}))
    return rows


# ---------------------------------------------------------------- callgrind / strace

ALLOC_RE = re.compile(r"^(malloc|calloc|realloc|free|posix_memalign|aligned_alloc|memalign|__rust_alloc\w*|"
                      r"__rust_dealloc|__rust_realloc|__rdl_\w+|cfree)$")
LOCK_RE = re.compile(r"(pthread_mutex|pthread_rwlock|pthread_spin|__lll_lock|futex|sem_wait|sem_post|"
                     r"pthread_cond)")


def callgrind(cmd, out):
    env = None
    if cmd[0] == "env":  # calls_cmd's "env LD_LIBRARY_PATH=... prog": valgrind gets the variable
        env = dict(os.environ)
        env["LD_LIBRARY_PATH"] = cmd[1].split("=", 1)[1]
        cmd = cmd[2:]
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out] + cmd,
                       capture_output=True, text=True, timeout=600, env=env)
    if p.returncode != 0:
        raise RuntimeError("callgrind %s: %s" % (" ".join(cmd), p.stderr[-600:]))
    calls = {}
    costs = cgsum.parse(out, calls)
    return costs, calls


def cg_delta(cmd_n, cmd_2n, ops, tmp, tag):
    """Per-op self Ir by (object, function) and per-op call counts: (run 2N) - (run N)."""
    c1, k1 = callgrind(cmd_n, os.path.join(tmp, tag + ".1"))
    c2, k2 = callgrind(cmd_2n, os.path.join(tmp, tag + ".2"))
    costs = {key: (c2.get(key, 0) - c1.get(key, 0)) / ops for key in set(c1) | set(c2)}
    calls = {key: (k2.get(key, 0) - k1.get(key, 0)) / ops for key in set(k1) | set(k2)}
    return costs, calls


def callgrind_section(cfg, out, summary):
    if not shutil.which("valgrind"):
        out.append("\nvalgrind not installed: n/a")
        return
    tmp = os.path.join(BENCH, "build", "callgrind")
    os.makedirs(tmp, exist_ok=True)
    n = cfg["CG_OPS"]
    results = {}
    hot = {}
    allfns = {}
    allocs = []
    for reap in ("peek", "foreach"):
        for b in (1, 8, 32, 128):
            for v in C_VARIANTS:
                app = prog(v, "nop")
                costs, calls = cg_delta([app, str(b), str(n), reap], [app, str(b), str(2 * n), reap],
                                        n, tmp, "nop-%s-%s-%d" % (v, reap, b))
                split = {"app": 0.0, "liburing": 0.0, "libc": 0.0, "ld.so": 0.0, "other": 0.0}
                for (ob, fn), ir in costs.items():
                    split[cgsum.classify(ob, app)] += ir
                results[(reap, b, v)] = split
                if v == "ours":
                    hot[(reap, b)] = sorted(((ir, fn) for (ob, fn), ir in costs.items()
                                             if cgsum.classify(ob, app) == "liburing" and ir > 0.05),
                                            reverse=True)
                allfns[(reap, b, v)] = sorted(((ir, fn, cgsum.classify(ob, app)) for (ob, fn), ir in costs.items()
                                               if ir > 0.05), reverse=True)
                bad = {k: c for k, c in calls.items() if (ALLOC_RE.match(k) or LOCK_RE.search(k)) and c > 0.001}
                allocs.append(("NOP batch %d %s" % (b, reap), v, bad))
            # 2.15's header (helpers inlined) on our .so: what our library costs when the
            # calls to the per-SQE/CQE helpers are taken out of the picture.
            cmd = calls_cmd("h215-ours", "nop", [str(b), str(n), reap])
            costs, _calls = cg_delta(cmd, cmd[:-2] + [str(2 * n), reap], n, tmp, "nop-h215ours-%s-%d" % (reap, b))
            results[(reap, b, "h215-ours")] = {"total": sum(costs.values())}
    out.append("")
    out.append("User-space instructions per NOP (callgrind, self cost, run of %d NOPs minus run of %d; "
               "`app` is the benchmark program, including everything the header it was built against "
               "inlines; `lib` is liburing.so; totals include libc, ld.so and the rest)." % (2 * n, n))
    out.append("")
    out.append("| batch, reap | 2.3 app | 2.3 lib | 2.3 total | 2.15 app | 2.15 lib | 2.15 total "
               "| ours app | ours lib | ours total | ours/2.3 | ours/2.15 | 2.15 header on our .so | that/2.15 |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for reap in ("peek", "foreach"):
        for b in (1, 8, 32, 128):
            r, r5, o = (results[(reap, b, v)] for v in C_VARIANTS)
            tr, t5, to = sum(r.values()), sum(r5.values()), sum(o.values())
            th = results[(reap, b, "h215-ours")]["total"]
            out.append("| %d, %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | **%.2f** | **%.2f** "
                       "| %.1f | **%.2f** |" % (
                           b, reap, r["app"], r["liburing"], tr, r5["app"], r5["liburing"], t5,
                           o["app"], o["liburing"], to, to / tr, to / t5, th, th / t5))
            summary["instr"].append((b, reap, tr, t5, to))
    out.append("")
    out.append("(ld.so/other are < 0.5 instructions per NOP in every row and are included in the totals. "
               "`2.15 header on our .so`: the 2.15 build run on our library, its helpers inlined.)"
               if all(results[k]["ld.so"] + results[k]["other"] < 0.5 for k in results if "ld.so" in results[k])
               else "(totals include ld.so/other: %s)" % {"%s/%d/%s" % k: round(results[k]["ld.so"] + results[k]["other"], 1)
                                                         for k in results if "ld.so" in results[k]})
    out.append("")
    out.append("Hot spots in our library (self instructions per NOP, peek_batch_cqe reap):")
    out.append("")
    out.append("| function | batch 1 | batch 8 | batch 32 | batch 128 |")
    out.append("|---|---:|---:|---:|---:|")
    fns = []
    for b in (1, 8, 32, 128):
        for ir, fn in hot[("peek", b)]:
            if fn not in fns:
                fns.append(fn)
    per = {b: {fn: ir for ir, fn in hot[("peek", b)]} for b in (1, 8, 32, 128)}
    fns.sort(key=lambda f: -per[1].get(f, 0) - per[32].get(f, 0))
    for fn in fns[:15]:
        out.append("| `%s` | %s |" % (fn, " | ".join("%.1f" % per[b].get(fn, 0) for b in (1, 8, 32, 128))))
    out.append("")
    out.append("for_each_cqe reap, batch 32: " + ", ".join(
        "`%s` %.1f" % (fn, ir) for ir, fn in hot[("foreach", 32)][:8]))
    for b in (1, 32):
        out.append("")
        out.append("Every function with self cost, batch %d, peek_batch_cqe reap (instructions per NOP, [object]):" % b)
        for v in C_VARIANTS:
            out.append("")
            out.append("- %s: %s" % (LIB_LABEL[v], ", ".join(
                "`%s` %.1f [%s]" % (fn, ir, cls) for ir, fn, cls in allfns[("peek", b, v)][:14])))

    # The Rust benchmark's NOP loop, whole process (no library split: it is one binary).
    if os.path.exists(RBENCH):
        out.append("")
        out.append("Rust NOP loop, user-space instructions per NOP (whole process):")
        out.append("")
        out.append("| batch | io-uring crate | uring (ours) | ours/io-uring |")
        out.append("|---|---:|---:|---:|")
        for b in (1, 8, 32, 128):
            tot = {}
            for v in ("io-uring", "uring"):
                costs, calls = cg_delta([RBENCH, "nop", v, str(b), str(n)], [RBENCH, "nop", v, str(b), str(2 * n)],
                                        n, tmp, "rust-%s-%d" % (v, b))
                tot[v] = sum(costs.values())
                bad = {k: c for k, c in calls.items() if (ALLOC_RE.match(k) or LOCK_RE.search(k)) and c > 0.001}
                allocs.append(("Rust NOP batch %d" % b, v, bad))
            out.append("| %d | %.1f | %.1f | **%.2f** |" % (b, tot["io-uring"], tot["uring"], tot["uring"] / tot["io-uring"]))
            summary["rust_instr"].append((b, tot["io-uring"], tot["uring"]))
            summary.setdefault("rust_io_uring_instr", {})[b] = tot["io-uring"]

        # The typed low-level layer against the same io-uring runs.
        out.append("")
        out.append("Rust typed low-level layer (`uring::api::op` + `SubmissionQueue` + `completions_raw`), "
                   "user-space instructions per NOP (whole process):")
        out.append("")
        out.append("| batch | io-uring crate | uring typed layer | typed/io-uring |")
        out.append("|---|---:|---:|---:|")
        for b in (1, 8, 32, 128):
            costs, calls = cg_delta([RBENCH, "nop", "uring-op", str(b), str(n)],
                                    [RBENCH, "nop", "uring-op", str(b), str(2 * n)], n, tmp, "rust-uring-op-%d" % b)
            typed = sum(costs.values())
            ref = summary["rust_io_uring_instr"][b]
            bad = {k: c for k, c in calls.items() if (ALLOC_RE.match(k) or LOCK_RE.search(k)) and c > 0.001}
            allocs.append(("Rust typed-layer NOP batch %d" % b, "uring-op", bad))
            out.append("| %d | %.1f | %.1f | **%.2f** |" % (b, ref, typed, typed / ref))
            summary.setdefault("rust_op_instr", []).append((b, ref, typed))

    # Reads: allocation/lock check on the read and read_fixed paths too.
    path = summary["data_file"]
    if path:
        for mode in ("read", "fixed"):
            for v in C_VARIANTS:
                app = prog(v, "read")
                nn = cfg["CG_READS"]
                try:
                    _costs, calls = cg_delta([app, mode, "buffered", "32", str(nn), path],
                                             [app, mode, "buffered", "32", str(2 * nn), path],
                                             nn, tmp, "read-%s-%s" % (v, mode))
                except RuntimeError as e:
                    allocs.append(("buffered %s QD 32" % mode, v, {"(callgrind failed: %s)" % str(e)[:200]: 0}))
                    continue
                bad = {k: c for k, c in calls.items() if (ALLOC_RE.match(k) or LOCK_RE.search(k)) and c > 0.001}
                allocs.append(("buffered %s QD 32" % mode, v, bad))
    summary["allocs"] = allocs
    summary["hot"] = hot


def lock_scan(fns):
    """Atomic read-modify-write / fence instructions in our library's hot functions."""
    lib = prog("ours", "lib/liburing.so.2")
    if not shutil.which("objdump"):
        return None
    p = subprocess.run(["objdump", "-d", "--no-show-raw-insn", "-C", lib], capture_output=True, text=True)
    found = {}
    cur = None
    for line in p.stdout.splitlines():
        m = re.match(r"^[0-9a-f]+ <(.+)>:$", line)
        if m:
            cur = m.group(1).split("@")[0]
            continue
        if cur in fns and re.search(r"\t(lock |xchg|mfence|cmpxchg)", line):
            found.setdefault(cur, []).append(line.split("\t", 1)[-1].strip())
    return found


def sqpoll_section(cfg, out, summary):
    if not shutil.which("strace"):
        out.append("\nstrace not installed: n/a")
        return
    tmp = os.path.join(BENCH, "build")
    n = cfg["SQPOLL_OPS"]
    out.append("")
    out.append("io_uring_enter calls for %d NOPs in batches of 32 (`strace -c -f -e trace=io_uring_enter`):" % n)
    out.append("")
    out.append("| library | without SQPOLL | with SQPOLL | reduction |")
    out.append("|---|---:|---:|---:|")
    for v in C_VARIANTS:
        counts = {}
        for mode in ("plain", "sqpoll"):
            f = os.path.join(tmp, "strace-%s-%s.txt" % (v, mode))
            p = subprocess.run(["strace", "-c", "-f", "-e", "trace=io_uring_enter", "-o", f,
                                prog(v, "sqpoll"), mode, str(n), "32"], capture_output=True, text=True, timeout=300)
            if p.returncode == 77:
                counts[mode] = "n/a"
                continue
            if p.returncode != 0:
                FAILURES.append("sqpoll strace %s %s: %s" % (v, mode, p.stderr[-300:]))
                counts[mode] = "FAIL"
                continue
            c = 0
            for line in open(f):
                fl = line.split()
                if fl and fl[-1] == "io_uring_enter":
                    c = int(fl[3])
            counts[mode] = c
        red = ""
        if isinstance(counts.get("plain"), int) and isinstance(counts.get("sqpoll"), int) and counts["plain"]:
            red_v = 100.0 * (1 - counts["sqpoll"] / counts["plain"])
            red = "%.2f%%" % red_v
            summary["sqpoll"][v] = red_v
        out.append("| %s | %s | %s | %s |" % (LIB_LABEL[v], counts.get("plain"),
                                               counts.get("sqpoll"), red))


# ------------------------------------------------------------------------------ main


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def main():
    cfg = config()
    t_start = time.time()
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    resdir = os.path.join(BENCH, "results")
    os.makedirs(resdir, exist_ok=True)
    cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
    out = ["# uring benchmark report", "",
           "- date: %s" % datetime.datetime.now().strftime("%Y-%m-%d %H:%M %Z").strip(),
           "- kernel: %s" % platform.release(),
           "- CPU: %s, %d cores; load average at the start %s (anything else running on these cores "
           "moves the wall-clock figures; callgrind and strace figures do not depend on it)" % (
               cpu, os.cpu_count(), " ".join("%.2f" % x for x in os.getloadavg())),
           "- references: Debian liburing %s (2.3, /usr/include + -luring) and liburing 2.15 built from the "
           "crates.io `axboe-liburing` 2.15.0 sources (bench/build/ref215-src, its own -O3 build); "
           "ours: target/release/liburing.so built from the work tree at "
           "commit %s (snapshot in bench/build/ours/lib)" % (
               sh("dpkg-query -W -f='${Version}' liburing2") or "?",
               sh("git -C %s rev-parse --short HEAD" % ROOT) or "?"),
           "- config: %s" % " ".join("%s=%s" % (k, v) for k, v in cfg.items() if k != "SCENARIOS"),
           "- scenarios: %s" % ",".join(cfg["SCENARIOS"]),
           "",
           "Ratio convention: every ratio is ours / reference, computed per round (rounds interleave the two "
           "variants). For throughput (ops/s, IOPS, per s) > 1 means ours is faster; for costs (server CPU us, "
           "instructions) < 1 means ours is cheaper. Rust rows: reference = the io-uring crate."]
    summary = {"instr": [], "rust_instr": [], "sqpoll": {}, "allocs": [], "hot": {}, "data_file": None,
               "copy": {}, "budget_over": None}

    need_file = any(s in cfg["SCENARIOS"] for s in ("read", "rust", "callgrind", "copy", "curve", "calls"))
    path = data_file(cfg) if need_file else None
    summary["data_file"] = path

    timed = []  # (section title, rows, before-round hook)
    if "nop" in cfg["SCENARIOS"]:
        timed.append(("NOP throughput (C, ring of 128, submit_and_wait per batch)", nop_rows(cfg), None))
    if "sqpoll" in cfg["SCENARIOS"]:
        timed.append(("SQPOLL vs plain NOP throughput (C, spin on io_uring_cq_ready)", sqpoll_rows(cfg), None))
    if "read" in cfg["SCENARIOS"]:
        rr = read_rows(cfg, path)
        timed.append(("4 KiB random reads, page cache warm (C, %d MiB file)" % cfg["FILE_MB"], rr["buffered"],
                      lambda: warm(path)))
        timed.append(("4 KiB random reads, O_DIRECT (C, %d MiB file)" % cfg["FILE_MB"], rr["direct"], None))
    if "copy" in cfg["SCENARIOS"]:
        timed.append(("File copy, page cache warm (C)", copy_rows(cfg, path), lambda: warm(path)))
    if "echo" in cfg["SCENARIOS"]:
        timed.append(("TCP echo on 127.0.0.1 (C)", echo_rows(cfg), None))
    if "calls" in cfg["SCENARIOS"]:
        cr = calls_rows(cfg, path)
        timed.append(("Cost of calling our exported helpers, library held fixed: reads (C)", cr[:1], lambda: warm(path)))
        timed.append(("Cost of calling our exported helpers, library held fixed: NOPs (C)", cr[1:], None))
    if "rust" in cfg["SCENARIOS"]:
        if os.path.exists(RBENCH):
            rr = rust_rows(cfg, path)
            timed.append(("Rust API, NOPs: uring::Ring vs the io-uring crate", rr[:4], None))
            timed.append(("Rust API, 4 KiB random reads, page cache warm: uring::Ring vs the io-uring crate",
                          rr[4:10], lambda: warm(path)))
            timed.append(("Rust low-level layer, NOPs: uring::api::op vs the io-uring crate", rr[10:], None))
        else:
            out.append("\n## Rust\n\nn/a: %s was not built" % RBENCH)
            FAILURES.append("rust benchmark not built")

    for rnd in range(1, cfg["ROUNDS"] + 1):
        print("round %d/%d (%.0fs elapsed)" % (rnd, cfg["ROUNDS"], time.time() - t_start), flush=True)
        for _title, rows, hook in timed:
            if hook:
                hook()
            for r in rows:
                r.run_round(rnd)

    for title, rows, _hook in timed:
        out.append("")
        out.append("## " + title)
        table(rows, out)
        if title.startswith("TCP"):
            out.append("")
            out.append("io_uring server: multishot accept, multishot recv from a provided-buffer ring "
                       "(reference: mmap + io_uring_register_buf_ring; ours: io_uring_setup_buf_ring), "
                       "send from the received buffer, close via io_uring. epoll server: level-triggered "
                       "epoll + accept4/read/write/close. Same client for all.")

    if "sqpoll" in cfg["SCENARIOS"]:
        print("sqpoll: counting io_uring_enter with strace", flush=True)
        out.append("")
        out.append("## SQPOLL: io_uring_enter count")
        sqpoll_section(cfg, out, summary)
    if "calls" in cfg["SCENARIOS"] and shutil.which("valgrind"):
        print("calls: simulated branches and caches (callgrind)", flush=True)
        out.append("")
        out.append("## Calls vs inlined helpers: simulated branch and cache behaviour")
        calls_section(cfg, path, out)
    if "copy" in cfg["SCENARIOS"]:
        print("copy: counting syscalls with strace", flush=True)
        out.append("")
        out.append("## Syscalls per MiB: batched io_uring copy vs a read/write loop")
        copy_section(cfg, path, out, summary)
    if "budget" in cfg["SCENARIOS"] and shutil.which("valgrind"):
        print("budget: instructions per function (callgrind)", flush=True)
        out.append("")
        out.append("## Instruction budget per function (callgrind)")
        try:
            summary["budget_over"] = budget.report(budget.measure(cfg["BUDGET_ROUNDS"]), out)
        except RuntimeError as e:
            FAILURES.append("budget: %s" % e)
    if "curve" in cfg["SCENARIOS"]:
        print("curve: cost per operation against batch size and queue depth", flush=True)
        out.append("")
        out.append("## Cost curve: batch size and queue depth")
        try:
            cres = curve.measure(cg_ops=max(cfg["CG_OPS"] // 4, 2000), nop_ops=max(cfg["NOP_OPS"] // 8, 100_000),
                                 reads=max(cfg["READS"] // 8, 10_000), rounds=cfg["CURVE_ROUNDS"], data_file=path,
                                 log=lambda m: print(m, flush=True))
            svgpath = os.path.join(resdir, "curve-%s.svg" % stamp)
            with open(svgpath, "w") as f:
                f.write(curve.svg(cres, "uring benchmark %s, commit %s; wall-clock panels: medians of %d rounds on a "
                                  "shared machine" % (stamp, sh("git -C %s rev-parse --short HEAD" % ROOT),
                                                      cfg["CURVE_ROUNDS"])))
            out.append("")
            out.append("Figure: `%s` (instructions from callgrind; wall clock medians of %d interleaved rounds)."
                       % (os.path.relpath(svgpath, BENCH), cfg["CURVE_ROUNDS"]))
            curve.table(cres, out)
        except RuntimeError as e:
            FAILURES.append("curve: %s" % e)
    if "callgrind" in cfg["SCENARIOS"]:
        print("callgrind: instruction counts", flush=True)
        out.append("")
        out.append("## Instructions per NOP (callgrind)")
        callgrind_section(cfg, out, summary)
        out.append("")
        out.append("## Heap allocation and locks on per-operation paths")
        out.append("")
        out.append("Calls per operation to allocator / lock functions (callgrind call counts, run 2N minus run N):")
        out.append("")
        for what, v, bad in summary["allocs"]:
            out.append("- %s, %s: %s" % (what, v, ", ".join("%s %.3f/op" % kv for kv in bad.items()) or "none"))
        hotfns = set()
        for lst in summary["hot"].values():
            hotfns.update(fn for _ir, fn in lst)
        found = lock_scan(hotfns)
        out.append("")
        if found is None:
            out.append("objdump not available: atomic-instruction scan skipped.")
        else:
            out.append("Atomic read-modify-write or fence instructions (lock/xchg/cmpxchg/mfence) present in the code "
                       "of our library's functions on the NOP path (static scan: present, not necessarily executed) "
                       "(%s): %s" % (", ".join(sorted(hotfns)) or "-",
                                                              "; ".join("%s: %s" % (k, ", ".join(v))
                                                                        for k, v in found.items()) or "none"))

    # Targets.
    out.append("")
    out.append("## Targets")
    out.append("")
    for refv in ("ref", "ref215", "io-uring"):
        thr = []
        for title, rows, _ in timed:
            for r in rows:
                for m, better in r.metrics:
                    mr = r.median_ratio.get((m, refv))
                    if mr is not None and better == "higher":
                        thr.append((title.split(" (")[0].split(":")[0], r.label, mr, r.ratios[(m, refv)]))
        if not thr:
            continue
        below = [t for t in thr if t[2] < 1.0]
        always = [t for t in below if max(t[3]) < 1.0]
        mixed = [t for t in below if max(t[3]) >= 1.0]
        out.append("- throughput ours/%s >= 1.00 (median of the per-round ratios): %d of %d rows met."
                   % (VARIANT_NAMES[refv], len(thr) - len(below), len(thr)))
        if always:
            out.append("  - below in every round: " + "; ".join("%s / %s %.3f" % t[:3] for t in always))
        if mixed:
            out.append("  - median below 1 but at least one round >= 1 (within the noise): "
                       + "; ".join("%s / %s %.3f" % t[:3] for t in mixed))
    if summary["instr"]:
        worse = [(b, reap, to / tr) for b, reap, tr, _t5, to in summary["instr"] if to > tr]
        out.append("- user instructions per NOP <= 2.3: %s" % (
            "met at every batch" if not worse else
            "missed at " + ", ".join("batch %d %s (%.2fx)" % w for w in worse)))
        worse = [(b, reap, to / t5) for b, reap, _tr, t5, to in summary["instr"] if to > 1.10 * t5]
        out.append("- user instructions per NOP <= 1.10x 2.15: %s (ratios: %s)" % (
            "met at every batch" if not worse else
            "missed at " + ", ".join("batch %d %s (%.2fx)" % w for w in worse),
            ", ".join("%d %s %.2fx" % (b, reap, to / t5) for b, reap, _tr, t5, to in summary["instr"])))
    if summary["budget_over"] is not None:
        out.append("- per-function budgets (2.15 + call overhead, see the budget table): %s" % (
            "met for every function" if not summary["budget_over"] else
            "over for " + ", ".join("`%s` (%.1f > %.1f)" % o for o in summary["budget_over"])))
    if summary["copy"]:
        out.append("- batched copy makes >= 2x fewer syscalls per MiB than a read/write loop: %s" % ", ".join(
            "%s %.1fx (%s)" % (LIB_LABEL[v], b / t if t > 0 else 0, "met" if 0 < t and b >= 2 * t else "missed")
            for v, (b, t) in summary["copy"].items()))
    for title, rows, _ in timed:
        if not title.startswith("TCP"):
            continue
        for kind in ("64 conns ping-pong", "connect+echo+close"):
            ur = [r for r in rows if r.label.startswith("io_uring") and kind.split()[-1] in r.label]
            ep = [r for r in rows if r.label.startswith("epoll") and kind.split()[-1] in r.label]
            if not (ur and ep) or ur[0].status.get("ours") != "ok" or ep[0].status.get("ref") != "ok":
                continue
            u, e = ur[0].samples["ours"], ep[0].samples["ref"]
            rate = [a / b for a, b in zip(u["per_sec"], e["per_sec"]) if a and b]
            cpu = [a / b for a, b in zip(u["server_cpu_us"], e["server_cpu_us"]) if a and b]
            if rate and cpu:
                out.append("- echo server, %s, ours (io_uring) / epoll server, median per-round ratio: %.2fx the "
                           "rate, %.2fx the server CPU per %s" % (
                               ur[0].label.split(", ", 1)[1], statistics.median(rate), statistics.median(cpu),
                               "connection" if "connect" in kind else "request"))
    if summary["rust_instr"]:
        worse = [(b, u / i) for b, i, u in summary["rust_instr"] if u > i]
        out.append("- for information (not a target): the liburing-style Rust path (`Ring::get_sqe` + "
                   "`prep`, one call per SQE, no batch view) against the io-uring crate, instructions per "
                   "NOP: %s" % (
            "at or below the crate at every batch" if not worse else
            "above the crate at " + ", ".join("batch %d (%.2fx)" % w for w in worse)))
    if summary.get("rust_op_instr"):
        worse = [(b, u / i) for b, i, u in summary["rust_op_instr"] if u > i]
        out.append("- Rust low-level layer (`uring::api`, the typed layer) instructions per NOP <= "
                   "io-uring crate: %s" % (
            "met at every batch" if not worse else
            "missed at " + ", ".join("batch %d (%.2fx)" % w for w in worse)))
    if summary["sqpoll"]:
        out.append("- SQPOLL cuts io_uring_enter >= 90%%: %s" % ", ".join(
            "%s %.2f%% (%s)" % (LIB_LABEL[v], r, "met" if r >= 90 else "missed")
            for v, r in summary["sqpoll"].items()))
    out.append("")
    out.append("Run time: %.0f s; load average at the end %s. Failures: %s" % (
        time.time() - t_start, " ".join("%.2f" % x for x in os.getloadavg()), "; ".join(FAILURES) or "none"))

    text = "\n".join(out) + "\n"
    rep = os.path.join(resdir, "report-%s.md" % stamp)
    with open(rep, "w") as f:
        f.write(text)
    raw = {}
    for title, rows, _ in timed:
        for r in rows:
            raw["%s | %s" % (title, r.label)] = {"samples": r.samples, "status": r.status, "notes": r.notes}
    with open(os.path.join(resdir, "raw-%s.json" % stamp), "w") as f:
        json.dump(raw, f, indent=1)
    print(text)
    print("report written to %s" % rep)
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
