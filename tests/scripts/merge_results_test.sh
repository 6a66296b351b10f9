#!/usr/bin/env bash
# tests/scripts/merge_results_test.sh SOURCE_DIR — checks scripts/merge_results.py (perf-gate's
# merge of one side's rounds): a good merge concatenates the samples and recomputes the median;
# every bad input or unwritable OUT exits 2 with one line naming the problem, never 1 with a
# traceback (perf-gate reads 1 as "a point regressed"): a top-level array, a file without
# "benchmarks", a point without a name, an ok point without samples, OUT in a missing directory,
# OUT /dev/full; and a write that fails midway (a file size limit) leaves the old OUT as it was
# and no temporary file behind. Files whose points differ are bad input (a later file lacking a
# point of the first was merged, exit 0); an interrupted file (context.interrupted, e.g. `ccbench
# run`'s hang watchdog, which exits 1) may lack points: the merged file keeps only the points of
# every file and carries its context.interrupted (it was dropped, and compare passed the gate).
# Every round's notes, disturbance (the busiest) and warnings are kept; rounds of a test hook and
# real ones, or one file given twice, are bad input.
src=$1
# shellcheck source=tests/scripts/lib.sh
. "$(dirname "$0")/lib.sh"  # $tmp, $fail, check, has, hasnt
py=/usr/bin/python3
merge=$src/scripts/merge_results.py
point() {  # point NAME SAMPLES_JSON
  printf '{"name":"%s","status":"ok","checked":true,"samples_ns":%s}' "$1" "$2"
}
printf '{"context":{"repetitions":2},"benchmarks":[%s,%s]}\n' "$(point a '[10,20]')" "$(point b '[5,5]')" >"$tmp/r1.json"
printf '{"context":{"repetitions":2},"benchmarks":[%s,%s]}\n' "$(point a '[30,40]')" "$(point b '[5,6]')" >"$tmp/r2.json"
$py "$merge" "$tmp/out.json" "$tmp/r1.json" "$tmp/r2.json" 2>"$tmp/err"; check "good merge" 0 $?
$py - "$tmp/out.json" <<'PY' && echo "ok: merged samples and median" || { echo "FAIL: merged output: $(cat "$tmp/out.json")"; fail=1; }
import json, sys
a = json.load(open(sys.argv[1]))["benchmarks"][0]
sys.exit(0 if a["samples_ns"] == [10, 20, 30, 40] and a["median_ns"] == 25 and a["repetitions"] == 4 else 1)
PY
bad() {  # bad DESCRIPTION EXPECTED_MESSAGE OUT IN…: exit 2, the message, no traceback
  local what=$1 msg=$2
  shift 2
  $py "$merge" "$@" >/dev/null 2>"$tmp/err"
  check "$what: exit 2" 2 $?
  has "$what: message" "$tmp/err" "$msg"
  hasnt "$what: no traceback" "$tmp/err" "Traceback"
}
echo '[]' >"$tmp/array.json"
bad "a top-level array" "array.json: expected a JSON object" "$tmp/o.json" "$tmp/array.json"
echo '{"context":{}}' >"$tmp/nobench.json"
bad "no benchmarks" "nobench.json: no \"benchmarks\" array" "$tmp/o.json" "$tmp/r1.json" "$tmp/nobench.json"
echo '{"context":{},"benchmarks":[{"status":"ok","samples_ns":[1]}]}' >"$tmp/noname.json"
bad "a point without a name" "noname.json: benchmarks[0]: expected an object with a string \"name\"" \
  "$tmp/o.json" "$tmp/noname.json"
echo '{"context":{},"benchmarks":[{"name":"a","status":"ok"}]}' >"$tmp/nosamples.json"
bad "an ok point without samples" "nosamples.json: benchmarks[0] (a): status ok needs a \"samples_ns\" array" \
  "$tmp/o.json" "$tmp/r1.json" "$tmp/nosamples.json"
