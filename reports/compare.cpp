// reports/compare.cpp — matching, per-point statistics, verdicts, Holm adjustment, geomean and the
// gate of `ccbench compare`. The rules are stated in compare.hpp; this file follows them in phases:
// (1) match names, (2) summarise each matched point and decide "noisy", (3) Mann-Whitney on every
// point, Holm over the non-noisy family, (4) verdicts and intervals, (5) geomean, warnings, gate.
#include "reports/compare.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <string>
#include <string_view>

#include "common/disturbance.hpp"
#include "reports/format_util.hpp"
#include "reports/results_loader.hpp"

namespace ccb::reports {

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::Improved: return "improved";
    case Verdict::Regressed: return "regressed";
    case Verdict::Unchanged: return "unchanged";
    case Verdict::Noisy: return "noisy";
  }
  return "unchanged";
}

const char* to_string(FailOn f) {
  switch (f) {
    case FailOn::Regressed: return "regressed";
    case FailOn::Geomean: return "geomean";
    case FailOn::Never: return "never";
  }
  return "regressed";
}

std::size_t Comparison::count(Verdict v) const {
  return static_cast<std::size_t>(
      std::count_if(points.begin(), points.end(), [v](const PointComparison& p) { return p.verdict == v; }));
}

namespace {

struct Matched {
  PointComparison result;
  const Point* base = nullptr;
  const Point* next = nullptr;
};

SampleStats summarise(const std::vector<double>& s) {
  SampleStats st;
  st.n = s.size();
  if (s.empty()) return st;
  st.median = stats::median(s);
  st.min = *std::min_element(s.begin(), s.end());
  st.max = *std::max_element(s.begin(), s.end());
  st.cv = stats::cv(s);
  return st;
}

// decimals_apart() is the fewest decimals, from `least` up to `most`, at which render(v, decimals)
// differs from render(limit, decimals); `most` when none does.
template <class Render>
int decimals_apart(double v, double limit, int least, int most, Render render) {
  int decimals = least;
  while (decimals < most && render(v, decimals) == render(limit, decimals)) ++decimals;
  return decimals;
}

// pct_beside() renders a CV above `limit` with the decimals (one at least) that tell it from the
// limit: a CV of 0.10012 against 0.10 read "CV above 10.0% (base 10.0%)"; now "10.01%".
std::string pct_beside(double v, double limit) {
  return fmt::pct(v, decimals_apart(v, limit, 1, 6, [](double x, int d) { return fmt::pct(x, d); }));
}

// noisy_reason() is empty when the point may get a significance verdict, else why not.
std::string noisy_reason(const SampleStats& b, const SampleStats& n, const CompareOptions& o) {
  if (b.n < o.min_samples || n.n < o.min_samples) {
    return "too few samples (base " + std::to_string(b.n) + ", new " + std::to_string(n.n) + "; need " +
           std::to_string(o.min_samples) + ")";
  }
  std::string cv_reason;
  auto check_cv = [&](const SampleStats& s, const char* side) {
    if (s.cv && *s.cv > o.max_cv) {
      cv_reason += std::string(cv_reason.empty() ? "" : ", ") + side + " " + pct_beside(*s.cv, o.max_cv);
    }
  };
  check_cv(b, "base");
  check_cv(n, "new");
  if (!cv_reason.empty()) return "CV above " + fmt::pct(o.max_cv) + " (" + cv_reason + ")";
  if (b.median <= 0 || n.median <= 0) return "median is 0 ns";
  // The loader bounds samples, so this cannot happen for loaded files; a ratio that is not a finite
  // positive number must still never become a verdict (it did: a subnormal base median gave Inf).
  const double ratio = n.median / b.median;
  if (!std::isfinite(ratio) || ratio <= 0) {
    return "ratio of medians is not a finite positive number (base " + fmt::sig(b.median, 3) + " ns, new " +
           fmt::sig(n.median, 3) + " ns)";
  }
  return {};
}

// smallest_p() is the smallest p mann_whitney_u() can give samples of these sizes with the ties
// each side has: the p of the samples moved apart (every new value above every base value, the
// ties within each side kept), computed as the test computes it (exact without ties, else the
// normal approximation with its tie correction). mann_whitney_min_p() alone assumed untied
// samples: five tied 100 ns against five tied 110 ns reach p 0.004, not its 0.0079.
double smallest_p(const std::vector<double>& bs, const std::vector<double>& ns) {
  // dense() is each value's rank among the distinct values of its side, plus `offset`.
  auto dense = [](const std::vector<double>& v, double offset, std::size_t& distinct) {
    std::vector<double> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    distinct = sorted.size();
    std::vector<double> out;
    out.reserve(v.size());
    for (double x : v)
      out.push_back(offset + static_cast<double>(std::lower_bound(sorted.begin(), sorted.end(), x) - sorted.begin()));
    return out;
  };
  std::size_t base_distinct = 0, new_distinct = 0;
  const std::vector<double> b = dense(bs, 0, base_distinct);
  const std::vector<double> n = dense(ns, static_cast<double>(base_distinct), new_distinct);
  if (base_distinct == bs.size() && new_distinct == ns.size()) return stats::mann_whitney_min_p(bs.size(), ns.size());
  return stats::mann_whitney_u(b, n).p;
}

// usable_ratio() is true when `r` may enter a verdict or the geomean: finite and positive.
bool usable_ratio(const std::optional<double>& r) { return r && std::isfinite(*r) && *r > 0; }

std::string not_ok_reason(const Point& p, const char* side) {
  return std::string(side) + " status " + p.status + (p.error.empty() ? "" : ": " + p.error);
}

}  // namespace

