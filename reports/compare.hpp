// reports/compare.hpp — regression verdicts between two results files (`ccbench compare`).
//
// What compare_results() guarantees:
//  - Points are matched by name. Every point of either file ends up in exactly one list: `points`
//    (status "ok" in both), `newly_failing` (status "ok" in base and "failed" in new: it passed its
//    self-check before and fails it now), `not_compared` (matched, but not "ok" in one file
//    otherwise: failed in both, failed only in base, or "not_applicable" on either side; the reason
//    says which) or `only_in_base` / `only_in_new`. Nothing is dropped silently.
//  - Statistics are recomputed from samples_ns (the file's own median/cv fields are not trusted).
//  - Verdict of a point, in this order:
//      noisy      fewer than min_samples samples in either file, or CV (stddev/mean) above max_cv in
//                 either file, or a zero median, or a ratio of medians that is not a finite
//                 positive number (the loader's sample bounds exclude it); `reason` says which;
//      regressed  Holm-adjusted Mann-Whitney p < alpha and (new/base - 1) >= threshold;
//      improved   Holm-adjusted p < alpha and (new/base - 1) <= -threshold;
//      unchanged  otherwise (not significant, or smaller than the threshold).
//  - Multiple testing: the p-values of all non-noisy points form one family and are adjusted with
//    Holm–Bonferroni, which controls the chance of ANY false "regressed" (the family-wise error
//    rate) at alpha without assuming independent points. A CI gate fails a build on a single point,
//    so FWER, not the false discovery rate, is the error to bound; Holm is uniformly more powerful
//    than plain Bonferroni at the same guarantee. When the family is so large that no point can
//    reach significance with these sample sizes (and the ties within each side's samples, which
//    the test's normal approximation rewards), a warning says so; so does another when every
//    point is noisy (the family is empty: the regressed gate passes without judging any point, and
//    its message adds "none could be judged").
//  - A noisy point is not tested, but its interval can still be telling: when its ratio_ci lies
//    wholly at or above 1 + threshold (and above its noise floor, if listed), it is marked
//    `slower_beyond_threshold`, its reason says so, and a warning names it ("noisy, but slower
//    beyond the threshold in its whole interval"): a 2x slowdown of a point with a CV of 12% passed
//    the gate without a word. The verdict stays noisy.
//  - A point with a median of 0 ns in either file has no ratio: it is noisy and `zero_median`,
//    and a warning names it (a base of seven 0 ns samples passed a new 1 ms without a word).
//    fail_unjudged fails the gate on it, as on every other point the test could not judge.
//  - ratio_ci: percentile bootstrap interval (confidence 1 - alpha, seeded by the point name) of the
//    ratio of medians, when both files have at least min_samples samples.
//  - geomean: geometric mean of the ratios of all `points` with positive medians and a finite
//    positive ratio (noisy included, as compare.py does), with a bootstrap interval that redraws
//    every point's samples.
//  - Warnings name every context difference between the files in host_name, cpu_model, num_cpus,
//    build_type, library_build_type, sanitizer, CPU pinning (context.pin.effective, when both
//    record it) and the measurement settings (preset, repetitions, warmup, and min_time_s when
//    both record it), name a file measured with a CCB_INJECT_* test
//    hook (context.injection) or with CCB_CHAOS=1 (context.chaos) or stopped by a signal
//    (context.interrupted), say when both files hold the same samples (one file twice), and repeat
//    each file's own context.warnings (each once).
//  - Noise floor (optional, from `ccbench calibrate`, gate_quality.hpp): a point listed there is
//    `regressed` / `improved` only when |change| also exceeds its own measured A/A noise floor;
//    points not listed use the threshold alone, and a warning counts them (a noise-floor file of
//    other points, e.g. another preset's, would otherwise change nothing without a word).
//  - Outliers: every sample is used (the Tukey counts of the results file are informational);
//    nothing is trimmed before the test, the medians or the intervals.
//  - Gate: fail_on=regressed fails when any point is `regressed`, and with fail_unjudged also when
//    every compared point is noisy, a noisy point is `slower_beyond_threshold` or a point is
//    `zero_median` (what the test could not judge is then a failure, not a pass); fail_on=geomean fails when
//    geomean > 1 + threshold and its interval lies above 1, unless confirmation rounds ran
//    (confirm_regressions) and `confirmed_geomean` -- the same geomean with each re-measured point
//    at its rounds' ratio (confirmed_ratio) -- does not exceed 1 + threshold: the rounds answer the
//    same question with fresh back-to-back runs; both also fail when `newly_failing` is
//    not empty (a point that worked and now fails is the worst regression); never does not fail.
//    A "not_applicable" point (the machine refused it, e.g. too many OS threads) is not a failure.
// Throws: InputError when no point is "ok" in both files and none is newly failing (nothing to
// compare: exit 2).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "reports/results.hpp"
#include "reports/stats.hpp"

