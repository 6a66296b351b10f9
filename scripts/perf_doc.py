#!/usr/bin/python3
"""scripts/perf_doc.py — assembles docs/PERFORMANCE.md from one real `ccbench run`.

Inputs: the results JSON of the run, the markdown table the same run printed
(`ccbench run --format markdown`), and docs/performance-notes.md (the hand-written explanation,
one `## workload` section each). Output (stdout): the document — how it was produced, the machine
context recorded in the JSON, the side-by-side table with ratios exactly as ccbench printed it, a
summary of the ratios per workload, the #8 targets checked against the run's own numbers, then
the notes. Numbers come only from the run; nothing here measures.
Exit 2 (one line on stderr, no document) on unreadable input, on results of an interrupted run
(`context.interrupted` set: they hold only the points finished before the signal, and would
become the document as if they were the whole run), and on an "ok" entry whose median_ns is not
a positive number (no ratio can be taken of it).
"""
import json
import math
import sys


class BadInput(Exception):
    """The results cannot become the document (exit 2)."""


def ratio_table(entries):
    med = {}
    for e in entries:
        if e.get("status") == "ok" and isinstance(e.get("median_ns"), (int, float)):
            m = float(e["median_ns"])
            # A median of 0 (a Go child's timer too coarse for the op) has no ratio: it was a
            # ZeroDivisionError traceback (exit 1), though this script promises exit 2.
            if not (math.isfinite(m) and m > 0):
                raise BadInput(f"{e.get('name', '?')}: median_ns is {e['median_ns']}, not a positive number: "
                               "no ratio can be taken of it")
            med[(e["name"].rsplit("/impl:", 1)[0], e["impl"])] = m
    return med


def sample_ranges(entries):
    """(point, impl) -> (fastest, slowest) repetition, for the entries that recorded samples_ns."""
    rng = {}
    for e in entries:
        s = e.get("samples_ns")
        if e.get("status") == "ok" and isinstance(s, list) and s and all(isinstance(x, (int, float)) for x in s):
            rng[(e["name"].rsplit("/impl:", 1)[0], e["impl"])] = (min(s), max(s))
    return rng


def spread(rng, p, other):
    """' ...; repetitions a-b against c-d ns' when both sides recorded their samples, else ''."""
    c, o = rng.get((p, "ccbench")), rng.get((p, other))
    if not c or not o:
        return ""
    return (f"; repetitions {fmt_ns(c[0])}-{fmt_ns(c[1])} against {fmt_ns(o[0])}-{fmt_ns(o[1])} ns"
            + (", overlapping" if c[0] <= o[1] and o[0] <= c[1] else ""))


def geomean(vals):
    return math.exp(sum(math.log(v) for v in vals) / len(vals))


def by_workload(r_go, r_th):
    """Lines of the per-workload summary: for each workload, its points' ccbench/go ratios (best,
    geometric mean, worst, how many above 1.0) and the geometric mean of ccbench/threads."""
    names = sorted({p.split("/", 1)[0] for p in list(r_go) + list(r_th)})
    out = ["## Ratios by workload (from the table above)\n",
           "| workload | points vs Go | ccbench/go best | geomean | worst | points above Go "
           "| ccbench/threads geomean |",
           "|---|---|---|---|---|---|---|"]
    for w in names:
        g = [v for p, v in r_go.items() if p.split("/", 1)[0] == w]
        t = [v for p, v in r_th.items() if p.split("/", 1)[0] == w]
        gcols = (f"{len(g)} | {min(g):.3f}x | {geomean(g):.3f}x | {max(g):.3f}x | "
                 f"{sum(1 for v in g if v > 1.0)}") if g else "0 | – | – | – | –"
        tcol = f"{geomean(t):.3f}x" if t else "–"
        out.append(f"| {w} | {gcols} | {tcol} |")
    out.append("")
    return out


def fmt_ns(v):
    """Four significant digits, as the results table prints medians."""
    return f"{v:.4g}" if v < 1e4 else f"{v:.0f}"


