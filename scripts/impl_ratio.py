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


def ratio_text(r: float, ref: float = 1.0) -> str:
    """r with 3 decimals, or as many more (up to 9) as it takes to print differently from ref when
    it differs: a ratio of 1.0004 is counted as slower and must not read "1.000x"."""
    decimals = 3
    while r != ref and decimals < 9 and f"{r:.{decimals}f}" == f"{ref:.{decimals}f}":
        decimals += 1
    return f"{r:.{decimals}f}"


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
    # Every ratio prints differently from 1 when it is not 1 (the slower count is r > 1), and the
    # geomean differently from --max when it is not --max (the gate is geo > --max).
    print(f"ccbench/{a.against} over {len(pairs)} points: geomean {ratio_text(geo)}x "
          f"(best {ratio_text(pairs[0][0])}x, worst {ratio_text(pairs[-1][0])}x)")
    slower = [(r, k) for r, k in pairs if r > 1.0]
    print(f"points where ccbench is slower than {a.against}: {len(slower)}")
    for r, k in reversed(pairs[-a.show:]):
        print(f"  {ratio_text(r):>7}x  {k}")
    g, limit = ratio_text(geo, a.max), ratio_text(a.max, geo)
    if geo > a.max:
        print(f"FAIL: geomean ratio {g}x exceeds --max {limit}x", file=sys.stderr)
        return 1
    print(f"ok: geomean ratio {g}x <= {limit}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