// same_samples() is true when every "ok" point of `a` is in `b` with exactly the same samples (and
// there is one): two runs never measure that, so the pair is one file given twice or a copy.
bool same_samples(const Results& a, const Results& b) {
  std::map<std::string, const Point*> in_b;
  for (const Point& p : b.benchmarks) in_b.emplace(p.name, &p);
  bool any = false;
  for (const Point& p : a.benchmarks) {
    if (!p.ok()) continue;
    auto it = in_b.find(p.name);
    if (it == in_b.end() || !it->second->ok() || it->second->samples_ns != p.samples_ns) return false;
    any = true;
  }
  return any;
}

std::vector<std::string> pair_warnings(const Results& base, const Results& next, const std::string& consequence) {
  std::vector<std::string> out;
  const Context& b = base.context;
  const Context& n = next.context;
  auto diff = [&](const char* field, const std::string& bv, const std::string& nv) {
    if (bv != nv) {
      out.push_back(std::string("files differ in ") + field + ": \"" + bv + "\" (" + base.file + ") vs \"" + nv +
                    "\" (" + next.file + "); " + consequence);
    }
  };
  diff("host_name", b.host_name, n.host_name);
  diff("cpu_model", b.cpu_model, n.cpu_model);
  diff("num_cpus", std::to_string(b.num_cpus), std::to_string(n.num_cpus));
  diff("build_type", b.build_type, n.build_type);
  diff("library_build_type", b.library_build_type, n.library_build_type);
  diff("sanitizer", b.sanitizer, n.sanitizer);
  // The measurement settings: warm-ups and --min-time change what a sample measures (a cold first
  // run, a repetition of one short run against one of many), so two runs that differ in them
  // differ by more than the code (review: warm-up 0 / --min-time 0 against 3 / 0.05 read +136.7%
  // on spawn with no word). A preset sets them all (and the sizes); repetitions set the samples.
  diff("preset", b.preset.value_or("none"), n.preset.value_or("none"));
  diff("repetitions (samples per point)", std::to_string(b.repetitions), std::to_string(n.repetitions));
  diff("warmup (warm-up runs per point and implementation)", std::to_string(b.warmup), std::to_string(n.warmup));
  if (b.min_time_s && n.min_time_s) {  // absent in older files: compared only when both record it
    auto seconds = [](double v) {
      char buf[32];
      const auto res = std::to_chars(buf, buf + sizeof buf, v);
      return std::string(buf, res.ptr) + " s";
    };
    diff("min_time_s (--min-time: the least measured time of one repetition)", seconds(*b.min_time_s),
         seconds(*n.min_time_s));
  }
  // Go points run the Go toolchain's code as much as ccbench-go's: another Go release moves them.
  // A file whose Go implementation did not run (null) has no Go point to compare.
  if (b.go_version && n.go_version) diff("go_version", *b.go_version, *n.go_version);
  // The same sources and Go build ccbench-go to the same bytes (-trimpath: wherever the checkout
  // is; only the path and modification time differ), so another content hash is other Go code.
  if (b.go_binary && n.go_binary && b.go_binary->fnv1a64 && n.go_binary->fnv1a64)
    diff("the ccbench-go build (context.go_binary.fnv1a64: the Go reference was built from other sources)",
         *b.go_binary->fnv1a64, *n.go_binary->fnv1a64);
  // Pinning changes scheduling (and so every timing) as much as a build flag; a file without
  // context.pin (older) says nothing either way, so only two recorded values are compared.
  if (b.pin_effective && n.pin_effective) {
    auto pin = [](bool on) { return std::string(on ? "on" : "off (not requested or refused)"); };
    diff("CPU pinning (context.pin.effective)", pin(*b.pin_effective), pin(*n.pin_effective));
  }
  if (b.injection) out.push_back(base.file + " was measured with a CCB_INJECT_* test hook active (deliberately slowed)");
  if (n.injection) out.push_back(next.file + " was measured with a CCB_INJECT_* test hook active (deliberately slowed)");
  if (b.chaos) out.push_back(base.file + " was measured with CCB_CHAOS=1 (the runtime's fault injection perturbed it)");
  if (n.chaos) out.push_back(next.file + " was measured with CCB_CHAOS=1 (the runtime's fault injection perturbed it)");
  // An interrupted run holds only its finished points: the rest show up as only in the other file.
  if (b.interrupted) out.push_back(base.file + " is an interrupted run (" + *b.interrupted + "): it holds only those points");
  if (n.interrupted) out.push_back(next.file + " is an interrupted run (" + *n.interrupted + "): it holds only those points");
  return out;
}

