#!/usr/bin/env bash
# tests/scripts/impl_ratio_test.sh SOURCE_DIR — checks scripts/impl_ratio.py (the perf CI gate)
# and scripts/perf_doc.py on synthetic results whose ratios are known: the geomean, the exit codes
# (0 within --max, 1 above, 2 bad input), the per-workload summary, the targets section, the
# warm-up line and the disturbance line of the generated document.
src=$1
# shellcheck source=tests/scripts/lib.sh
. "$(dirname "$0")/lib.sh"  # $tmp, $fail, check, has, hasnt
entry() {  # entry NAME IMPL MEDIAN STATUS [SAMPLES_JSON]
  printf '{"name":"%s/impl:%s","impl":"%s","workload":"%s","median_ns":%s,"status":"%s","extra":{}%s}' \
    "$1" "$2" "$2" "${1%%/*}" "$3" "$4" "${5:+,\"samples_ns\":$5}"
}
# Ratios 0.5 and 2.0 -> geomean exactly 1.0; a failed go entry and a lone threads entry are ignored.
cat >"$tmp/r.json" <<JSON
{"context":{"date":"d","warmup":1},"benchmarks":[
$(entry a/n=1/procs:1 ccbench 50 ok), $(entry a/n=1/procs:1 go 100 ok),
$(entry b/n=1/procs:1 ccbench 200 ok), $(entry b/n=1/procs:1 go 100 ok),
$(entry c/n=1/procs:1 ccbench 10 ok), $(entry c/n=1/procs:1 go 1 failed),
$(entry d/n=1/procs:1 threads 10 ok)]}
JSON
py=/usr/bin/python3
out=$($py "$src/scripts/impl_ratio.py" "$tmp/r.json" --max 1.0); rc=$?
check "geomean 1.0 is within --max 1.0" 0 $rc
echo "$out" | grep -q "over 2 points: geomean 1.000x" || { echo "FAIL: geomean line: $out"; fail=1; }
echo "$out" | grep -q "slower than go: 1" || { echo "FAIL: slower count: $out"; fail=1; }
$py "$src/scripts/impl_ratio.py" "$tmp/r.json" --max 0.99 >/dev/null 2>&1; check "geomean 1.0 above --max 0.99" 1 $?
$py "$src/scripts/impl_ratio.py" "$tmp/r.json" --against threads >/dev/null 2>&1; check "no ccbench/threads pair" 2 $?
$py "$src/scripts/impl_ratio.py" "$tmp/missing.json" >/dev/null 2>&1; check "missing file" 2 $?
echo '{"benchmarks": [' >"$tmp/trunc.json"
$py "$src/scripts/impl_ratio.py" "$tmp/trunc.json" >/dev/null 2>&1; check "truncated JSON" 2 $?
$py "$src/scripts/impl_ratio.py" "$tmp/r.json" --max -1 >/dev/null 2>&1; check "negative --max" 2 $?
# A ratio just above 1 is counted as slower, so it must not print as 1.000x; nor a geomean above
# --max as equal to it (both did: "1.000x" listed as slower, "1.000x exceeds --max 1.000x").
cat >"$tmp/near.json" <<JSON
{"context":{},"benchmarks":[
$(entry g/n=1/procs:1 ccbench 100040 ok), $(entry g/n=1/procs:1 go 100000 ok),
$(entry h/n=1/procs:1 ccbench 99960 ok), $(entry h/n=1/procs:1 go 100000 ok),
$(entry i/n=1/procs:1 ccbench 100040 ok), $(entry i/n=1/procs:1 go 100000 ok)]}
JSON
$py "$src/scripts/impl_ratio.py" "$tmp/near.json" --max 1.0 >"$tmp/near.out" 2>"$tmp/near.err"
check "geomean 1.00013 above --max 1.0" 1 $?
has "near-1 slower count" "$tmp/near.out" "slower than go: 2"
has "a slower point prints above 1" "$tmp/near.out" "  1.0004x  g/n=1/procs:1"
has "a faster point prints below 1" "$tmp/near.out" "  0.9996x  h/n=1/procs:1"
has "best and worst differ from 1" "$tmp/near.out" "(best 0.9996x, worst 1.0004x)"
has "the geomean above --max prints above it" "$tmp/near.err" "FAIL: geomean ratio 1.0001x exceeds --max 1.0000x"
hasnt "no slower point reads 1.000x" "$tmp/near.out" " 1.000x  "
# perf_doc: the targets section reflects the synthetic ratios.
echo "| table |" >"$tmp/t.md"; echo "## a" >"$tmp/n.md"
doc=$($py "$src/scripts/perf_doc.py" "$tmp/r.json" "$tmp/t.md" "$tmp/n.md"); rc=$?
check "perf_doc renders" 0 $rc
echo "$doc" | grep -q "every point ccbench <= Go: NOT met (1 of 2 points)" || { echo "FAIL: perf_doc targets: $doc"; fail=1; }
echo "$doc" | grep -qF -- '- slower: `b/n=1/procs:1` 2.000x (ccbench 200 ns, Go 100 ns)' || { echo "FAIL: perf_doc slower line: $doc"; fail=1; }
echo "$doc" | grep -q "geometric mean ccbench/go <= 0.6: NOT met (1.000x)" || { echo "FAIL: perf_doc geomean"; fail=1; }
# context.warmup counts single runs of the workload, not repetitions (harness --warmup)
echo "$doc" | grep -qF -- '- warm-up runs per point and implementation (each one unmeasured run of the workload, not a repetition): `1`' \
  || { echo "FAIL: perf_doc warm-up line: $doc"; fail=1; }
