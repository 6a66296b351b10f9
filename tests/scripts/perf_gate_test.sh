#!/usr/bin/env bash
# tests/scripts/perf_gate_test.sh SOURCE_DIR — checks scripts/perf-gate's control flow on a scratch
# git repository, with stand-ins for everything slow: scripts/build and cmake only drop a fake
# ccbench (a shell script) into the build directories, and the fake's `run` writes a one-point
# results file while its `compare` logs how it was called and re-runs the base as `--confirm`
# would. Checked: --help prints the whole header and nothing after it; a failed candidate or base
# build exits 2 with "perf-gate: ... build failed"; the base tree (whose sources the base binary
# reads, e.g. the Go reference's) is still there while compare re-runs the base, and removed once
# the gate is done or has failed; a point failing its self-check in one side's run (exit 1,
# results written) reaches compare instead of aborting the script; a run that writes no results
# exits 2; so does a merge of a side's rounds that fails (a results file merge_results.py rejects,
# or merge_results.py ending with 1, as a traceback does), which exited 1, the gate's "regressed".
# CONFIRM=auto reaches compare as --confirm auto (it turned confirmation off, "integer expression
# expected"), and a CONFIRM that is neither a count nor auto is bad usage (exit 2) before any
# build. A candidate run that hangs (exit 1, the points finished written, context.interrupted)
# reaches compare as an interrupted candidate lacking a point; a run stopped by a signal after
# writing its finished points exits 2 saying so (it said "without writing its results").
src=$1
# shellcheck source=tests/scripts/lib.sh
. "$(dirname "$0")/lib.sh"  # $tmp, $fail, check, has, hasnt
mkdir -p "$tmp/bin" "$tmp/repo/scripts"
log=$tmp/log
export FAKE_LOG=$log FAKE_TMP=$tmp
# The fake ccbench. Its build directory holds source_dir (the tree it was built from): like the
# real binary's Go reference, a run needs that tree. FAKE_FAIL=base|cand makes that side's point
# fail its self-check (exit 1, results written); FAKE_CRASH=base|cand makes that side's run exit 3
# without results; FAKE_BAD=base|cand makes that side's run write a JSON array (exit 0), which
# merge_results.py rejects; FAKE_HANG=base|cand makes that side's second round write only its
# first point, marked interrupted by the hang watchdog (exit 1), and FAKE_SIGNAL=base|cand the
# same, marked interrupted by SIGTERM (exit 143).
cat >"$tmp/bin/fake-ccbench" <<'EOF'
#!/usr/bin/env bash
side=cand
case "$0" in *base-build*) side=base ;; esac
srcdir=$(cat "$(dirname "$0")/source_dir")
cmd=$1; shift
if [ "$cmd" = run ]; then
  out=
  while [ $# -gt 0 ]; do [ "$1" = --out ] && out=$2; shift; done
  [ -f "$srcdir/scripts/perf-gate" ] || { echo "ccbench: sources not found in $srcdir" >&2; exit 2; }
  [ "${FAKE_CRASH:-}" = "$side" ] && exit 3
  [ "${FAKE_BAD:-}" = "$side" ] && { echo '[]' >"$out"; exit 0; }
  status=ok rc=0
  [ "${FAKE_FAIL:-}" = "$side" ] && status=failed rc=1
  # each run's samples differ (merge_results.py refuses one run given twice): the time of day in ns
  n=$(date +%N)
  p='{"name":"p/procs:1/impl:ccbench","status":"'$status'","checked":true,"samples_ns":[10,11,12.'$n']}'
  q='{"name":"q/procs:1/impl:ccbench","status":"ok","checked":true,"samples_ns":[20,21,22.'$n']}'
  stop=
  case "$out" in *-2.json)
    [ "${FAKE_HANG:-}" = "$side" ] && stop=hang rc=1
    [ "${FAKE_SIGNAL:-}" = "$side" ] && stop=SIGTERM rc=143 ;;
  esac
  if [ -n "$stop" ]; then
    printf '{"context":{"interrupted":{"signal":"%s","points_done":1,"points_planned":2}},"benchmarks":[%s]}\n' \
      "$stop" "$p" >"$out"
  else
    printf '{"context":{},"benchmarks":[%s,%s]}\n' "$p" "$q" >"$out"
  fi
  echo "run $side $status" >>"$FAKE_LOG"
  exit $rc
fi
# compare BASE NEW [--confirm N --base-run CMD --new-run CMD] ...
[ -d build/perf-gate/base ] && echo "compare: base tree present" >>"$FAKE_LOG" \
  || echo "compare: base tree gone" >>"$FAKE_LOG"