printf '{"context":{},"benchmarks":[%s]}\n' "$(point a '[30,40]')" >"$tmp/only_a.json"
bad "a later file lacking a point" "only_a.json: its points differ from those of $tmp/r1.json (point b is only in $tmp/r1.json)" \
  "$tmp/o.json" "$tmp/r1.json" "$tmp/only_a.json"
printf '{"context":{},"benchmarks":[%s,%s,%s]}\n' "$(point a '[1]')" "$(point b '[1]')" "$(point c '[1]')" >"$tmp/abc.json"
bad "a later file with a point more" "abc.json: its points differ from those of $tmp/r1.json (point c is only in $tmp/abc.json)" \
  "$tmp/o.json" "$tmp/r1.json" "$tmp/abc.json"
printf '{"context":{"interrupted":{"signal":"hang","points_done":2,"points_planned":3}},"benchmarks":[%s,%s]}\n' \
  "$(point a '[1]')" "$(point c '[1]')" >"$tmp/hang_ac.json"
bad "an interrupted file with a point the others lack" "hang_ac.json: point c is not in $tmp/r1.json" \
  "$tmp/o.json" "$tmp/r1.json" "$tmp/hang_ac.json"
printf '{"context":{"interrupted":{"signal":"hang","points_done":1,"points_planned":2}},"benchmarks":[%s]}\n' \
  "$(point a '[50]')" >"$tmp/hang.json"
for order in "r1 hang r2" "hang r1 r2"; do
  ins=()
  for f in $order; do ins+=("$tmp/$f.json"); done
  $py "$merge" "$tmp/int.json" "${ins[@]}" 2>"$tmp/err"; check "an interrupted file ($order)" 0 $?
  has "an interrupted file ($order): note" "$tmp/err" "hang.json is an interrupted run (hang after 1 of 2 points): $tmp/int.json holds only the 1 point(s) measured in every file (1 left out)"
  $py - "$tmp/int.json" <<'PY' && echo "ok: interrupted merge keeps a alone, marked" || { echo "FAIL: interrupted merge ($order): $(cat "$tmp/int.json")"; fail=1; }
import json, sys
d = json.load(open(sys.argv[1]))
names = [b["name"] for b in d["benchmarks"]]
a = d["benchmarks"][0]
sys.exit(0 if names == ["a"] and sorted(a["samples_ns"]) == [10, 20, 30, 40, 50]
         and d["context"]["interrupted"]["signal"] == "hang" else 1)
PY
done
# Regression (helper-80): the merge kept the first round's notes, disturbance and warnings only, so
# a disturbed second round went unsaid (compare's disturbance warning depended on the order of the
# rounds); rounds of a test hook's deliberately wrong numbers merged with real ones lost the mark;
# and one file given twice counted its samples twice.
dpoint() {  # dpoint SAMPLES_JSON OTHER_CPUS NOTE
  printf '{"name":"a","status":"ok","checked":true,"samples_ns":%s,"disturbance":{"other_cpus":%s,"steal_cpus":0,"wall_s":1},"notes":["%s"]}' "$1" "$2" "$3"
}
printf '{"context":{"environment_warnings":[{"code":"load_high","message":"busy"}]},"benchmarks":[%s]}\n' \
  "$(dpoint '[10,20]' 0.01 'quiet')" >"$tmp/quiet.json"
printf '{"context":{"environment_warnings":[{"code":"disturbed","message":"1 of 1"}]},"benchmarks":[%s]}\n' \
  "$(dpoint '[30,40]' 1.5 'disturbed: other processes kept 1.50 CPUs busy')" >"$tmp/busy.json"
for order in "quiet busy" "busy quiet"; do
  ins=()
  for f in $order; do ins+=("$tmp/$f.json"); done
  $py "$merge" "$tmp/dm.json" "${ins[@]}" 2>"$tmp/err"; check "a disturbed round ($order)" 0 $?
  $py - "$tmp/dm.json" <<'PY' && echo "ok: the busiest round's disturbance, every note and warning ($order)" || { echo "FAIL: disturbed merge ($order): $(cat "$tmp/dm.json")"; fail=1; }
