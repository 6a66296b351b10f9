# tests/reports/data/make_fixtures.py — regenerates the checked-in results fixtures of the reports
# tests. Deterministic (seeded random.Random; no third-party modules): running it again rewrites
# byte-identical files. Run from anywhere: `python3 tests/reports/data/make_fixtures.py`.
#
# Every file follows reports/SCHEMA.md v1 exactly (all required fields, null only where allowed).
# The points are realistic: pingpong, fanin, counter (4 modes, with a threads implementation),
# spawn (threads "not_applicable"), skynet; procs 1 and 2; ccbench and go; 10 samples each.
#   base.json           the reference run (seed 1)
#   rerun.json          an independent A/A re-run: same true medians, fresh jitter (seed 2)
#   slower20.json       base with every sample x1.2       faster20.json  base with every sample x0.8
#   noisy.json          same medians +10%, but CV ~30% on every point
#   few_samples.json    3 samples per point
#   other_machine.json  another host/CPU/num_cpus; no skynet, extra timers points, one failed point
#   candidate.json      a realistic change: pingpong 15% slower, counter mode=atomic 10% faster,
#                       the rest unchanged, fresh jitter (seed 8)
#   bad/*.json          empty, malformed, truncated, wrong type, NaN, schema version 2, disjoint
import copy
import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = 10

# (workload, unit, [param combos], {impl: (ns at procs 1, ns at procs 2)}, ops per repetition)
POINTS = [
    ("pingpong", "round trip", [{"cap": 0, "n": 200000}], {"ccbench": (182.0, 310.0), "go": (205.0, 352.0)}, 200000),
    ("pingpong", "round trip", [{"cap": 1, "n": 200000}], {"ccbench": (141.0, 236.0), "go": (163.0, 270.0)}, 200000),
    ("fanin", "message", [{"producers": 4, "cap": 0, "n": 200000}], {"ccbench": (96.0, 150.0), "go": (112.0, 171.0)},
     200000),
    ("fanin", "message", [{"producers": 4, "cap": 128, "n": 200000}], {"ccbench": (44.0, 61.0), "go": (51.0, 66.0)},
     200000),
]
COUNTER = {"mutex": (15.2, 41.0), "atomic": (2.1, 7.9), "channel": (61.0, 93.0), "rwmutex": (19.5, 44.0)}
COUNTER_IMPL_FACTOR = {"ccbench": 1.0, "go": 1.08, "threads": 1.9}
for mode, (p1, p2) in COUNTER.items():
    POINTS.append(("counter", "increment", [{"mode": mode, "tasks": 5, "k": 200000}],
                   {impl: (p1 * f, p2 * f) for impl, f in COUNTER_IMPL_FACTOR.items()}, 1000000))
POINTS.append(("spawn", "task", [{"n": 100000}], {"ccbench": (352.0, 298.0), "go": (301.0, 262.0), "threads": None},
               100000))
POINTS.append(("skynet", "run", [{"size": 1000000}], {"ccbench": (1.21e8, 0.83e8), "go": (2.08e8, 1.31e8)}, 1))
TIMERS = ("timers", "timer", [{"mode": "startstop", "tasks": 4, "k": 20000}], {"ccbench": (88.0, 131.0),
                                                                               "go": (96.0, 140.0)}, 80000)
RSS = {"ccbench": 8650, "go": 2780}


def context(host="bench-a", cpu="AMD EPYC 7B13", cpus=2, date="2024-05-02T10:15:03+00:00", go=True):
    return {
        "schema_version": 1, "ccbench_version": "0.1.0", "git_commit": "3f9c2a1d0b7e", "date": date,
        "host_name": host, "executable": "/work/main/build/release/harness/ccbench",
        "command_line": "ccbench run --preset quick --out results.json", "num_cpus": cpus, "mhz_per_cpu": 2450.0,
        "cpu_model": cpu,
        "caches": [{"type": "Data", "level": 1, "size": 32768, "num_sharing": 2},
                   {"type": "Instruction", "level": 1, "size": 32768, "num_sharing": 2},
                   {"type": "Unified", "level": 2, "size": 524288, "num_sharing": 2},
                   {"type": "Unified", "level": 3, "size": 33554432, "num_sharing": 2}],
        "load_avg": [0.21, 0.35, 0.3], "kernel": "Linux 6.1.0-18-amd64", "cpu_governor": None,
        "library_build_type": "release", "build_type": "Release", "compiler": "GNU 12.2.0",
        "compiler_flags": "-O3 -DNDEBUG", "sanitizer": "", "go_version": "go version go1.19.8 linux/amd64" if go else None,
        "preset": "quick", "repetitions": SAMPLES, "warmup": 1, "warnings": [],
    }


