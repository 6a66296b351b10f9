#!/usr/bin/python3
"""scripts/merge_results.py OUT IN1 IN2 ... — merge ccbench results files of the same build.

Used by scripts/perf-gate, which runs base and candidate alternately in rounds: the rounds of one
side are merged into one file whose `samples_ns` holds every round's samples (in run order), with
the statistics recomputed from them. The context is the first file's, with the environment
warnings of every file (each once, in order). A point's notes are those of every file (each once),
and its `disturbance` is that of the round whose other processes took the most CPU (the largest
`other_cpus`), so that a round measured on a busy machine is not hidden by the merge. The files
must have run the same way (the same context.injection and context.chaos: a test hook's
deliberately wrong numbers are not mixed with real ones), and no two of them may hold the same
samples (one run given twice would count its samples twice and make compare more certain than it
is). Points must have the same
names in every file that is not from an interrupted run (context.interrupted: a signal, or
`ccbench run`'s hang watchdog, which exits 1 as a failed self-check does), and an interrupted file
may hold only points of those; anything else is bad input. When a file is interrupted, the merged
file holds only the points measured in every file, and carries the first such file's
context.interrupted (a note on stderr says so): `ccbench compare` then fails the gate on a
candidate that lacks points of the base, as it does on one interrupted run. A point that failed in
any round is kept as failed. Tukey outlier counts are
recomputed over the merged samples (same quantile rule as harness/stats.hpp); a `latency` object
is the first file's (histograms are not in the results file), and a note says so. Standard
library only.
Each input must be a JSON object with a "benchmarks" array of objects, each with a string "name"
(unique in its file) and "status" and, when its status is "ok", a "samples_ns" array of numbers;
anything else is bad input, said in one line on stderr. OUT (a regular file, or a new one) is written to a
temporary file beside it and renamed into place, so it is either the whole merged document or
left as it was (never partial); an OUT that is a device, FIFO or symlink (/dev/stdout) is written
in place.
Exit: 0 ok, 2 bad input (files whose points differ included) or OUT not writable (one line on stderr, never a traceback).
"""
import json
import math
import os
import stat
import statistics
import sys
import tempfile


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


def check(path, d):
    """Fails (exit 2) unless `d` has the shape merging needs (see the module docstring)."""
    if not isinstance(d, dict):
        fail(f"{path}: expected a JSON object (a ccbench results file), got {type(d).__name__}")
    bench = d.get("benchmarks")
    if not isinstance(bench, list):
        fail(f"{path}: no \"benchmarks\" array (not a ccbench results file)")
    names = set()
    for i, b in enumerate(bench):
        if not isinstance(b, dict) or not isinstance(b.get("name"), str) or not isinstance(b.get("status"), str):
            fail(f"{path}: benchmarks[{i}]: expected an object with a string \"name\" and \"status\"")
        if b["name"] in names:
            fail(f"{path}: benchmarks[{i}]: point {b['name']} appears twice")
        names.add(b["name"])
        s = b.get("samples_ns")
        if b.get("status") == "ok" and (not isinstance(s, list) or not all(
                isinstance(x, (int, float)) and not isinstance(x, bool) for x in s)):
            fail(f"{path}: benchmarks[{i}] ({b['name']}): status ok needs a \"samples_ns\" array of numbers")


def context_of(d):
    """The file's context object ({} when it has none)."""
    ctx = d.get("context")
    return ctx if isinstance(ctx, dict) else {}


def check_same_run_kind(paths, docs):
    """Fails (exit 2) when the files differ in context.injection or context.chaos, or when two of
    them hold the same samples (see the module docstring)."""
    for key in ("injection", "chaos"):
        first = context_of(docs[0]).get(key)
        for path, d in zip(paths[1:], docs[1:]):
            if context_of(d).get(key) != first:
                fail(f"{path}: its context.{key} ({json.dumps(context_of(d).get(key))}) is not that of {paths[0]} "
                     f"({json.dumps(first)}): the rounds of one side must run the same way")
    seen = {}
    for path, d in zip(paths, docs):
        if not any(b.get("status") == "ok" and b.get("samples_ns") for b in d["benchmarks"]):
            continue  # no samples to count twice
        key = json.dumps(d["benchmarks"], sort_keys=True)
        if key in seen:
            fail(f"{path} holds the same points and samples as {seen[key]}: one run given twice would count its "
                 f"samples twice")
        seen[key] = path


def union(lists):
    """The items of `lists`, each once, in order of first appearance."""
    out = []
    for items in lists:
        for x in items if isinstance(items, list) else []:
            if x not in out:
                out.append(x)
    return out