grep -q '"failed"' "$1" && echo "compare: base failed" >>"$FAKE_LOG"
grep -q '"failed"' "$2" && echo "compare: candidate failed" >>"$FAKE_LOG"
grep -q '"interrupted": {' "$2" && echo "compare: candidate interrupted" >>"$FAKE_LOG"
grep -q '"q/procs:1/impl:ccbench"' "$2" || echo "compare: candidate lacks q" >>"$FAKE_LOG"
while [ $# -gt 0 ]; do
  [ "$1" = --confirm ] && echo "compare: --confirm $2" >>"$FAKE_LOG"
  if [ "$1" = --base-run ]; then
    eval "$2 --quiet --out $FAKE_TMP/confirm.json"
    if [ $? -le 1 ]; then echo "compare: base re-run ok" >>"$FAKE_LOG"  # 1: a self-check failed
    else echo "compare: base re-run failed" >>"$FAKE_LOG"; exit 2; fi
  fi
  shift
done
exit "${FAKE_COMPARE_RC:-0}"
EOF
# cmake: -S SRC -B DIR configures (FAKE_FAIL_CONFIGURE fails it), --build DIR builds the base
# (FAKE_FAIL_BASE fails it).
cat >"$tmp/bin/cmake" <<'EOF'
#!/usr/bin/env bash
if [ "$1" = -S ]; then
  [ -n "${FAKE_FAIL_CONFIGURE:-}" ] && { echo "CMake Error: fake" >&2; exit 1; }
  mkdir -p "$4" && (cd "$2" && pwd) >"$4/source_dir"
  exit 0
fi
[ -n "${FAKE_FAIL_BASE:-}" ] && { echo "ninja: build stopped: fake" >&2; exit 1; }
cp "$FAKE_TMP/bin/fake-ccbench" "$2/ccbench"
EOF
# scripts/build: FAKE_FAIL_CAND fails it.
cat >"$tmp/repo/scripts/build" <<'EOF'
#!/usr/bin/env bash
cd "$(dirname "$0")/.."
[ -n "${FAKE_FAIL_CAND:-}" ] && { echo "ninja: build stopped: fake" >&2; exit 1; }
mkdir -p build/release && pwd >build/release/source_dir
cp "$FAKE_TMP/bin/fake-ccbench" build/release/ccbench
EOF
chmod +x "$tmp/bin/fake-ccbench" "$tmp/bin/cmake" "$tmp/repo/scripts/build"
cp "$src/scripts/perf-gate" "$src/scripts/merge_results.py" "$tmp/repo/scripts/"
cd "$tmp/repo" || exit 1
printf 'build/\n' >.gitignore
git init -q . && git config user.email t@t && git config user.name t
git add . && git commit -qm base
export PATH="$tmp/bin:$PATH" ROUNDS=2 REPS=1 CONFIRM=2
gate() {  # gate [ENV=VALUE ...]: runs the gate against HEAD; stderr in $tmp/err, calls in $log
  : >"$log"
  env "$@" scripts/perf-gate HEAD fake --min-time 0 >/dev/null 2>"$tmp/err"
}

scripts/perf-gate --help >"$tmp/help" 2>&1; check "--help" 0 $?
has "--help prints the first header line" "$tmp/help" "scripts/perf-gate BASE_REF"
last=$(grep -B 1 -m 1 '^[^#]' scripts/perf-gate | head -n 1 | sed 's/^# \{0,1\}//')
[ "$(tail -n 1 "$tmp/help")" = "$last" ] && echo "ok: --help ends with the header's last line" \
  || { echo "FAIL: --help does not end with '$last': $(tail -n 2 "$tmp/help")"; fail=1; }
hasnt "--help prints no code" "$tmp/help" "set -euo pipefail"
scripts/perf-gate >/dev/null 2>&1; check "no arguments" 2 $?

gate FAKE_FAIL_CAND=1; check "candidate build fails" 2 $?
has "candidate build failure message" "$tmp/err" "perf-gate: candidate build failed"
gate FAKE_FAIL_CONFIGURE=1; check "base configure fails" 2 $?
has "base configure failure message" "$tmp/err" "perf-gate: base build failed"
gate FAKE_FAIL_BASE=1; check "base build fails" 2 $?
has "base build failure message" "$tmp/err" "perf-gate: base build failed"

gate; check "clean gate" 0 $?
has "clean gate: compare ran with the base tree present" "$log" "compare: base tree present"
has "clean gate: the confirming base re-run works" "$log" "compare: base re-run ok"
[ -e build/perf-gate/base ] && { echo "FAIL: base tree left behind"; fail=1; } || echo "ok: base tree removed at the end"
git worktree list | grep -q perf-gate && { echo "FAIL: base worktree still registered"; fail=1; } \
  || echo "ok: base worktree unregistered"
gate FAKE_FAIL_BASE=1
[ -e build/perf-gate/base ] && { echo "FAIL: base tree left behind after a failed build"; fail=1; } \
  || echo "ok: base tree removed after a failed build"
gate FAKE_COMPARE_RC=1; check "compare's verdict is the gate's" 1 $?
gate CONFIRM=0; check "CONFIRM=0" 0 $?
hasnt "CONFIRM=0: no re-run" "$log" "re-run"
gate CONFIRM=auto; check "CONFIRM=auto" 0 $?
has "CONFIRM=auto: compare confirms (auto)" "$log" "compare: --confirm auto"
has "CONFIRM=auto: with the commands" "$log" "compare: base re-run ok"
hasnt "CONFIRM=auto: no shell error" "$tmp/err" "integer expression expected"
for bad in x " 1" -1 6x; do
  gate CONFIRM="$bad"; check "CONFIRM='$bad'" 2 $?
  has "CONFIRM='$bad': message" "$tmp/err" "perf-gate: CONFIRM must be a number of confirmation rounds (0 = off) or auto, got '$bad'"
  hasnt "CONFIRM='$bad': nothing ran" "$log" "run "
done

# Regression (helper-80): ROUNDS=0 or abc ran no round and failed at the merge ("merging the base
# rounds … failed"), after both builds; now bad usage before any build (FAKE_FAIL_CAND would say a
# build ran), as REPS is.
for var in ROUNDS REPS; do
  for bad in 0 abc -1 1x; do
    gate "$var=$bad" FAKE_FAIL_CAND=1; check "$var='$bad'" 2 $?
    has "$var='$bad': message" "$tmp/err" "perf-gate: $var must be a whole number from 1 (default 3), got '$bad'"
    hasnt "$var='$bad': no build" "$tmp/err" "build failed"
  done
done

gate FAKE_FAIL=base; check "a point failing only in the base" 0 $?
has "base-only failure reaches compare" "$log" "compare: base failed"
[ "$(sed '/^compare:/q' "$log" | grep -c '^run ')" = 4 ] && echo "ok: every round ran" || { echo "FAIL: rounds: $(cat "$log")"; fail=1; }
gate FAKE_FAIL=cand FAKE_COMPARE_RC=1; check "a point failing only in the candidate" 1 $?
has "candidate failure reaches compare" "$log" "compare: candidate failed"
gate FAKE_CRASH=cand; check "a run without results" 2 $?
has "run without results message" "$tmp/err" "perf-gate: round 1/2: the candidate run failed (exit 3)"
hasnt "no compare after a run without results" "$log" "compare:"
gate FAKE_HANG=cand FAKE_COMPARE_RC=1; check "a candidate run that hangs" 1 $?
has "hang message" "$tmp/err" "perf-gate: round 2/2: the candidate run stopped (hang after 1 of 2 points) and wrote the points finished before it (compare decides)"
has "hang: compare gets an interrupted candidate" "$log" "compare: candidate interrupted"
has "hang: lacking the point not measured" "$log" "compare: candidate lacks q"
gate FAKE_SIGNAL=cand; check "a candidate run stopped by a signal" 2 $?
has "signal message" "$tmp/err" "perf-gate: round 2/2: the candidate run was interrupted (SIGTERM after 1 of 2 points, exit 143): its results hold only the points finished before it; no verdict"
hasnt "signal: not 'without writing its results'" "$tmp/err" "without writing"
hasnt "no compare after a stopped run" "$log" "compare:"
gate FAKE_BAD=cand; check "a results file the merge rejects" 2 $?
has "merge failure message" "$tmp/err" "perf-gate: merging the candidate rounds into build/perf-gate/candidate.json failed (exit 2)"
has "merge_results.py says why" "$tmp/err" "cand-1.json: expected a JSON object"
hasnt "no compare after a failed merge" "$log" "compare:"
cp scripts/merge_results.py "$tmp/merge_results.py.real"
printf 'import sys\nsys.exit(1)\n' >scripts/merge_results.py  # exits 1, as on an uncaught exception
gate; check "a merge that exits 1" 2 $?
has "merge exit 1 message" "$tmp/err" "perf-gate: merging the base rounds into build/perf-gate/base.json failed (exit 1)"
cp "$tmp/merge_results.py.real" scripts/merge_results.py
exit $fail