import json, sys
d = json.load(open(sys.argv[1]))
a = d["benchmarks"][0]
codes = sorted(w["code"] for w in d["context"]["environment_warnings"])
sys.exit(0 if a["disturbance"]["other_cpus"] == 1.5 and sorted(a["notes"]) == sorted(
    ["quiet", "disturbed: other processes kept 1.50 CPUs busy"]) and codes == ["disturbed", "load_high"] else 1)
PY
done
# a first file whose context is null, the second's warnings kept (helper-81: a traceback, exit 1)
printf '{"context":null,"benchmarks":[%s]}\n' "$(dpoint '[50,60]' 0.01 'n')" >"$tmp/nullctx.json"
$py "$merge" "$tmp/nc.json" "$tmp/nullctx.json" "$tmp/busy.json" 2>"$tmp/err"; check "a null context" 0 $?
hasnt "a null context: no traceback" "$tmp/err" "Traceback"
printf '{"context":{"injection":{"slowdown":0.3,"impl":"ccbench"}},"benchmarks":[%s,%s]}\n' "$(point a '[7,8]')" \
  "$(point b '[5,5]')" >"$tmp/injected.json"
bad "a round with a test hook among real ones" "injected.json: its context.injection ({\"slowdown\": 0.3, \"impl\": \"ccbench\"}) is not that of $tmp/r1.json (null)" \
  "$tmp/o.json" "$tmp/r1.json" "$tmp/injected.json"
bad "one file given twice" "r1.json holds the same points and samples as $tmp/r1.json" "$tmp/o.json" "$tmp/r1.json" "$tmp/r2.json" "$tmp/r1.json"
cp "$tmp/r2.json" "$tmp/r2copy.json"
bad "a copy of a file" "r2copy.json holds the same points and samples as $tmp/r2.json" "$tmp/o.json" "$tmp/r2.json" "$tmp/r2copy.json"
bad "OUT in a missing directory" "cannot write $tmp/missing/o.json: No such file or directory" \
  "$tmp/missing/o.json" "$tmp/r1.json"
bad "OUT /dev/full" "cannot write /dev/full: No space left on device" /dev/full "$tmp/r1.json" "$tmp/r2.json"
[ -c /dev/full ] && echo "ok: /dev/full is still the device" || { echo "FAIL: /dev/full replaced"; fail=1; }
[ -e "$tmp/o.json" ] && { echo "FAIL: bad input wrote OUT"; fail=1; } || echo "ok: bad input writes no OUT"
# A write that fails midway (EFBIG under a 1 KiB file size limit) leaves OUT whole: the old one.
for k in 1 2; do
  $py -c 'import json; json.dump({"context": {}, "benchmarks": [{"name": "p%d" % i, "status": "ok",
    "samples_ns": list(range('$k', 40))} for i in range(20)]}, open("'"$tmp"'/big'$k'.json", "w"))'
done
mkdir "$tmp/d" && echo old >"$tmp/d/out.json"
(ulimit -f 1; $py "$merge" "$tmp/d/out.json" "$tmp/big1.json" "$tmp/big2.json" 2>"$tmp/err"); check "a failed write" 2 $?
has "a failed write: message" "$tmp/err" "cannot write $tmp/d/out.json: File too large"
[ "$(cat "$tmp/d/out.json")" = old ] && echo "ok: a failed write leaves OUT as it was" \
  || { echo "FAIL: OUT after a failed write: $(head -c 100 "$tmp/d/out.json")"; fail=1; }
[ "$(ls -A "$tmp/d")" = out.json ] && echo "ok: no temporary file left" || { echo "FAIL: left: $(ls -A "$tmp/d")"; fail=1; }
exit $fail