echo "$doc" | grep -qF '| b | 1 | 2.000x | 2.000x | 2.000x | 1 | – |' || { echo "FAIL: perf_doc workload row: $doc"; fail=1; }
echo "$doc" | grep -qF '| a | 1 | 0.500x | 0.500x | 0.500x | 0 | – |' || { echo "FAIL: perf_doc workload row a"; fail=1; }
echo "$doc" | grep -q '^| [cd] |' && { echo "FAIL: perf_doc lists a workload without a ccbench/go or ccbench/threads pair"; fail=1; }
# A point above Go states its repetitions' range when both sides recorded samples_ns.
cat >"$tmp/s.json" <<JSON
{"context":{},"benchmarks":[
$(entry e/n=1/procs:1 ccbench 110 ok '[100,110,120]'), $(entry e/n=1/procs:1 go 100 ok '[90,100,101]'),
$(entry f/n=1/procs:1 ccbench 130 ok '[125,130,135]'), $(entry f/n=1/procs:1 go 100 ok '[90,100,110]')]}
JSON
doc=$($py "$src/scripts/perf_doc.py" "$tmp/s.json" "$tmp/t.md" "$tmp/n.md")
echo "$doc" | grep -qF -- '1.100x (ccbench 110 ns, Go 100 ns; repetitions 100-120 against 90-101 ns, overlapping)' \
  || { echo "FAIL: perf_doc overlapping repetitions: $doc"; fail=1; }
echo "$doc" | grep -qF -- '1.300x (ccbench 130 ns, Go 100 ns; repetitions 125-135 against 90-110 ns)' \
  || { echo "FAIL: perf_doc disjoint repetitions: $doc"; fail=1; }
echo "$doc" | grep -q 'CPU used by other processes' && { echo "FAIL: perf_doc disturbance line without the field: $doc"; fail=1; }
# The disturbance line: median, most, and how many reach 0.25 CPUs (common/disturbance.hpp).
cat >"$tmp/d.json" <<JSON
{"context":{},"benchmarks":[
$(entry g/n=1/procs:1 ccbench 10 ok '[10]' | sed 's/}$/,"disturbance":{"other_cpus":0.01,"steal_cpus":0,"wall_s":1}}/'),
$(entry g/n=1/procs:1 go 20 ok '[20]' | sed 's/}$/,"disturbance":{"other_cpus":0.25,"steal_cpus":0,"wall_s":1}}/'),
$(entry h/n=1/procs:1 ccbench 10 ok '[10]' | sed 's/}$/,"disturbance":{"other_cpus":0.02,"steal_cpus":0,"wall_s":1}}/'),
$(entry h/n=1/procs:1 go 20 ok '[20]')]}
JSON
doc=$($py "$src/scripts/perf_doc.py" "$tmp/d.json" "$tmp/t.md" "$tmp/n.md")
echo "$doc" | grep -qF -- '- CPU used by other processes while the points were measured (`disturbance.other_cpus`, 3 of 4 entries): median 0.020, at most 0.250 (`g/n=1/procs:1/impl:go`); 1 entries at or above 0.25 CPUs (disturbed)' \
  || { echo "FAIL: perf_doc disturbance line: $doc"; fail=1; }
$py "$src/scripts/perf_doc.py" "$tmp/trunc.json" "$tmp/t.md" "$tmp/n.md" >/dev/null 2>&1; check "perf_doc bad input" 2 $?
# perf-doc --notes-only: re-assembles from the recorded JSON and table, in a copy of the layout.
mkdir -p "$tmp/repo/scripts" "$tmp/repo/docs"
cp "$src/scripts/perf-doc" "$src/scripts/perf_doc.py" "$tmp/repo/scripts/"
cp "$tmp/r.json" "$tmp/repo/docs/perf-results.json"
printf '# old\n## Results (x)\n\n| recorded | table |\n\n## Issue #8 targets\n- old\n' >"$tmp/repo/docs/PERFORMANCE.md"
printf '## Why\nnew notes\n' >"$tmp/repo/docs/performance-notes.md"
bash "$tmp/repo/scripts/perf-doc" --notes-only >/dev/null; check "perf-doc --notes-only" 0 $?
grep -q '^| recorded | table |$' "$tmp/repo/docs/PERFORMANCE.md" && grep -q '^new notes$' "$tmp/repo/docs/PERFORMANCE.md" \
  && ! grep -q '^- old$' "$tmp/repo/docs/PERFORMANCE.md" || { echo "FAIL: perf-doc --notes-only output"; fail=1; }
printf '# no table\n' >"$tmp/repo/docs/PERFORMANCE.md"
bash "$tmp/repo/scripts/perf-doc" --notes-only 2>/dev/null; check "perf-doc --notes-only without a table" 2 $?
exit $fail
