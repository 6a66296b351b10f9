// harness/run_command.hpp — `ccbench run`: resolves the options, expands the matrix, chooses
// the implementations, checks every output is writable, runs the points, and writes the results.
//
// Order of work (all input is validated before the first benchmark starts):
//  1. options -> RunSettings (preset defaults: quick 7 repetitions / min-time 0.05 s, full 10 / 0.5 s;
//     warm-up 1) and the matrix (matrix.hpp);
//  2. --out FILE and --report DIR are probed for writability (IoError);
//  3. implementations: each named one must be available (Go: installed and built), otherwise
//     UsageError naming scripts/setup; with `--impl all` an unavailable one is skipped with a
//     one-line notice; a workload lacking an implementation is skipped with a one-line notice;
//  4. machine context, environment warnings (stderr unless --quiet; always in context.warnings
//     and context.environment_warnings) and the measurement controls: --pin (pinning.hpp; the
//     probe's refusal is a warning, never an error), --shuffle/--seed (runner.hpp; default on
//     when more than one implementation runs, off for a single one — a single-implementation
//     run keeps each point's repetitions together unless --shuffle is given), and the test hook
//     CCB_INJECT_DELAY_NS or CCB_INJECT_SLOWDOWN (+ CCB_INJECT_WORKLOAD): documented in
//     `ccbench run --help`, never active unless set; warned about on stderr even with --quiet,
//     recorded in context.injection;
//     a malformed value, an unknown workload or CCB_INJECT_WORKLOAD alone is a UsageError at
//     step 1 (so --dry-run refuses it too, as it refuses a bad CCB_GO_TIMEOUT at step 3);
//     likewise CCB_CHAOS=1 (the runtime's fault injection, chaos_env.hpp; a bad CCB_CHAOS or
//     CCB_CHAOS_SEED is a UsageError at step 1): warned about on stderr even with --quiet,
//     recorded in context.chaos;
//  5. the run, with the live table on stdout (--format table) and progress on stderr
//     (--progress, progress.hpp: auto = a line redrawn in place on a terminal, otherwise a plain
//     heartbeat line at most every 10 s, or CCB_PROGRESS_INTERVAL seconds; nothing
//     with never or --quiet); each failed point is reported on stderr as it happens; a run of an
//     in-process workload that has not ended after CCB_RUN_TIMEOUT seconds (default 600; 0: no
//     limit) ends `ccbench run` with exit 1, the points finished written (run_stop.hpp), and one
//     still going kStopGrace after a signal asked the run to stop ends it as the signal does;
//  6. results JSON written atomically to --out (and DIR/results.json for --report without
//     --out), the --format document on stdout, then the HTML report via ReportsHooks; an --out
//     naming standard output (/dev/stdout, or the file stdout is redirected to) is not opened:
//     the JSON is printed on stdout last, after the tables, summary and report lines (once with
//     --format json).
// Returns: 0, or 1 when any point failed its self-check (or the report writer's non-zero code).
// Throws: UsageError, IoError; anything else aborts the run without writing a results file.
#pragma once

#include <string>
#include <vector>

#include "harness/runner.hpp"

#include "harness/cli.hpp"
#include "harness/hooks.hpp"

namespace ccb::harness {

// kGateMinSamples: `ccbench compare --min-samples`'s default (reports/compare.hpp); a run with
// fewer repetitions gets the few_repetitions environment warning.
inline constexpr int kGateMinSamples = 5;

// kDefaultRunTimeoutSeconds: the hang watchdog's default limit on one run of an in-process
// workload (CCB_RUN_TIMEOUT; hang_watch.hpp). The longest run of the full preset is a few seconds
// (skynet or spawn at a million tasks), and a --set size may make one far longer: the same 600 s
// as CCB_GO_TIMEOUT's default for the Go child.
inline constexpr double kDefaultRunTimeoutSeconds = 600;

// run_command() runs `ccbench run`; `argv` is the full command line (recorded in the results).
int run_command(const RunOptions& options, const std::vector<std::string>& argv, const Io& io,
                const Hooks& hooks);

}  // namespace ccb::harness
