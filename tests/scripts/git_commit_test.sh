#!/usr/bin/env bash
# tests/scripts/git_commit_test.sh SOURCE_DIR — checks cmake/git_commit.cmake (the commit that
# --version prints and every results file records) on a scratch git repository: the bare commit
# when clean, "-dirty" after a tracked edit, untracked files ignored, "unknown" outside git, and
# no rewrite of the header when nothing changed (so a no-op build recompiles nothing).
set -uo pipefail
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
gen() { cmake -DSRC="$1" -DOUT="$tmp/h.h" -P "$src/cmake/git_commit.cmake"; }
expect() {  # expect DESCRIPTION VALUE
  if grep -qxF "#define CCB_GIT_COMMIT \"$2\"" "$tmp/h.h"; then echo "ok: $1"
  else echo "FAIL: $1: expected $2, got: $(grep define "$tmp/h.h")"; fail=1; fi
}
mkdir "$tmp/norepo" "$tmp/repo"
GIT_CEILING_DIRECTORIES="$tmp" gen "$tmp/norepo"; expect "outside a git work tree" unknown
cd "$tmp/repo" || exit 1
git init -q . && git config user.email t@t && git config user.name t
echo a >f && git add f && git commit -qm one
c=$(git rev-parse --short=12 HEAD)
gen "$tmp/repo"; expect "clean tree" "$c"
touch -d '2000-01-01' "$tmp/h.h"; stamp=$(stat -c %Y "$tmp/h.h")
gen "$tmp/repo"
[ "$(stat -c %Y "$tmp/h.h")" = "$stamp" ] && echo "ok: unchanged header not rewritten" \
  || { echo "FAIL: header rewritten with the same text"; fail=1; }
echo new >untracked; gen "$tmp/repo"; expect "untracked file ignored" "$c"
echo b >>f; gen "$tmp/repo"; expect "tracked edit" "$c-dirty"
git commit -qam two; c2=$(git rev-parse --short=12 HEAD)
gen "$tmp/repo"; expect "after the commit" "$c2"
exit $fail