namespace {

void add_context_warnings(const Results& base, const Results& next, std::vector<std::string>& out) {
  for (std::string& w : pair_warnings(base, next, "differences may not be regressions")) out.push_back(std::move(w));
  if (same_samples(base, next))
    out.push_back(base.file + " and " + next.file + " hold the same samples (the same file twice?): not two runs, so "
                  "every change is 0% and no point can regress or improve");
  // Each recorded warning once: the same file given twice would repeat every one of them.
  auto add = [&out](std::string w) {
    if (std::find(out.begin(), out.end(), w) == out.end()) out.push_back(std::move(w));
  };
  for (const std::string& w : base.context.warnings) add(base.file + " recorded: " + w);
  for (const std::string& w : next.context.warnings) add(next.file + " recorded: " + w);
}

// How every disturbance warning ends: is_disturbance_warning() recognises them by it.
constexpr std::string_view kDisturbedAdvice = "; rerun on a quieter machine (or re-measure with --confirm)";

}  // namespace

bool is_disturbance_warning(const std::string& warning, const std::string& point) {
  return warning.starts_with(point + " is ") && warning.ends_with(kDisturbedAdvice);
}

// How the warning of a noisy point slower beyond the threshold starts, after the point's name.
constexpr std::string_view kNoisySlower = " is noisy (not tested), but slower beyond the ";

bool is_noisy_slower_warning(const std::string& warning, const std::string& point) {
  return warning.starts_with(point) && warning.compare(point.size(), kNoisySlower.size(), kNoisySlower) == 0;
}

