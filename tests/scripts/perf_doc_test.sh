#!/usr/bin/env bash
# tests/scripts/perf_doc_test.sh SOURCE_DIR — checks that an incomplete run never becomes the
# performance document: scripts/perf_doc.py exits 2 with one line (no document, no traceback) on
# results whose context says interrupted, and on an "ok" median_ns of 0 (a ZeroDivisionError
# before); scripts/perf-doc, in a copy of the layout with stand-ins for scripts/build and ccbench
# (nothing is measured), leaves docs/perf-results.json and docs/PERFORMANCE.md as they were when
# the run is interrupted (exit 130, its points kept in docs/perf-results.partial.json, the
# --resume command printed) or fails (exit 1), and replaces both when it succeeds.
src=$1
# shellcheck source=tests/scripts/lib.sh
. "$(dirname "$0")/lib.sh"  # $tmp, $fail, check, has, hasnt
py=/usr/bin/python3
entry() {  # entry NAME IMPL MEDIAN
  printf '{"name":"%s/impl:%s","impl":"%s","workload":"%s","median_ns":%s,"status":"ok","extra":{}}' \
    "$1" "$2" "$2" "${1%%/*}" "$3"
}
results() {  # results CONTEXT_JSON GO_MEDIAN
  printf '{"context":%s,"benchmarks":[%s,%s]}\n' "$1" "$(entry a/n=1/procs:1 ccbench 50)" \
    "$(entry a/n=1/procs:1 go "$2")"
}
echo "| table |" >"$tmp/t.md"; echo "## a" >"$tmp/n.md"
results '{"date":"d"}' 100 >"$tmp/good.json"
$py "$src/scripts/perf_doc.py" "$tmp/good.json" "$tmp/t.md" "$tmp/n.md" >"$tmp/doc" 2>"$tmp/err"
check "perf_doc: a complete run" 0 $?
results '{"date":"d","interrupted":{"signal":"SIGINT","points_done":1,"points_planned":9}}' 100 >"$tmp/int.json"
$py "$src/scripts/perf_doc.py" "$tmp/int.json" "$tmp/t.md" "$tmp/n.md" >"$tmp/doc" 2>"$tmp/err"
check "perf_doc: an interrupted run" 2 $?
has "perf_doc: interrupted message" "$tmp/err" "int.json: the run was interrupted (SIGINT after 1 of 9 points)"
[ -s "$tmp/doc" ] && { echo "FAIL: perf_doc printed a document of an interrupted run"; fail=1; } || echo "ok: no document"
results '{"date":"d"}' 0 >"$tmp/zero.json"
$py "$src/scripts/perf_doc.py" "$tmp/zero.json" "$tmp/t.md" "$tmp/n.md" >"$tmp/doc" 2>"$tmp/err"
check "perf_doc: a Go median of 0" 2 $?
has "perf_doc: zero median message" "$tmp/err" "a/n=1/procs:1/impl:go: median_ns is 0, not a positive number"
hasnt "perf_doc: zero median, no traceback" "$tmp/err" "Traceback"
[ -s "$tmp/doc" ] && { echo "FAIL: perf_doc printed a document with a zero median"; fail=1; } || echo "ok: no document"

# perf-doc in a copy of the layout. The stand-in ccbench writes FAKE_RESULTS to its --out, prints a
# table and exits FAKE_RC, as `ccbench run` does when a signal stops it (130: its finished points).
repo=$tmp/repo
mkdir -p "$repo/scripts" "$repo/docs" "$repo/build/release"
cp "$src/scripts/perf-doc" "$src/scripts/perf_doc.py" "$repo/scripts/"
printf '#!/usr/bin/env bash\nexit 0\n' >"$repo/scripts/build"
cat >"$repo/build/release/ccbench" <<'SH'
#!/usr/bin/env bash
out=
while [ $# -gt 0 ]; do [ "$1" = --out ] && out=$2; shift; done
cp "$FAKE_RESULTS" "$out"
echo "| new | table |"
exit "${FAKE_RC:-0}"
SH
chmod +x "$repo/scripts/build" "$repo/build/release/ccbench"
echo '{"old": "good run"}' >"$repo/docs/perf-results.json"
echo '# old document' >"$repo/docs/PERFORMANCE.md"
printf '## a\nnotes\n' >"$repo/docs/performance-notes.md"
unchanged() {  # unchanged WHAT: the last good run's files are still there
  if [ "$(cat "$repo/docs/perf-results.json")" = '{"old": "good run"}' ] &&
     [ "$(cat "$repo/docs/PERFORMANCE.md")" = '# old document' ]; then echo "ok: $1: previous results kept"
  else echo "FAIL: $1: docs/perf-results.json or docs/PERFORMANCE.md replaced"; fail=1; fi
}
FAKE_RESULTS=$tmp/int.json FAKE_RC=130 bash "$repo/scripts/perf-doc" --preset quick >/dev/null 2>"$tmp/err"
check "perf-doc: an interrupted run" 130 $?
unchanged "perf-doc interrupted"
cmp -s "$tmp/int.json" "$repo/docs/perf-results.partial.json" && echo "ok: the finished points are kept" \
  || { echo "FAIL: no docs/perf-results.partial.json after an interrupted run"; fail=1; }
has "perf-doc: the resume command" "$tmp/err" "scripts/perf-doc --preset quick --resume docs/perf-results.partial.json"
FAKE_RESULTS=$tmp/good.json FAKE_RC=1 bash "$repo/scripts/perf-doc" >/dev/null 2>"$tmp/err"
check "perf-doc: a failed run" 1 $?
unchanged "perf-doc failed run"
FAKE_RESULTS=$tmp/zero.json bash "$repo/scripts/perf-doc" >/dev/null 2>"$tmp/err"
check "perf-doc: results perf_doc.py rejects" 2 $?
unchanged "perf-doc rejected results"
[ -e "$repo/docs/PERFORMANCE.md.tmp" ] && { echo "FAIL: PERFORMANCE.md.tmp left"; fail=1; } || echo "ok: no PERFORMANCE.md.tmp left"
FAKE_RESULTS=$tmp/good.json bash "$repo/scripts/perf-doc" >/dev/null 2>"$tmp/err"
check "perf-doc: a complete run" 0 $?
cmp -s "$tmp/good.json" "$repo/docs/perf-results.json" && echo "ok: the new results are in place" \
  || { echo "FAIL: docs/perf-results.json is not the new run's"; fail=1; }
has "perf-doc: the new document" "$repo/docs/PERFORMANCE.md" "| new | table |"
[ -e "$repo/docs/perf-results.partial.json" ] && { echo "FAIL: the partial file was left"; fail=1; } \
  || echo "ok: the partial file became the results"
exit $fail