def busiest(disturbances):
    """Of the `disturbance` objects given (None for a round without one), the one with the largest
    other_cpus; None when there is none."""
    known = [x for x in disturbances if isinstance(x, dict) and isinstance(x.get("other_cpus"), (int, float))]
    return max(known, key=lambda x: x["other_cpus"]) if known else None


def interrupted(d):
    """The file's context.interrupted, or None (absent, null, or no context object)."""
    ctx = d.get("context")
    return ctx.get("interrupted") if isinstance(ctx, dict) else None


def interrupted_text(i):
    """context.interrupted as compare words it: "hang after 1 of 2 points"."""
    if not isinstance(i, dict):
        return "context.interrupted is set"
    return f"{i.get('signal', '?')} after {i.get('points_done', '?')} of {i.get('points_planned', '?')} points"


def kept_names(paths, docs):
    """The names of the points measured in every file (see the module docstring); exits 2 when
    the files' points differ otherwise."""
    names = [[b["name"] for b in d["benchmarks"]] for d in docs]
    full = next((i for i, d in enumerate(docs) if interrupted(d) is None), None)
    if full is not None:
        ref = set(names[full])
        for path, d, n in zip(paths, docs, names):
            if interrupted(d) is None and set(n) != ref:
                diff = sorted(set(n) ^ ref)
                where = paths[full] if diff[0] in ref else path
                fail(f"{path}: its points differ from those of {paths[full]} (point {diff[0]} is only in "
                     f"{where}); the files of one side must measure the same points")
            extra = [x for x in n if x not in ref]
            if extra:
                fail(f"{path}: point {extra[0]} is not in {paths[full]} (an interrupted run holds only "
                     f"points the others measured too)")
    common = set(names[0]).intersection(*map(set, names[1:]))
    return [x for x in names[0] if x in common]


def write(path, out):
    """Writes `out` as JSON to `path`; exits 2 on an error (a missing directory, a full disk). A
    regular file (or a new one) is written to a temporary file beside it and renamed into place,
    so an error leaves `path` as it was; a path that is something else (a device such as
    /dev/full, a FIFO, a symlink such as /dev/stdout) is written in place: renaming onto it would
    replace the device or link itself."""
    text = json.dumps(out, indent=1)
    try:
        st = os.lstat(path)
        in_place = not stat.S_ISREG(st.st_mode)
    except FileNotFoundError:
        in_place = False
    except OSError as e:
        fail(f"cannot write {path}: {e.strerror or e}")
    tmp = None
    try:
        if in_place:
            with open(path, "w") as f:
                f.write(text)
            return
        fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp",
                                   dir=os.path.dirname(path) or ".")
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # as open(path, "w") would create it, not mkstemp's 0600
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
        tmp = None
    except OSError as e:
        fail(f"cannot write {path}: {e.strerror or e}")
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


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
        check(path, docs[-1])
    paths = argv[2:]
    kept = set(kept_names(paths, docs))
    check_same_run_kind(paths, docs)
    out = docs[0]
    if not isinstance(out.get("context"), dict):
        out["context"] = {}
    for key in ("environment_warnings", "warnings"):
        merged = union([context_of(d).get(key) for d in docs])
        if merged:
            out["context"][key] = merged
    stopped = [(path, interrupted(d)) for path, d in zip(paths, docs) if interrupted(d) is not None]
    if stopped:
        path, why = stopped[0]
        out["context"]["interrupted"] = why
        dropped = len({b["name"] for d in docs for b in d["benchmarks"]}) - len(kept)
        print(f"merge_results: note: {path} is an interrupted run ({interrupted_text(why)}): {argv[1]} holds "
              f"only the {len(kept)} point(s) measured in every file ({dropped} left out) and is marked "
              f"interrupted", file=sys.stderr)
    out["benchmarks"] = [b for b in out["benchmarks"] if b["name"] in kept]
    by_name = {b["name"]: b for b in out["benchmarks"]}
    for name, a in by_name.items():
        rounds = [b for d in docs for b in d["benchmarks"] if b["name"] == name]
        notes = union([b.get("notes") for b in rounds])
        if notes:
            a["notes"] = notes
        worst = busiest([b.get("disturbance") for b in rounds])
        if worst is not None:
            a["disturbance"] = worst
    for d in docs[1:]:
        for b in d["benchmarks"]:
            a = by_name.get(b["name"])
            if a is None:
                continue  # not measured in every file (an interrupted one lacks it)
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
    write(argv[1], out)


if __name__ == "__main__":
    main(sys.argv)