# DISTURBED_CPUS: common/disturbance.hpp's kDisturbedOtherCpus, from which a point is disturbed.
DISTURBED_CPUS = 0.25


def disturbance_line(entries):
    """One line on the CPU other processes took while the points were measured (SCHEMA.md,
    `disturbance`), or None when no entry records it (results written before it existed)."""
    got = []
    for e in entries:
        d = e.get("disturbance")
        if isinstance(d, dict) and isinstance(d.get("other_cpus"), (int, float)):
            got.append((d["other_cpus"], e.get("name", "?")))
    if not got:
        return None
    got.sort()
    median = got[len(got) // 2][0] if len(got) % 2 else (got[len(got) // 2 - 1][0] + got[len(got) // 2][0]) / 2
    worst, name = got[-1]
    disturbed = sum(1 for v, _ in got if v >= DISTURBED_CPUS)
    return (f"- CPU used by other processes while the points were measured (`disturbance.other_cpus`, "
            f"{len(got)} of {len(entries)} entries): median {median:.3f}, at most {worst:.3f} (`{name}`); "
            f"{disturbed} entries at or above {DISTURBED_CPUS} CPUs (disturbed)")


def main() -> int:
    if len(sys.argv) != 4:
        print("usage: perf_doc.py RESULTS.json TABLE.md NOTES.md", file=sys.stderr)
        return 2
    try:
        with open(sys.argv[1], encoding="utf-8") as f:
            doc = json.load(f)
        with open(sys.argv[2], encoding="utf-8") as f:
            table = f.read().strip()
        with open(sys.argv[3], encoding="utf-8") as f:
            notes = f.read().strip()
        ctx, entries = doc["context"], doc["benchmarks"]
        if not isinstance(ctx, dict) or not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise ValueError("expected a ccbench results file: a \"context\" object and a \"benchmarks\" array of objects")
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"perf_doc: {e}", file=sys.stderr)
        return 2
    stop = ctx.get("interrupted")
    if stop is not None:
        what = (f"{stop.get('signal', '?')} after {stop.get('points_done', '?')} of {stop.get('points_planned', '?')} points"
                if isinstance(stop, dict) else json.dumps(stop))
        print(f"perf_doc: {sys.argv[1]}: the run was interrupted ({what}): it holds only the points finished "
              "before the signal; finish it (ccbench run … --resume FILE) before making the document from it",
              file=sys.stderr)
        return 2
    try:
        return write_doc(ctx, entries, table, notes)
    except BadInput as e:
        print(f"perf_doc: {sys.argv[1]}: {e}", file=sys.stderr)
        return 2