namespace ccb::reports {

enum class Verdict { Improved, Regressed, Unchanged, Noisy };
enum class FailOn { Regressed, Geomean, Never };

const char* to_string(Verdict v);
const char* to_string(FailOn f);

struct CompareOptions {
  double threshold = 0.05;       // smallest relative change of the median that counts
  double alpha = 0.05;           // significance level (family-wise, after Holm)
  std::size_t min_samples = 5;   // fewer samples than this in either file -> noisy
  double max_cv = 0.10;          // CV above this in either file -> noisy
  FailOn fail_on = FailOn::Regressed;
  // With FailOn::Regressed: fail also when every compared point is noisy (the gate judged none), or
  // when a noisy point is slower beyond the threshold in its whole interval.
  bool fail_unjudged = false;
  std::map<std::string, double> noise_floor;  // point name -> largest A/A |change| (empty: none)
  // Implementations whose points are compared (compare --impl); empty: all. Points of the others
  // are left out of everything: verdicts, the Holm family, the geomean, "only in" and failures.
  std::set<std::string> impls;
};

// SampleStats summarises one side of a point, recomputed from samples_ns.
struct SampleStats {
  std::size_t n = 0;
  double median = 0;
  double min = 0;
  double max = 0;
  std::optional<double> cv;
};

struct PointComparison {
  std::string name;
  Verdict verdict = Verdict::Unchanged;
  std::string reason;  // for noisy: which limit, with numbers; empty otherwise
  SampleStats base;
  SampleStats next;
  std::optional<double> ratio;       // next.median / base.median; empty when base.median is 0 or it is not finite
  std::optional<double> p_value;     // raw two-sided Mann-Whitney p
  std::optional<double> p_adjusted;  // Holm-adjusted; empty for noisy points (not in the family)
  std::optional<stats::Interval> ratio_ci;
  std::optional<double> noise_floor;      // from CompareOptions::noise_floor, when listed
  // Noisy, but ratio_ci lies wholly at or above 1 + threshold (and above noise_floor): see the
  // header. confirm_regressions() clears it when a round does not show the slowdown.
  bool slower_beyond_threshold = false;
  // A median of 0 ns in either file: no ratio, so no test, interval or round can judge it (noisy,
  // whatever the other file measured): see the header.
  bool zero_median = false;
  std::optional<Verdict> first_verdict;   // set by confirm_regressions() on re-measured points
  // Set by confirm_regressions() on re-measured points: new/base ratio of medians of each
  // confirmation round (a base run and a new run back to back), and their geometric mean.
  std::vector<double> confirm_ratios;
  std::optional<double> confirmed_ratio;
};

struct NotCompared {
  std::string name;
  std::string reason;
};

struct Comparison {
  std::string base_file;
  std::string new_file;
  CompareOptions options;
  std::vector<std::string> warnings;
  std::vector<PointComparison> points;  // in base-file order
  std::vector<std::string> only_in_base;
  std::vector<std::string> only_in_new;
  std::vector<NotCompared> newly_failing;  // "ok" in base, "failed" in new (base-file order)
  std::vector<NotCompared> not_compared;
  std::optional<std::string> new_interrupted;  // NEW's context.interrupted (it lacks points)
  std::size_t family_size = 0;  // number of p-values adjusted together
  std::optional<double> geomean;
  std::optional<stats::Interval> geomean_ci;
  // Set by decide_gate() once confirmation rounds re-measured points: the geomean with each of
  // them at its confirmed_ratio (the others at their ratio), and how many they are.
  std::optional<double> confirmed_geomean;
  std::size_t geomean_remeasured = 0;
  bool gate_failed = false;
  std::string gate_message;  // one sentence: why the gate passed or failed
  int confirm_rounds = 0;    // re-measurement rounds run by confirm_regressions()

  std::size_t count(Verdict v) const;
};

// compare_results() compares `next` against `base`. Requires: options validated by the caller
// (0 <= threshold < 1, 0 < alpha < 1, min_samples >= 2, max_cv > 0). Throws: InputError.
Comparison compare_results(const Results& base, const Results& next, const CompareOptions& options);

// pair_warnings() names every context difference between the two files (host_name, cpu_model,
// num_cpus, build_type, library_build_type, sanitizer, the measurement settings preset (null:
// "none"), repetitions and warmup, and min_time_s, CPU pinning (context.pin.effective),
// go_version and the content hash of context.go_binary when both files record them; each message ends
// with "; " + consequence)
// and a file measured with a CCB_INJECT_* test hook or CCB_CHAOS=1, or stopped by a signal
// (context.interrupted, so it lacks points): what besides the code can make the two files differ. compare_results() puts them in `warnings`, then each file's context.warnings.
std::vector<std::string> pair_warnings(const Results& base, const Results& next, const std::string& consequence);

// is_disturbance_warning() is true when `warning` is compare's warning that `point`'s verdict may
// be the doing of other processes (a file measured it disturbed: SCHEMA.md, `disturbance`), which
// confirm_regressions() drops once the point's rounds decided its verdict.
bool is_disturbance_warning(const std::string& warning, const std::string& point);
// is_noisy_slower_warning() is true when `warning` is compare's warning that the noisy `point` is
// slower beyond the threshold in its whole interval (slower_beyond_threshold, which --fail-unjudged
// fails the gate on), which confirm_regressions() drops once the point's rounds decided its verdict.
bool is_noisy_slower_warning(const std::string& warning, const std::string& point);

// same_samples() is true when every "ok" point of `a` is in `b` with exactly the same samples (and
// there is one): two runs never measure that, so the pair is one file given twice or a copy.
// compare_results() and calibrate() warn about such a pair.
bool same_samples(const Results& a, const Results& b);

// decide_gate() sets gate_failed and gate_message from the verdicts, geomean, newly_failing and options (the
// "Gate" rule above); confirm_regressions() calls it again after changing verdicts.
void decide_gate(Comparison& c);

}  // namespace ccb::reports