namespace {

// add_disturbed_warnings() warns about each point judged regressed or improved, or noisy but slower
// beyond the threshold, that either file measured while other processes kept
// common::kDisturbedOtherCpus or more busy (SCHEMA.md, `disturbance`): the verdict may be theirs.
void add_disturbed_warnings(const std::vector<Matched>& matched, const std::string& base_file,
                            const std::string& next_file, std::vector<std::string>& out) {
  for (const Matched& m : matched) {
    const PointComparison& r = m.result;
    if (r.verdict != Verdict::Regressed && r.verdict != Verdict::Improved && !r.slower_beyond_threshold) continue;
    std::string by;
    for (const auto& [pt, file] : {std::pair{m.base, &base_file}, std::pair{m.next, &next_file}}) {
      if (!pt->disturbed()) continue;
      by += (by.empty() ? "" : " and ") + *file + " measured it while other processes kept " +
            common::cpus_text(*pt->other_cpus) + " busy";
    }
    if (by.empty()) continue;
    out.push_back(r.name + " is " + (r.verdict == Verdict::Noisy ? std::string("slower beyond the threshold") : to_string(r.verdict)) +
                  ", but " + by + ": their work, not the change, may be the difference" + std::string(kDisturbedAdvice));
  }
}

// Phase 1: match by name, keeping base order; fill only_in_*, newly_failing and not_compared.
std::vector<Matched> match(const Results& base, const Results& next, Comparison& c) {
  const std::set<std::string>& impls = c.options.impls;
  const auto wanted = [&](const Point& p) { return impls.empty() || impls.count(p.impl) != 0; };
  std::map<std::string, const Point*> next_by_name;
  for (const Point& p : next.benchmarks)
    if (wanted(p)) next_by_name.emplace(p.name, &p);
  std::map<std::string, bool> in_base;
  std::vector<Matched> matched;
  for (const Point& b : base.benchmarks) {
    if (!wanted(b)) continue;
    in_base[b.name] = true;
    auto it = next_by_name.find(b.name);
    if (it == next_by_name.end()) {
      c.only_in_base.push_back(b.name);
    } else if (b.ok() && it->second->status == "failed") {
      c.newly_failing.push_back({b.name, not_ok_reason(*it->second, "new")});
    } else if (!b.ok() || !it->second->ok()) {
      c.not_compared.push_back({b.name, !b.ok() ? not_ok_reason(b, "base") : not_ok_reason(*it->second, "new")});
    } else {
      Matched m;
      m.result.name = b.name;
      m.base = &b;
      m.next = it->second;
      matched.push_back(std::move(m));
    }
  }
  for (const Point& n : next.benchmarks) {
    if (wanted(n) && !in_base.count(n.name)) c.only_in_new.push_back(n.name);
  }
  return matched;
}

// newly_failing_text() is "N point(s) newly failing (status "ok" in base, "failed" in new): a, b,
// c and K more", or empty when there is none.
std::string newly_failing_text(const Comparison& c) {
  if (c.newly_failing.empty()) return {};
  constexpr std::size_t kNamed = 3;
  std::string s = std::to_string(c.newly_failing.size()) +
                  " point(s) newly failing (status \"ok\" in base, \"failed\" in new): ";
  for (std::size_t i = 0; i < c.newly_failing.size() && i < kNamed; ++i) s += (i ? ", " : "") + c.newly_failing[i].name;
  if (c.newly_failing.size() > kNamed) s += " and " + std::to_string(c.newly_failing.size() - kNamed) + " more";
  return s;
}

// incomplete_text() is "NEW is an interrupted run (SIGTERM after 1 of 12 points): N point(s) of
// BASE were not measured", or empty when NEW is not interrupted or lacks no point of BASE. Such a
// file fails the gate like a newly failing point: a CI job whose run was stopped (a timeout's
// SIGTERM) passed the gate on the points it had finished.
std::string incomplete_text(const Comparison& c) {
  if (!c.new_interrupted || c.only_in_base.empty()) return {};
  return c.new_file + " is an interrupted run (" + *c.new_interrupted + "): " + std::to_string(c.only_in_base.size()) +
         " point(s) of " + c.base_file + " were not measured";
}

// regressed_how() says how the points with verdict Regressed got it: `significant` (" with adjusted
// p < alpha") when the test called each of them regressed; otherwise how many got it from the
// re-measuring rounds of confirm_regressions() alone, their first test having called them noisy
// or unchanged.
std::string regressed_how(const Comparison& c, const std::string& significant) {
  std::size_t by_test = 0, by_rounds = 0;
  for (const PointComparison& p : c.points) {
    if (p.verdict != Verdict::Regressed) continue;
    ++(p.first_verdict && *p.first_verdict != Verdict::Regressed ? by_rounds : by_test);
  }
  const std::string rounds =
      "in every re-measuring round (--confirm), though their first test did not call them regressed";
  if (by_rounds == 0) return significant;
  if (by_test == 0) return " " + rounds;
  return " (" + std::to_string(by_test) + significant + ", " + std::to_string(by_rounds) + " " + rounds + ")";
}

// blind_gate_warning() is the warning for a comparison whose every point is noisy.
std::string blind_gate_warning(std::size_t points, std::size_t min_samples) {
  return "every compared point (" + std::to_string(points) +
         ") is noisy (see each point's reason: too few samples or CV above --max-cv), so the significance "
         "test judged none of them, and only --confirm's re-measuring rounds can still call one regressed; "
         "run more repetitions (at least --min-samples " +
         std::to_string(min_samples) + ") on a quieter machine";
}

}  // namespace

