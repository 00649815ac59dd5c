#!/usr/bin/env python3
"""Cost per operation against batch size and queue depth, for 2.3, 2.15 and ours, as an SVG.

Three panels:
  1. user-space instructions per NOP (callgrind, exact) against the batch size 1 ... 1024
     (ring of max(128, batch) entries, peek_batch_cqe reap);
  2. wall-clock nanoseconds per NOP against the batch size (median of interleaved rounds);
  3. wall-clock nanoseconds per 4 KiB page-cache read against the queue depth 1 ... 128.

Used by run.py (scenario `curve`); standalone: curve.py [out.svg] (quick sizes). The SVG is
written by hand (no plotting library): log2 x axis, linear y axis from 0.
"""
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cgsum  # noqa: E402

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VARIANTS = ("ref", "ref215", "ours")
LABELS = {"ref": "liburing 2.3 (Debian)", "ref215": "liburing 2.15", "ours": "uring (ours)"}
COLORS = {"ref": "#888888", "ref215": "#1f77b4", "ours": "#d62728"}
BATCHES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
DEPTHS = (1, 2, 4, 8, 16, 32, 64, 128)


def prog(v, name):
    return os.path.join(BENCH, "build", v, name)


def _result(cmd, key):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), p.returncode, p.stderr[-300:]))
    for line in p.stdout.splitlines():
        f = line.split()
        if len(f) == 3 and f[0] == "RESULT" and f[1] == key:
            return float(f[2])
    raise RuntimeError("%s printed no RESULT %s" % (" ".join(cmd), key))


def _cg_total(cmd, out):
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out] + cmd,
                       capture_output=True, text=True, timeout=900)
    if p.returncode != 0:
        raise RuntimeError("callgrind %s: %s" % (" ".join(cmd), p.stderr[-300:]))
    return sum(cgsum.parse(out).values())


def measure(cg_ops=6400, nop_ops=400_000, reads=40_000, rounds=3, data_file=None, tmp=None, log=print):
    """Returns {"instr": {v: {batch: Ir/NOP}}, "nop_ns": {v: {batch: ns}}, "read_ns": {v: {qd: ns}}}."""
    tmp = tmp or os.path.join(BENCH, "build", "callgrind")
    os.makedirs(tmp, exist_ok=True)
    res = {"instr": {v: {} for v in VARIANTS}, "nop_ns": {v: {} for v in VARIANTS},
           "read_ns": {v: {} for v in VARIANTS}}
    log("curve: instructions per NOP, batch 1..1024 (callgrind)")
    for b in BATCHES:
        entries = str(max(128, b))
        n = max(cg_ops, 8 * b)
        n -= n % b
        for v in VARIANTS:
            app = prog(v, "nop")
            t1 = _cg_total([app, str(b), str(n), "peek", entries], os.path.join(tmp, "curve-%s-%d.1" % (v, b)))
            t2 = _cg_total([app, str(b), str(2 * n), "peek", entries], os.path.join(tmp, "curve-%s-%d.2" % (v, b)))
            res["instr"][v][b] = (t2 - t1) / n
    log("curve: wall-clock per NOP and per read (%d interleaved rounds)" % rounds)
    samples_nop = {v: {b: [] for b in BATCHES} for v in VARIANTS}
    samples_read = {v: {q: [] for q in DEPTHS} for v in VARIANTS}
    for rnd in range(rounds):
        order = list(VARIANTS) if rnd % 2 == 0 else list(reversed(VARIANTS))
        for b in BATCHES:
            n = max(nop_ops, 16 * b)
            n -= n % b
            for v in order:
                ops = _result([prog(v, "nop"), str(b), str(n), "peek", str(max(128, b))], "ops_per_sec")
                samples_nop[v][b].append(1e9 / ops)
        if data_file:
            for q in DEPTHS:
                for v in order:
                    iops = _result([prog(v, "read"), "read", "buffered", str(q), str(reads), data_file], "iops")
                    samples_read[v][q].append(1e9 / iops)
    for v in VARIANTS:
        res["nop_ns"][v] = {b: statistics.median(xs) for b, xs in samples_nop[v].items() if xs}
        res["read_ns"][v] = {q: statistics.median(xs) for q, xs in samples_read[v].items() if xs}
    return res


