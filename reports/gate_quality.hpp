// reports/gate_quality.hpp — fewer false alarms from the compare gate: confirmation runs
// (`compare --confirm N`), A/A calibration (`ccbench calibrate`) and noise-floor files
// (`compare --noise-floor FILE`).
//
// confirm_regressions(): the first comparison is compare_results(base, next), a screening step.
// Repetitions inside one run are not independent samples of what another run measures: on a shared
// machine the state of the host (a busy sibling core, another tenant) lasts seconds to minutes, so
// a whole run can sit 10-50% away from the next one while its repetitions agree within 3% (measured
// on this project's 2-core VM; docs/performance-notes.md). A verdict from two single runs therefore
// only says where to look. Every point the first comparison flags `regressed`, and every point
// whose change alone reaches kScreenFraction (half) of the threshold (or of its noise floor, if
// higher) though that test found it not significant or noisy, is re-measured in up to `rounds`
// rounds. Half, not all: in session 5's 20 compares of quick runs against quick runs with
// pingpong slowed 10% (CCB_INJECT_SLOWDOWN=10%), 8 of the 80 slowed points read only +2.8% to
// +4.9% in the first pair of runs and were never re-measured with the screen at the full
// threshold (66 of 80 confirmed); with half, 73 of 80, and 20 A/A compares of the same runs still
// gave 0 `regressed` (307 points re-measured, 343 rounds). The round rule below is what keeps
// false alarms out. A round is one base run and one new run of that point alone, back to back
// (base first in odd rounds, new first in even rounds, so neither side always runs second), and
// yields one ratio: median(new run) / median(base run).
// The run, not the repetition, is the unit: the point is `regressed` only when EVERY one of the
// `rounds` rounds has a ratio of at least 1 + threshold (and above the point's noise floor, when
// one is given). The rounds are sequential: the first round that falls short ends the point's
// confirmation, and a first `regressed` becomes `unchanged` (other verdicts stay), the reason
// saying "not confirmed". Measured here (session 4, 20 A/A compares, 1071 rounds of the same build
// against itself): a round reaches +5% by chance with probability 0.24, independently of the round
// before (22 of 92), so k rounds all pass by chance with probability ~0.24^k: 0.014 for 3 rounds
// (4 false `regressed` over those 20 compares, 357 points re-measured), 0.0002 for the default 6
// (kAutoConfirmRounds in cli.cpp). Stopping early makes a point with no change cost ~1.3 rounds.
// A point with no failing round but fewer than `rounds` usable ones (a run failed, or one side's
// median was 0 ns: no ratio) keeps its first verdict, with a warning. Statistics other than the verdict (medians, p-values,
// intervals, geomean) stay those of the first comparison; the gate is decided again.
//
// Calibration: each A/A pair is two independent runs of the same build (a pair whose files show two
// builds, another git_commit or another ccbench binary, is warned about and counted, not refused,
// as are the other differences pair_warnings() names). For every point compared
// (status ok in both, both medians positive), its noise floor is the largest
// |median(b)/median(a) - 1| over the pairs; every other point of a pair is listed as dropped, with
// the reason (zero median, status, present in one file only), and when no point is left calibrate
// throws InputError (exit 2). The suggested threshold is the largest noise floor over the points,
// rounded up to a whole percent (never below the floor as compare reads it: 0.030000000000000027,
// which 1.03 / 1 - 1 gives, is 4%, since "3%" is 0.03), and never below 1%; when that reaches 100% there is none (compare
// --threshold must be below 100%): the noisiest points are named instead and `ccbench calibrate`
// exits 1 after writing the file. The noise-floor file (JSON) is
//   {"tool":"ccbench calibrate","pairs":K,"suggested_threshold":0.04 (or null),
//    "regressed_with_defaults":[n per pair],"points":{"name":{"noise_floor":0.021,"pairs":K},…},
//    "dropped":{"name":{"reason":"…","pairs":k},…}}
// load_noise_floor() reads it strictly (InputError on anything else, exit 2, and on a file over
// kMaxFileBytes, as load_results()).
// Concurrency: none; remeasure and shell commands run on the calling thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "reports/compare.hpp"
#include "reports/results.hpp"