void decide_gate(Comparison& c) {
  const CompareOptions& o = c.options;
  const std::size_t regressed = c.count(Verdict::Regressed);
  std::string failing = newly_failing_text(c);
  if (const std::string incomplete = incomplete_text(c); !incomplete.empty())
    failing += (failing.empty() ? "" : "; ") + incomplete;
  const std::string failing_prefix = failing.empty() ? "" : failing + "; ";
  switch (o.fail_on) {
    case FailOn::Never:
      c.gate_failed = false;
      c.gate_message = "gate disabled (--fail-on never)" + (failing.empty() ? "" : "; " + failing);
      return;
    case FailOn::Regressed: {
      // Every point noisy: the gate could not have seen a regression, so its message says so, and
      // with --fail-unjudged it fails.
      const std::size_t noisy = c.count(Verdict::Noisy);
      const bool none_judged = !c.points.empty() && noisy == c.points.size();
      // Noisy points slower beyond the threshold in their whole interval: unjudged, but not blind.
      const auto slower = static_cast<std::size_t>(std::count_if(c.points.begin(), c.points.end(), [](const PointComparison& p) {
        return p.verdict == Verdict::Noisy && p.slower_beyond_threshold;
      }));
      const auto zero = static_cast<std::size_t>(std::count_if(c.points.begin(), c.points.end(),
                                                               [](const PointComparison& p) { return p.zero_median; }));
      c.gate_failed = regressed > 0 || !failing.empty() || (o.fail_unjudged && (none_judged || slower > 0 || zero > 0));
      const std::string significant = " with adjusted p < " + fmt::plain(o.alpha);
      c.gate_message = failing_prefix + (regressed > 0 ? std::to_string(regressed) + " point(s) regressed by at least " +
                                                             fmt::pct(o.threshold) + regressed_how(c, significant)
                                                       : "no point regressed by at least " + fmt::pct(o.threshold) +
                                                             significant +
                                                             (none_judged ? " (none could be judged: all " +
                                                                                std::to_string(noisy) + " compared point(s) are noisy" +
                                                                                (o.fail_unjudged ? "; --fail-unjudged fails it" : "") + ")"
                                                                          : std::string())) +
                       (slower > 0 ? "; " + std::to_string(slower) + " noisy point(s) slower beyond the threshold in "
                                     "their whole interval" + (o.fail_unjudged ? " (--fail-unjudged fails it)" : "")
                                   : std::string()) +
                       (zero > 0 ? "; " + std::to_string(zero) + " point(s) with a median of 0 ns (no ratio: unjudged)" +
                                       (o.fail_unjudged ? " (--fail-unjudged fails it)" : "")
                                 : std::string());
      return;
    }
    case FailOn::Geomean: {
      const bool above = c.geomean && *c.geomean > 1 + o.threshold;
      const bool ci_above = c.geomean_ci && c.geomean_ci->low > 1;
      // Re-measured points (confirm_regressions) enter at their rounds' ratio: the first runs'
      // geomean failed the gate while every round contradicted it (session 48's CLI review:
      // "0 regressed after confirmation" above "FAILED: geomean ratio 1.205 exceeds 1.050").
      c.confirmed_geomean.reset();
      c.geomean_remeasured = 0;
      std::vector<double> at_rounds;
      for (const PointComparison& p : c.points) {
        if (!(p.base.median > 0 && p.next.median > 0 && usable_ratio(p.ratio))) continue;  // as the geomean
        const bool remeasured = p.confirmed_ratio && usable_ratio(p.confirmed_ratio);
        at_rounds.push_back(remeasured ? *p.confirmed_ratio : *p.ratio);
        c.geomean_remeasured += remeasured;
      }
      if (c.geomean_remeasured > 0) c.confirmed_geomean = stats::geomean(at_rounds);
      const bool rounds_below = c.confirmed_geomean && *c.confirmed_geomean <= 1 + o.threshold;
      c.gate_failed = (above && ci_above && !rounds_below) || !failing.empty();
      // As many decimals as it takes for a geomean other than the limit to print differently from
      // it: 1.0504 against 1.05 read "geomean ratio 1.050 exceeds 1.050".
      const int decimals = c.geomean && *c.geomean != 1 + o.threshold
                               ? decimals_apart(*c.geomean, 1 + o.threshold, 3, 9,
                                                [](double x, int d) { return fmt::fixed(x, d); })
                               : 3;
      const std::string g = "geomean ratio " + (c.geomean ? fmt::fixed(*c.geomean, decimals) : std::string("n/a"));
      const std::string limit = fmt::fixed(1 + o.threshold, decimals);
      const std::string ci = c.geomean_ci ? " [" + fmt::fixed(c.geomean_ci->low, 3) + ", " +
                                                fmt::fixed(c.geomean_ci->high, 3) + "]"
                                          : std::string(" (no interval)");
      if (!above) c.gate_message = failing_prefix + g + " does not exceed " + limit;
      else if (!ci_above) c.gate_message = failing_prefix + g + " exceeds " + limit + " but its interval" + ci + " does not lie above 1";
      else c.gate_message = failing_prefix + g + " exceeds " + limit + " and its interval" + ci + " lies above 1";
      if (c.confirmed_geomean && above && ci_above)
        c.gate_message += std::string(rounds_below ? ", but" : ", and") + " with the " + std::to_string(c.geomean_remeasured) +
                          " re-measured point(s) at their confirmation rounds' ratios it is " +
                          fmt::fixed(*c.confirmed_geomean, decimals) + (rounds_below ? ", which does not exceed " : ", still above ") +
                          limit;
      return;
    }
  }
}