def _panel(x0, y0, w, h, title, xlabel, ylabel, series, xs):
    """One chart as SVG elements: series = [(variant, {x: y})]."""
    import math
    out = []
    left, right, top, bottom = 58, 10, 28, 42
    pw, ph = w - left - right, h - top - bottom
    ymax = max((y for _v, pts in series for y in pts.values()), default=1.0)
    # a round upper bound: 1, 2 or 5 times a power of ten
    mag = 10 ** math.floor(math.log10(ymax)) if ymax > 0 else 1
    top_val = next(m * mag for m in (1, 2, 5, 10) if m * mag >= ymax)
    lx = [math.log2(x) for x in xs]
    xmin, xmax = min(lx), max(lx)

    def px(x):
        return x0 + left + (math.log2(x) - xmin) / ((xmax - xmin) or 1) * pw

    def py(y):
        return y0 + top + ph - y / top_val * ph

    out.append('<text x="%.1f" y="%.1f" font-size="13" font-weight="bold" text-anchor="middle">%s</text>'
               % (x0 + left + pw / 2, y0 + 16, title))
    for i in range(6):
        yv = top_val * i / 5
        yy = py(yv)
        out.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e0e0e0"/>' % (x0 + left, yy, x0 + left + pw, yy))
        out.append('<text x="%.1f" y="%.1f" font-size="10" text-anchor="end">%g</text>' % (x0 + left - 4, yy + 3, yv))
    for x in xs:
        xx = px(x)
        out.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#f0f0f0"/>' % (xx, y0 + top, xx, y0 + top + ph))
        out.append('<text x="%.1f" y="%.1f" font-size="10" text-anchor="middle">%d</text>' % (xx, y0 + top + ph + 13, x))
    out.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#333"/>' % (x0 + left, y0 + top, pw, ph))
    out.append('<text x="%.1f" y="%.1f" font-size="11" text-anchor="middle">%s</text>' % (x0 + left + pw / 2, y0 + h - 8, xlabel))
    out.append('<text x="%.1f" y="%.1f" font-size="11" text-anchor="middle" transform="rotate(-90 %.1f %.1f)">%s</text>'
               % (x0 + 14, y0 + top + ph / 2, x0 + 14, y0 + top + ph / 2, ylabel))
    for v, pts in series:
        ks = [x for x in xs if x in pts]
        if not ks:
            continue
        path = " ".join("%.1f,%.1f" % (px(x), py(pts[x])) for x in ks)
        dash = ' stroke-dasharray="5,3"' if v == "ref" else ""
        out.append('<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"/>' % (COLORS[v], dash, path))
        for x in ks:
            out.append('<circle cx="%.1f" cy="%.1f" r="2.5" fill="%s"><title>%s, %d: %.1f</title></circle>'
                       % (px(x), py(pts[x]), COLORS[v], LABELS[v], x, pts[x]))
    return out


def svg(res, note=""):
    w, h = 420, 300
    panels = [("User instructions per NOP (callgrind)", "batch size (SQEs per submit)", "instructions / NOP",
               res["instr"], BATCHES),
              ("Wall time per NOP", "batch size (SQEs per submit)", "ns / NOP", res["nop_ns"], BATCHES),
              ("Wall time per 4 KiB page-cache read", "queue depth (reads in flight)", "ns / read", res["read_ns"], DEPTHS)]
    panels = [p for p in panels if any(p[3][v] for v in VARIANTS)]
    total_w = w * len(panels)
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif">' % (total_w, h + 40),
           '<rect width="100%" height="100%" fill="white"/>']
    for i, (title, xl, yl, data, xs) in enumerate(panels):
        out += _panel(i * w, 0, w, h, title, xl, yl, [(v, data[v]) for v in VARIANTS], xs)
    lx = 60
    for v in VARIANTS:
        out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"%s/>'
                   % (lx, h + 12, lx + 24, h + 12, COLORS[v], ' stroke-dasharray="5,3"' if v == "ref" else ""))
        out.append('<text x="%d" y="%d" font-size="11">%s</text>' % (lx + 30, h + 16, LABELS[v]))
        lx += 190
    if note:
        out.append('<text x="%d" y="%d" font-size="10" fill="#555">%s</text>' % (60, h + 34, note))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def table(res, out):
    """Markdown tables of the curve's data."""
    for key, what, xs, xname in (("instr", "user instructions per NOP (callgrind)", BATCHES, "batch"),
                                 ("nop_ns", "ns per NOP (wall clock, median)", BATCHES, "batch"),
                                 ("read_ns", "ns per page-cache read (wall clock, median)", DEPTHS, "QD")):
        if not any(res[key][v] for v in VARIANTS):
            continue
        out.append("")
        out.append(what[0].upper() + what[1:] + ":")
        out.append("")
        out.append("| %s | %s | ours/2.15 |" % (xname, " | ".join(LABELS[v] for v in VARIANTS)))
        out.append("|---:|" + "---:|" * (len(VARIANTS) + 1))
        for x in xs:
            vals = [res[key][v].get(x) for v in VARIANTS]
            if None in vals:
                continue
            out.append("| %d | %s | %.2f |" % (x, " | ".join("%.1f" % y for y in vals), vals[2] / vals[1]))


if __name__ == "__main__":
    dest = sys.argv[1] if len(sys.argv) > 1 else os.path.join(BENCH, "results", "curve.svg")
    data = os.environ.get("BENCH_CURVE_FILE")
    r = measure(cg_ops=2000, nop_ops=200_000, reads=20_000, rounds=1, data_file=data)
    with open(dest, "w") as f:
        f.write(svg(r))
    lines = []
    table(r, lines)
    print("\n".join(lines))
    print("written %s" % dest)
