// reports/gate_quality.hpp — fewer false alarms from the compare gate: confirmation runs
// (`compare --confirm N`), A/A calibration (`ccbench calibrate`) and noise-floor files
// (`compare --noise-floor FILE`).
//
// confirm_regressions(): the first comparison is compare_results(base, next). When it has points
// `regressed`, those points are re-measured `rounds` times through `remeasure`, base and candidate
// interleaved (base round 1, new round 1, base round 2, …); each round's samples of a point are
// appended to that side's samples (all samples are kept), and the verdicts are recomputed over the
// merged files with the same options (the Holm family is the same set of points). Every re-measured
// point carries first_verdict; the gate uses the confirmed verdicts. A point a round did not
// return, or returned with a status other than "ok", adds a warning and no samples.
//
// Calibration: each A/A pair is two independent runs of the same build. For every point compared
// (status ok in both), its noise floor is the largest |median(b)/median(a) - 1| over the pairs;
// the suggested threshold is the largest noise floor over the points, rounded up to a whole
// percent, and never below 1%. The noise-floor file (JSON) is
//   {"tool":"ccbench calibrate","pairs":K,"suggested_threshold":0.04,
//    "regressed_with_defaults":[n per pair],"points":{"name":{"noise_floor":0.021,"pairs":K},…}}
// load_noise_floor() reads it strictly (InputError on anything else, exit 2).
// Concurrency: none; remeasure and shell commands run on the calling thread.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "reports/compare.hpp"
#include "reports/results.hpp"

namespace ccb::reports {

// Remeasure runs points `names` of one side again (round 1..N) and returns the new results.
// Throws: InputError (a file it produced is unreadable) or std::runtime_error (the run failed).
using Remeasure = std::function<Results(bool base_side, const std::vector<std::string>& names, int round)>;

// confirm_regressions() — see the header comment. Requires: rounds >= 0.
Comparison confirm_regressions(const Results& base, const Results& next, const CompareOptions& options,
                               int rounds, const Remeasure& remeasure);

// append_samples() appends `more`'s samples of `names` to the same points of `into`; returns a
// warning per name that `more` lacked or had not "ok".
std::vector<std::string> append_samples(Results& into, const Results& more, const std::vector<std::string>& names);

struct NoiseFloor {
  int pairs = 0;
  double suggested_threshold = 0;
  std::vector<std::size_t> regressed_with_defaults;  // per pair, compare's default options
  std::map<std::string, std::pair<double, int>> points;  // name -> (noise floor, pairs it was in)
};

// calibrate() computes the noise floor of A/A `pairs`. Throws InputError when a pair has no point
// in common (as compare_results does).
NoiseFloor calibrate(const std::vector<std::pair<Results, Results>>& pairs);

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

// run_command_line() runs `command + " --filter F --out FILE --quiet"` through /bin/sh (when
// `filter` is empty, no --filter) and loads FILE. Throws std::runtime_error when the command exits
// non-zero (exit 1 still loads the file: a failed point is reported there), InputError.
Results run_and_load(const std::string& command, const std::string& filter, const std::string& out_file);

}  // namespace ccb::reports