Comparison compare_results(const Results& base, const Results& next, const CompareOptions& options) {
  Comparison c;
  c.base_file = base.file;
  c.new_file = next.file;
  c.options = options;
  c.new_interrupted = next.context.interrupted;
  add_context_warnings(base, next, c.warnings);

  // A file with no points at all (a run interrupted before its first point finished) is named as
  // such; "no points in common with" it blamed the other file.
  for (const Results* r : {&base, &next})
    if (r->benchmarks.empty())
      throw InputError(r->file, "benchmarks",
                       "no points: this results file holds none (a run interrupted before its first point "
                       "finished?), so there is nothing to compare");
  std::vector<Matched> matched = match(base, next, c);
  if (matched.empty() && c.newly_failing.empty()) {
    throw InputError(next.file, "benchmarks",
                     c.not_compared.empty() ? "no points in common with " + base.file
                                            : "no point has status \"ok\" in both this file and " + base.file);
  }

  // Phase 2 and 3: summaries, noisy decisions, raw p-values; collect the Holm family.
  std::vector<double> family_p;
  std::vector<std::size_t> family_index;
  double best_reachable_p = 1;
  for (std::size_t i = 0; i < matched.size(); ++i) {
    PointComparison& r = matched[i].result;
    const auto& bs = matched[i].base->samples_ns;
    const auto& ns = matched[i].next->samples_ns;
    r.base = summarise(bs);
    r.next = summarise(ns);
    // A 0 ns median on either side has no ratio (compare.hpp): a new 0 ns read "-100.0%", ratio 0,
    // interval [0.000, 0.000] beside the warning that says so (helper-80).
    if (r.base.median > 0 && r.next.median > 0 && std::isfinite(r.next.median / r.base.median))
      r.ratio = r.next.median / r.base.median;
    if (!bs.empty() && !ns.empty()) r.p_value = stats::mann_whitney_u(bs, ns).p;
    // Every point listed gets its noise floor, a noisy one too: confirm_regressions() holds its
    // rounds to it (a noisy point's rounds were held to the threshold alone, and +10% rounds
    // against a 20% floor called it regressed).
    if (auto it = options.noise_floor.find(r.name); it != options.noise_floor.end()) r.noise_floor = it->second;
    r.reason = noisy_reason(r.base, r.next, options);
    r.zero_median = !bs.empty() && !ns.empty() && (r.base.median <= 0 || r.next.median <= 0);
    if (r.zero_median) {
      std::string files = r.base.median <= 0 ? base.file : "";
      if (r.next.median <= 0) files += (files.empty() ? "" : " and ") + next.file;
      c.warnings.push_back(r.name + " has a median of 0 ns in " + files + " (no ratio): no verdict can judge it, "
                           "whatever the other file measured; " +
                           (options.fail_unjudged ? "--fail-unjudged fails the gate on it"
                                                  : "--fail-unjudged would fail the gate on it"));
    }
    if (!r.reason.empty()) {
      r.verdict = Verdict::Noisy;
    } else {
      family_p.push_back(*r.p_value);
      family_index.push_back(i);
      best_reachable_p = std::min(best_reachable_p, smallest_p(bs, ns));
    }
    if (bs.size() >= options.min_samples && ns.size() >= options.min_samples && !r.zero_median) {
      const auto ci = stats::bootstrap_ratio_ci(bs, ns, 1 - options.alpha, stats::seed_for(r.name));
      if (ci && std::isfinite(ci->low) && std::isfinite(ci->high)) r.ratio_ci = ci;
    }
    // Noisy, yet slower beyond the threshold across its whole interval (see compare.hpp): the
    // verdict stays noisy, but the point is not passed over in silence.
    if (r.verdict == Verdict::Noisy && r.ratio_ci && usable_ratio(r.ratio)) {
      const double low = r.ratio_ci->low - 1;
      if (low >= options.threshold && (!r.noise_floor || low > *r.noise_floor)) {
        r.slower_beyond_threshold = true;
        const std::string interval = fmt::confidence(options.alpha) + " interval of the ratio [" +
                                     fmt::fixed(r.ratio_ci->low, 3) + ", " + fmt::fixed(r.ratio_ci->high, 3) + "]";
        r.reason += "; but slower beyond the threshold in its whole " + interval;
        c.warnings.push_back(r.name + std::string(kNoisySlower) + fmt::pct(options.threshold) +
                             " threshold in its whole " + interval + "; " +
                             (options.fail_unjudged ? "--fail-unjudged fails the gate on it"
                                                    : "--fail-unjudged would fail the gate on it"));
      }
    }
  }

  // Phase 4: Holm–Bonferroni over the family, then verdicts (see compare.hpp for why Holm).
  const std::vector<double> adjusted = stats::holm_bonferroni(family_p);
  c.family_size = family_p.size();
  for (std::size_t k = 0; k < family_index.size(); ++k) {
    PointComparison& r = matched[family_index[k]].result;
    r.p_adjusted = adjusted[k];
    const bool significant = adjusted[k] < options.alpha;
    const double change = *r.ratio - 1;
    const bool above_noise = !r.noise_floor || std::fabs(change) > *r.noise_floor;
    if (significant && above_noise && change >= options.threshold) r.verdict = Verdict::Regressed;
    else if (significant && above_noise && change <= -options.threshold) r.verdict = Verdict::Improved;
    else r.verdict = Verdict::Unchanged;
  }
  add_disturbed_warnings(matched, base.file, next.file, c.warnings);
  if (!options.noise_floor.empty()) {
    const auto unlisted = std::count_if(matched.begin(), matched.end(),
                                        [&](const Matched& m) { return !options.noise_floor.count(m.result.name); });
    if (unlisted > 0)
      c.warnings.push_back(std::to_string(unlisted) + " of " + std::to_string(matched.size()) +
                           " compared point(s) are not in the noise-floor file (--noise-floor); they use the "
                           "threshold alone");
  }
  if (c.family_size == 0 && !matched.empty()) {
    // The extreme of the warning below: no point got a significance test at all, so only the
    // re-measuring rounds (confirm_regressions) can still call one regressed; without them the
    // gate passes blind.
    c.warnings.push_back(blind_gate_warning(matched.size(), options.min_samples));
  }
  if (c.family_size > 0 && best_reachable_p * static_cast<double>(c.family_size) >= options.alpha) {
    c.warnings.push_back("no point can reach significance: with " + std::to_string(c.family_size) +
                         " points tested together (Holm) and these sample counts (and ties) the smallest possible "
                         "adjusted p is " + fmt::sig(best_reachable_p * static_cast<double>(c.family_size), 3) +
                         " >= alpha " + fmt::plain(options.alpha) + "; run more repetitions");
  }

  // Phase 5: geomean over every point with positive medians, its interval, then the gate.
  std::vector<double> ratios;
  std::vector<stats::SamplePair> pairs;
  for (Matched& m : matched) {
    if (m.result.base.median > 0 && m.result.next.median > 0 && usable_ratio(m.result.ratio)) {
      ratios.push_back(*m.result.ratio);
      pairs.emplace_back(m.base->samples_ns, m.next->samples_ns);
    }
    c.points.push_back(std::move(m.result));
  }
  if (!ratios.empty()) {
    c.geomean = stats::geomean(ratios);
    c.geomean_ci = stats::bootstrap_geomean_ci(pairs, 1 - options.alpha, stats::seed_for("ccbench/geomean"));
  }
  decide_gate(c);
  return c;
}

}  // namespace ccb::reports
