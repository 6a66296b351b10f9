#!/usr/bin/python3
"""scripts/impl_ratio.py — the ccbench-vs-another-implementation gate over one results file.

Reads a ccbench results JSON (reports/SCHEMA.md) holding ccbench entries and entries of another
implementation (default go) for the same points, pairs them by name (the name without its
`/impl:` suffix), and prints the geometric mean of median(ccbench) / median(other) over every
pair where both are "ok", plus the worst points. Exit codes: 0 geomean <= --max; 1 geomean above
--max; 2 bad input (unreadable file, no pairs to compare).
Used by scripts/perf-ci (issue #8: a later change must not silently lose the lead over Go).
"""
import argparse
import json
import math
import sys


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results", help="results JSON written by `ccbench run --out`")
    ap.add_argument("--against", default="go", help="the other implementation (default go)")
    ap.add_argument("--max", type=float, default=1.0, help="largest allowed geomean ratio (default 1.0)")
    ap.add_argument("--show", type=int, default=5, help="how many worst points to list (default 5)")
    a = ap.parse_args()
    if not (a.max > 0 and math.isfinite(a.max)):
        print(f"impl_ratio: --max must be a positive number, got {a.max}", file=sys.stderr)
        return 2
    try:
        with open(a.results, encoding="utf-8") as f:
            doc = json.load(f)
        entries = doc["benchmarks"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"impl_ratio: {a.results}: cannot read a results file: {e}", file=sys.stderr)
        return 2
    by_impl = {}
    for e in entries:
        if not isinstance(e, dict) or e.get("status") != "ok":
            continue
        name, impl, med = e.get("name", ""), e.get("impl"), e.get("median_ns")
        if not isinstance(med, (int, float)) or not med > 0:
            continue
        base = name.rsplit("/impl:", 1)[0]
        by_impl.setdefault(impl, {})[base] = float(med)
    mine, other = by_impl.get("ccbench", {}), by_impl.get(a.against, {})
    pairs = sorted((mine[k] / other[k], k) for k in mine.keys() & other.keys())
    if not pairs:
        print(f"impl_ratio: {a.results}: no point has both a ccbench and a {a.against} result "
              f"(run with --impl ccbench,{a.against})", file=sys.stderr)
        return 2
    geo = math.exp(sum(math.log(r) for r, _ in pairs) / len(pairs))
    print(f"ccbench/{a.against} over {len(pairs)} points: geomean {geo:.3f}x "
          f"(best {pairs[0][0]:.3f}x, worst {pairs[-1][0]:.3f}x)")
    slower = [(r, k) for r, k in pairs if r > 1.0]
    print(f"points where ccbench is slower than {a.against}: {len(slower)}")
    for r, k in reversed(pairs[-a.show:]):
        print(f"  {r:7.3f}x  {k}")
    if geo > a.max:
        print(f"FAIL: geomean ratio {geo:.3f}x exceeds --max {a.max:.3f}x", file=sys.stderr)
        return 1
    print(f"ok: geomean ratio {geo:.3f}x <= {a.max:.3f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