def write_doc(ctx, entries, table, notes):
    out = []
    out.append("# ccbench performance: ccbench vs Go vs OS threads\n")
    out.append("Generated by `scripts/perf-doc` from one real run; do not edit by hand "
               "(edit `docs/performance-notes.md` and regenerate). The raw results are in "
               "`docs/perf-results.json`.\n")
    out.append("## Machine and run\n")
    keys = [("date", "date"), ("command_line", "command"), ("cpu_model", "CPU"), ("num_cpus", "CPUs"),
            ("kernel", "kernel"), ("load_avg", "load average at start"), ("cpu_governor", "CPU governor"),
            ("compiler", "compiler"), ("build_type", "build type"), ("go_version", "Go"),
            ("git_commit", "ccbench commit"), ("preset", "preset"), ("repetitions", "repetitions"),
            # context.warmup counts single unmeasured runs of the workload (harness --warmup), not
            # repetitions (which repeat it for --min-time)
            ("warmup", "warm-up runs per point and implementation (each one unmeasured run of the "
                       "workload, not a repetition)")]
    for k, label in keys:
        v = ctx.get(k)
        if v is None or v == "":
            continue
        if isinstance(v, list):
            v = ", ".join(str(x) for x in v)
        out.append(f"- {label}: `{v}`")
    for w in ctx.get("warnings", []) or []:
        out.append(f"- warning recorded by the run: {w if isinstance(w, str) else json.dumps(w)}")
    line = disturbance_line(entries)
    if line:
        out.append(line)
    out.append("")
    out.append("## Results (median ns per unit; ratios below 1.00x mean ccbench is faster)\n")
    out.append(table)
    out.append("")
    med = ratio_table(entries)
    rng = sample_ranges(entries)
    pts = sorted({p for p, _ in med})
    r_go = {p: med[(p, "ccbench")] / med[(p, "go")] for p in pts if (p, "ccbench") in med and (p, "go") in med}
    r_th = {p: med[(p, "ccbench")] / med[(p, "threads")] for p in pts if (p, "ccbench") in med and (p, "threads") in med}
    if r_go or r_th:
        out.extend(by_workload(r_go, r_th))
    out.append("## Issue #8 targets, checked against this run\n")
    if r_go:
        geo = geomean(list(r_go.values()))
        slower = sorted((v, p) for p, v in r_go.items() if v > 1.0)
        out.append(f"- every point ccbench <= Go: {'met' if not slower else 'NOT met'} "
                   f"({len(r_go) - len(slower)} of {len(r_go)} points)")
        for v, p in reversed(slower):
            out.append(f"  - slower: `{p}` {v:.3f}x (ccbench {fmt_ns(med[(p, 'ccbench')])} ns, "
                       f"Go {fmt_ns(med[(p, 'go')])} ns{spread(rng, p, 'go')})")
        out.append(f"- geometric mean ccbench/go <= 0.6: {'met' if geo <= 0.6 else 'NOT met'} ({geo:.3f}x)")

        def pick(prefix, procs):
            return [(p, v) for p, v in r_go.items() if p.startswith(prefix) and p.endswith(f"/procs:{procs}")]
        for label, prefix, procs, limit in [("pingpong cap=0 procs=1 <= 0.35x", "pingpong/cap=0/", 1, 0.35),
                                            ("skynet procs=1 <= 0.5x", "skynet/", 1, 0.5),
                                            ("skynet procs=2 <= 0.5x", "skynet/", 2, 0.5),
                                            ("select procs=2 <= 0.5x", "select/", 2, 0.5)]:
            got = pick(prefix, procs)
            if got:
                worst = max(v for _, v in got)
                out.append(f"- {label}: {'met' if worst <= limit else 'NOT met'} (worst {worst:.3f}x over {len(got)} point(s))")
        # at the largest n the spawn points have (the target's 1M tasks in the full preset): at
        # n=10000 the fixed costs of a run weigh on the figure, so mixing sizes compares unlike things
        mem = [(e["impl"], (e.get("params") or {}).get("n"), e.get("extra", {}).get("rss_per_task_bytes"))
               for e in entries if e.get("workload") == "spawn" and e.get("status") == "ok"]
        mem = [(impl, n, v) for impl, n, v in mem if isinstance(n, int) and isinstance(v, (int, float))]
        top = max((n for _, n, _ in mem), default=None)
        by = {}
        for impl, n, v in mem:
            if n == top:
                by.setdefault(impl, []).append(v)
        if "ccbench" in by and "go" in by:
            c, g = by["ccbench"], by["go"]
            out.append(f"- memory per parked task (spawn n={top}) <= Go's: "
                       f"{'met' if max(c) <= min(g) else 'NOT met'} (ccbench {min(c):.0f}-{max(c):.0f} B, "
                       f"Go {min(g):.0f}-{max(g):.0f} B over the {len(c)} spawn point(s) at that n)")
    if r_th:
        chan = ("pingpong/", "fanin/", "fanout/", "pipeline/", "select/")
        lost = sorted((v, p) for p, v in r_th.items() if p.startswith(chan) and v > 1.0)
        out.append(f"- ccbench beats threads on every channel workload point: {'met' if not lost else 'NOT met'}")
        for v, p in lost:
            out.append(f"  - slower than threads: `{p}` {v:.3f}x (ccbench {fmt_ns(med[(p, 'ccbench')])} ns, "
                       f"threads {fmt_ns(med[(p, 'threads')])} ns{spread(rng, p, 'threads')})")
    out.append("")
    out.append(notes)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
