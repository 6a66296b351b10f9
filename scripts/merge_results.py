#!/usr/bin/python3
"""scripts/merge_results.py OUT IN1 IN2 ... — merge ccbench results files of the same build.

Used by scripts/perf-gate, which runs base and candidate alternately in rounds: the rounds of one
side are merged into one file whose `samples_ns` holds every round's samples (in run order), with
the statistics recomputed from them. The context is the first file's. Points must have the same
names in every file; a point that failed in any round is kept as failed. Tukey outlier counts are
recomputed over the merged samples (same quantile rule as harness/stats.hpp); a `latency` object
is the first file's (histograms are not in the results file), and a note says so. Standard
library only.
Exit: 0 ok, 2 bad input.
"""
import json
import math
import statistics
import sys


def fail(msg):
    print(f"merge_results: {msg}", file=sys.stderr)
    sys.exit(2)


def quantile(v, p):
    v = sorted(v)
    pos = p * (len(v) - 1)
    i = int(math.floor(pos))
    return v[-1] if i + 1 >= len(v) else v[i] + (pos - i) * (v[i + 1] - v[i])


def tukey(s):
    q1, q3 = quantile(s, 0.25), quantile(s, 0.75)
    iqr = q3 - q1
    o = {"method": "tukey", "q1_ns": q1, "q3_ns": q3, "low_mild": 0, "low_extreme": 0,
         "high_mild": 0, "high_extreme": 0}
    for x in s:
        if x < q1 - 3 * iqr:
            o["low_extreme"] += 1
        elif x < q1 - 1.5 * iqr:
            o["low_mild"] += 1
        elif x > q3 + 3 * iqr:
            o["high_extreme"] += 1
        elif x > q3 + 1.5 * iqr:
            o["high_mild"] += 1
    return o


def restat(b):
    s = b["samples_ns"]
    if b.get("status") != "ok" or not s:
        return
    med = statistics.median(s)
    mean = statistics.fmean(s)
    sd = statistics.stdev(s) if len(s) > 1 else 0.0
    b.update(median_ns=med, mean_ns=mean, stddev_ns=sd, min_ns=min(s), max_ns=max(s),
             cv=(sd / mean if len(s) > 1 and mean > 0 else None), real_time=med,
             ops_per_sec=(1e9 / med if med > 0 else None), repetitions=len(s))
    if "outliers" in b:
        b["outliers"] = tukey(s)
    if "latency" in b:
        b.setdefault("notes", []).append("merged file: latency is the first round's only")


def main(argv):
    if len(argv) < 3:
        fail("usage: merge_results.py OUT IN1 [IN2 ...]")
    docs = []
    for path in argv[2:]:
        try:
            with open(path) as f:
                docs.append(json.load(f))
        except (OSError, ValueError) as e:
            fail(f"{path}: {e}")
    out = docs[0]
    by_name = {b["name"]: b for b in out["benchmarks"]}
    for path, d in zip(argv[3:], docs[1:]):
        for b in d["benchmarks"]:
            a = by_name.get(b["name"])
            if a is None:
                fail(f"{path}: point {b['name']} is not in {argv[2]}")
            if b.get("status") != "ok":
                a["status"], a["error"], a["checked"] = b["status"], b.get("error", ""), False
                continue
            if a.get("status") == "ok":
                a["samples_ns"] += b["samples_ns"]
    for b in out["benchmarks"]:
        restat(b)
        for k, v in list(b.items()):
            if isinstance(v, float) and not math.isfinite(v):
                b[k] = None
    with open(argv[1], "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main(sys.argv)
