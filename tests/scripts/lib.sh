# shellcheck shell=bash disable=SC2034  # $fail is read by the test that sources this
# tests/scripts/lib.sh — sourced by the script tests here: a scratch directory $tmp (removed on
# exit), the verdict $fail (exit with it: `exit $fail`), and the checks that set it.
set -uo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() {  # check DESCRIPTION EXPECTED_RC ACTUAL_RC
  if [ "$2" != "$3" ]; then echo "FAIL: $1: exit $3, expected $2"; fail=1; else echo "ok: $1"; fi
}
has() {  # has DESCRIPTION FILE TEXT
  if grep -qF -- "$3" "$2"; then echo "ok: $1"; else echo "FAIL: $1: no '$3' in: $(cat "$2")"; fail=1; fi
}
hasnt() {  # hasnt DESCRIPTION FILE TEXT
  if grep -qF -- "$3" "$2"; then echo "FAIL: $1: '$3' in: $(cat "$2")"; fail=1; else echo "ok: $1"; fi
}