def entry(workload, unit, params, procs, impl, samples, ops, extra=None):
    name = "/".join([workload] + ["%s=%s" % kv for kv in params.items()] + ["procs:%d" % procs, "impl:" + impl])
    b = {"name": name, "run_name": name, "run_type": "iteration", "iterations": ops, "repetitions": len(samples),
         "real_time": None, "cpu_time": None, "time_unit": "ns", "workload": workload, "params": params,
         "procs": procs, "impl": impl, "unit": unit, "status": "ok", "checked": True, "samples_ns": samples}
    fill_stats(b)
    b.update({"ctx_switches_voluntary": 12 * procs, "ctx_switches_involuntary": 3, "max_rss_kb": 5400 + procs * 16})
    if extra is not None:
        b["extra"] = extra
    return b


def fill_stats(b):
    s = b["samples_ns"]
    n = len(s)
    srt = sorted(s)
    med = srt[n // 2] if n % 2 else (srt[n // 2 - 1] + srt[n // 2]) / 2
    mean = sum(s) / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in s) / (n - 1)) if n > 1 else 0.0
    cpu = round(med * b["procs"] * 0.93, 4)
    b.update({"real_time": round(med, 4), "cpu_time": cpu, "median_ns": round(med, 4), "mean_ns": round(mean, 4),
              "stddev_ns": round(sd, 4), "min_ns": min(s), "max_ns": max(s),
              "cv": round(sd / mean, 6) if n > 1 else None, "ops_per_sec": round(1e9 / med, 3),
              "cpu_ns_per_op": cpu})
    # Keep the field order of SCHEMA.md: statistics come right after samples_ns.
    for k in ("ctx_switches_voluntary", "ctx_switches_involuntary", "max_rss_kb", "extra", "notes"):
        if k in b:
            b[k] = b.pop(k)


def not_applicable(workload, unit, params, procs, impl, ops):
    b = entry(workload, unit, params, procs, impl, [1.0], ops)
    b.update({"status": "not_applicable", "checked": False, "samples_ns": [], "repetitions": 0,
              "error": "threads: 100000 OS threads exceed the 4096 this runner attempts",
              "notes": ["statistics are null: the point did not run"]})
    for k in ("real_time", "cpu_time", "median_ns", "mean_ns", "stddev_ns", "min_ns", "max_ns", "cv",
              "ops_per_sec", "cpu_ns_per_op"):
        b[k] = None
    b.update({"ctx_switches_voluntary": 0, "ctx_switches_involuntary": 0, "max_rss_kb": 0})
    return b


def jitter(rng, true_ns, n, cv):
    # Log-normal noise with the given CV, rounded like a real timer-derived ns/op.
    sigma = math.sqrt(math.log(1 + cv * cv))
    return [round(true_ns * math.exp(rng.gauss(0, sigma) - sigma * sigma / 2), 4) for _ in range(n)]


def build(seed, point_list, cv=0.02, n=SAMPLES, scale=1.0, ctx=None, scale_of=None):
    rng = random.Random(seed)
    out = []
    for workload, unit, combos, impls, ops in point_list:
        for params in combos:
            for procs in (1, 2):
                for impl, ns in impls.items():
                    if ns is None:
                        out.append(not_applicable(workload, unit, dict(params), procs, impl, ops))
                        continue
                    point_cv = cv * (2 if workload in ("spawn", "skynet") else 1)
                    factor = scale * (scale_of(workload, params) if scale_of else 1.0)
                    samples = jitter(rng, ns[procs - 1] * factor, n, point_cv)
                    extra = {"rss_per_task_bytes": RSS[impl] + rng.randint(-40, 40)} if workload == "spawn" else None
                    out.append(entry(workload, unit, dict(params), procs, impl, samples, ops, extra))
    return {"context": ctx or context(), "benchmarks": out}