namespace ccb::reports {

// kScreenFraction: a point not flagged regressed is re-measured when its change reaches this
// fraction of the threshold (or of its noise floor, if higher). Justified in the header comment.
inline constexpr double kScreenFraction = 0.5;

// Remeasure runs points `names` of one side again (round 1..N) and returns the new results.
// Throws: InputError (a file it produced is unreadable) or std::runtime_error (the run failed).
using Remeasure = std::function<Results(bool base_side, const std::vector<std::string>& names, int round)>;

// confirmation_candidate() is true for a point confirm_regressions() re-measures: flagged
// regressed, or not improved and at least kScreenFraction of the bar (the threshold, or its noise
// floor if higher) slower (see the header comment).
bool confirmation_candidate(const PointComparison& p, const CompareOptions& options);

// confirm_regressions() — see the header comment. Requires: rounds >= 0.
Comparison confirm_regressions(const Results& base, const Results& next, const CompareOptions& options,
                               int rounds, const Remeasure& remeasure);

// ExecutableIdentity: what identifies a binary on this host (stat(2) of its path).
struct ExecutableIdentity {
  std::uint64_t dev = 0;
  std::uint64_t ino = 0;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
};

// rerun_command() is the `ccbench run` command that re-measures points of `r` as they were
// measured: the recorded executable and context.invocation.argv without --out, --report, --format,
// --quiet and --filter (run_and_load() sets those) and --resume (a round measures), and the CCB_INJECT_* test hook and CCB_CHAOS
// (with CCB_CHAOS_SEED) set as recorded (unset when they were not active). Empty, with `why_not` saying why, when the file has no invocation,
// was measured on another host, or the binary at `executable` is missing or no longer the one that
// ran (size or modification time differ): re-running a rebuilt binary as "base" would compare the
// new code with itself.
// When `identity` is given, it receives the identity of the binary as checked (device and inode then,
// the recorded size and modification time).
// When the file records its go_binary, the command sets CCB_GO_BINARY to that path: the re-run
// runs that file (no rebuild of ccbench-go from newer sources), and compare checks before and after
// each round that measures Go points that it is still the file that measured them.
std::optional<std::string> rerun_command(const Results& r, std::string& why_not, ExecutableIdentity* identity = nullptr);

// executable_change() is empty while the file at `path` is still `was` (same device, inode, size
// and modification time), else what changed. compare checks it before and after every confirmation run of a
// re-derived command: rerun_command() checked the binary once, when compare started, and every
// round then ran whatever was at that path (a rebuild, or a script put there, ran as "new").
std::string executable_change(const std::string& path, const ExecutableIdentity& was);

// other_build() is empty when `measured` (a results file's context) and `rerun` (its
// re-measurement's) do not both record their binary (executable, size and modification time), or
// record the same one; else it names both, e.g. "/y/ccbench (size 9, modified at 5 ns), not
// /x/ccbench (size 8, modified at 4 ns)".
std::string other_build(const Context& measured, const Context& rerun);

// program_change() is empty while the file at `recorded.path` still has the recorded size and
// modification time, or the recorded content hash (fnv1a64: touched, or rebuilt to the same
// bytes), else what changed ("it is gone", "its size or modification time changed …").
// Here, in executable_change() and in rerun_command(), a recorded path that names no file and holds
// U+FFFD is said to be inexact ("its recorded path names no file: bytes of it that are not UTF-8
// were written as U+FFFD"), not gone: results are UTF-8, so a Latin-1 directory name is not kept.
std::string program_change(const Context::Program& recorded);

// other_go_build() is empty when `measured` or `rerun` records no go_binary, or both record the
// same file (path, size, time) or the same content hash; else it names both, as other_build() does.
std::string other_go_build(const Context& measured, const Context& rerun);

// measures_go() is true when one of `names` is a point of `r` measured by the Go implementation.
bool measures_go(const Results& r, const std::vector<std::string>& names);

// ExecutableChanged: a binary that a re-derived command runs changed during the confirmation
// (executable_change()). Rounds it ran are no evidence about the file's build.
class ExecutableChanged : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// append_samples() appends `more`'s samples of `names` to the same points of `into`; returns a
// warning per name that `more` lacked or had not "ok".
std::vector<std::string> append_samples(Results& into, const Results& more, const std::vector<std::string>& names);

struct NoiseFloor {
  int pairs = 0;
  std::optional<double> suggested_threshold;  // empty when too_noisy is not
  std::vector<std::size_t> regressed_with_defaults;  // per pair, compare's default options
  std::map<std::string, std::pair<double, int>> points;  // name -> (noise floor, pairs it was in)
  // name -> (why it got no noise floor from a pair, in how many pairs): a zero median, a status
  // other than "ok" in either file, or present in only one file. Reason of the first such pair.
  std::map<std::string, std::pair<std::string, int>> dropped;
  // Points whose noise floor rounds up to 100% or more (noisiest first): with them no threshold
  // compare accepts (< 100%) lies above the noise, so there is no suggested_threshold.
  std::vector<std::pair<std::string, double>> too_noisy;
  // What makes a pair no A/A pair (pair_warnings(), compare.hpp): its files come from different
  // machines, builds or measurement settings, or one was measured with a CCB_INJECT_* hook or CCB_CHAOS=1 (its changes
  // still count in the noise floors; they may not be noise), or both hold the same samples (the
  // same file twice: it measures no noise at all); and, calibrate's own, its files come from two
  // builds: another context.git_commit, or another ccbench binary (executable, executable_size or
  // executable_mtime_ns, when both record them).
  std::vector<std::string> warnings;
  // How many pairs' files come from two builds (as above): the table does not call them "runs of
  // the same build".
  int other_build_pairs = 0;
};

// calibrate() computes the noise floor of A/A `pairs`, and `warnings` (each once). Throws InputError when a pair has no point
// in common (as compare_results does), or when every point was dropped (nothing to calibrate).
NoiseFloor calibrate(const std::vector<std::pair<Results, Results>>& pairs);

// no_threshold_text() is empty when nf has a suggested threshold, else why not, naming the
// noisiest points (at most 5).
std::string no_threshold_text(const NoiseFloor& nf);

std::string noise_floor_json(const NoiseFloor& nf);
// noise_floor_table() is a human-readable table: point, noise floor, then the suggestion.
std::string noise_floor_table(const NoiseFloor& nf);
// load_noise_floor() reads a noise-floor file. Throws: InputError.
std::map<std::string, double> load_noise_floor(const std::string& file);

// point_filter() is the `ccbench run --filter` regex matching exactly the points `names` (the
// /impl: suffix removed; regex metacharacters escaped).
std::string point_filter(const std::vector<std::string>& names);

// shell_quote() quotes one word for /bin/sh.
std::string shell_quote(const std::string& s);

// run_and_load() runs `command + " --filter F --out FILE --quiet"` through /bin/sh (when `filter`
// is empty, no --filter), after removing any --out, --report, --format and --quiet the command
// already had (and any --resume), and its --filter when `filter` is not empty (strip_run_options(), child_run.hpp;
// with an empty `filter` the command's own --filter is kept), and loads FILE. The child runs in its
// own process group and is stopped with compare (run_shell()). Throws std::runtime_error when the
// command exits non-zero (exit 1 still loads the file: a failed point is reported there),
// Interrupted (SIGINT/SIGTERM/SIGHUP, to compare or to the child), InputError; and std::runtime_error
// when FILE records context.resumed (the run took points from an earlier file instead of measuring
// them: a confirmation round or an A/A pair must be measured fresh; the command's --resume is
// removed, so only a command that adds one itself, e.g. a wrapper script, gets here).
// The Results' `file` is `label` ("round 2 (new)", "pair 1, run A"): FILE is a scratch file, gone
// when the user reads the warnings that name it.
Results run_and_load(const std::string& command, const std::string& filter, const std::string& out_file,
                     const std::string& label);

}  // namespace ccb::reports