def scaled(doc, factor, date):
    d = copy.deepcopy(doc)
    d["context"]["date"] = date
    for b in d["benchmarks"]:
        if b["status"] == "ok":
            b["samples_ns"] = [round(x * factor, 4) for x in b["samples_ns"]]
            fill_stats(b)
    return d


def write(name, doc):
    path = os.path.join(HERE, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(doc if isinstance(doc, str) else json.dumps(doc, indent=2) + "\n")


def main():
    base = build(1, POINTS)
    write("base.json", base)
    write("rerun.json", build(2, POINTS, ctx=context(date="2024-05-02T11:40:27+00:00")))
    write("slower20.json", scaled(base, 1.2, "2024-05-03T09:00:00+00:00"))
    write("faster20.json", scaled(base, 0.8, "2024-05-03T09:30:00+00:00"))
    write("noisy.json", build(4, POINTS, cv=0.30, scale=1.10, ctx=context(date="2024-05-03T10:00:00+00:00")))
    write("few_samples.json", build(5, POINTS, n=3, ctx=context(date="2024-05-03T10:30:00+00:00")))
    def candidate_scale(workload, params):
        if workload == "pingpong":
            return 1.15
        return 0.9 if params.get("mode") == "atomic" else 1.0

    write("candidate.json", build(8, POINTS, ctx=context(date="2024-05-04T08:00:00+00:00"), scale_of=candidate_scale))
    other_points = [p for p in POINTS if p[0] != "skynet"] + [TIMERS]
    other = build(6, other_points, ctx=context(host="bench-b", cpu="Intel(R) Xeon(R) Gold 6338", cpus=4))
    for b in other["benchmarks"]:
        if b["name"] == "counter/mode=channel/tasks=5/k=200000/procs:2/impl:go":
            b.update({"status": "failed", "checked": False,
                      "error": "self-check failed: counter = 999998, want 1000000"})
    write("other_machine.json", other)

    text = json.dumps(base, indent=2) + "\n"
    write("bad/empty.json", "")
    write("bad/truncated.json", text[: len(text) * 3 // 5])
    # Malformed: drop the comma after benchmarks[1]'s "workload" member.
    second = text.index('"workload"', text.index('"workload"') + 1)
    comma = text.index(",", second)
    write("bad/malformed.json", text[:comma] + text[comma + 1:])
    wrong = copy.deepcopy(base)
    wrong["benchmarks"][3]["samples_ns"][2] = "12.5"
    write("bad/wrong_type.json", wrong)
    nan = copy.deepcopy(base)
    nan["benchmarks"][3]["samples_ns"][2] = float("nan")  # json.dumps writes the non-JSON literal NaN
    write("bad/nan.json", nan)
    v2 = copy.deepcopy(base)
    v2["context"]["schema_version"] = 2
    write("bad/schema_v2.json", v2)
    write("bad/disjoint.json", build(7, [TIMERS]))
    validate(["base.json", "rerun.json", "slower20.json", "faster20.json", "noisy.json", "few_samples.json",
              "other_machine.json", "candidate.json", "bad/disjoint.json"])


def validate(names):
    """Checks the valid fixtures against reports/results.schema.json when jsonschema is installed."""
    try:
        import jsonschema
    except ImportError:
        print("jsonschema not installed: fixtures written but not validated against results.schema.json")
        return
    schema_path = os.path.join(HERE, "..", "..", "..", "reports", "results.schema.json")
    with open(schema_path, encoding="utf-8") as fh:
        schema = json.load(fh)
    for name in names:
        with open(os.path.join(HERE, name), encoding="utf-8") as fh:
            jsonschema.validate(json.load(fh), schema, cls=jsonschema.Draft202012Validator)
    print("validated %d fixtures against results.schema.json" % len(names))


if __name__ == "__main__":
    main()
