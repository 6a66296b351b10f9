// reports/gate_quality.cpp — see gate_quality.hpp.
#include "reports/gate_quality.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

#include "common/disturbance.hpp"
#include "common/fnv1a.hpp"
#include "common/json_text.hpp"
#include "common/text_width.hpp"
#include "common/visible_text.hpp"
#include "reports/child_run.hpp"
#include "reports/format_util.hpp"
#include "reports/json_path_parser.hpp"
#include "reports/results_loader.hpp"

namespace ccb::reports {

namespace {

std::string base_name(const std::string& name) {
  const auto pos = name.rfind("/impl:");
  return pos == std::string::npos ? name : name.substr(0, pos);
}

// remeasured_point() is point `name` of a re-measurement `more` when it is there with status "ok";
// otherwise nullptr, and a warning saying which.
const Point* remeasured_point(const Results& more, const std::string& name, std::vector<std::string>& warnings) {
  auto it = std::find_if(more.benchmarks.begin(), more.benchmarks.end(), [&](const Point& p) { return p.name == name; });
  if (it == more.benchmarks.end()) {
    warnings.push_back(more.file + ": re-measurement did not produce " + name);
    return nullptr;
  }
  if (!it->ok()) {
    warnings.push_back(more.file + ": re-measurement of " + name + " has status " + it->status +
                       (it->error.empty() ? "" : ": " + it->error));
    return nullptr;
  }
  return &*it;
}

// round_median() is the median of point `name` in `more`, or empty with a warning (also for a
// median of 0).
std::optional<double> round_median(const Results& more, const std::string& name, std::vector<std::string>& warnings) {
  const Point* p = remeasured_point(more, name, warnings);
  if (p == nullptr) return std::nullopt;
  // Kept (dropping it would let a busy machine keep every first verdict), but said: one disturbed
  // run of a round can hide a slowdown or fake one.
  if (p->disturbed())
    warnings.push_back(more.file + ": re-measurement of " + name + " ran while other processes kept " +
                       common::cpus_text(*p->other_cpus) + " busy (disturbed): that round's ratio may be theirs");
  if (p->samples_ns.empty()) {
    warnings.push_back(more.file + ": re-measurement of " + name + " has no samples");
    return std::nullopt;
  }
  const double m = stats::median(p->samples_ns);
  // A zero median has no ratio: on the new side its 0 reached the rounds' geomean, which threw
  // ("geomean: values must be positive"), and compare exited 1 as if the gate had failed.
  if (m <= 0) {
    warnings.push_back(more.file + ": re-measurement of " + name + " has a median of 0 ns (no ratio)");
    return std::nullopt;
  }
  return m;
}

}  // namespace

std::vector<std::string> append_samples(Results& into, const Results& more, const std::vector<std::string>& names) {
  std::vector<std::string> warnings;
  for (const std::string& name : names) {
    auto dst = std::find_if(into.benchmarks.begin(), into.benchmarks.end(), [&](const Point& p) { return p.name == name; });
    if (dst == into.benchmarks.end()) continue;
    const Point* src = remeasured_point(more, name, warnings);
    if (src == nullptr) continue;
    dst->samples_ns.insert(dst->samples_ns.end(), src->samples_ns.begin(), src->samples_ns.end());
    dst->repetitions = static_cast<std::int64_t>(dst->samples_ns.size());
  }
  return warnings;
}

bool confirmation_candidate(const PointComparison& p, const CompareOptions& options) {
  // Every point flagged regressed, and every point whose change alone reaches kScreenFraction of
  // the bar (threshold, or its noise floor if higher) though the first test did not call it
  // significant or called it noisy: that test's p-value rests on repetitions of single runs, and
  // one pair of runs can hide half of a real slowdown (see the header).
  if (p.verdict == Verdict::Regressed) return true;
  if (p.verdict == Verdict::Improved || !p.ratio) return false;
  const double bar = std::max(options.threshold, p.noise_floor.value_or(0.0));
  return *p.ratio - 1 >= kScreenFraction * bar;
}

Comparison confirm_regressions(const Results& base, const Results& next, const CompareOptions& options, int rounds,
                               const Remeasure& remeasure) {
  Comparison c = compare_results(base, next, options);
  const auto candidate = [&](const PointComparison& p) { return confirmation_candidate(p, options); };
  if (rounds <= 0 || std::none_of(c.points.begin(), c.points.end(), candidate)) return c;
  std::size_t flagged = 0, still = 0;
  const std::size_t first_regressed = c.count(Verdict::Regressed);
  std::vector<std::string> answered;  // re-measured points whose verdict the rounds decided
  for (PointComparison& p : c.points) {
    if (!candidate(p)) continue;
    ++flagged;
    p.first_verdict = p.verdict;
    // Sequential: stop at the first round that does not show the slowdown (see the header).
    const double floor = std::max(options.threshold, p.noise_floor.value_or(0.0));
    auto passes = [&](double r) { return r - 1 >= floor && (!p.noise_floor || r - 1 > *p.noise_floor); };
    bool failed = false;
    for (int round = 1; round <= rounds && !failed; ++round) {
      std::optional<double> med[2];  // [0] base, [1] new
      for (int k = 0; k < 2; ++k) {
        const bool base_side = (k == 0) == (round % 2 == 1);
        med[base_side ? 0 : 1] = round_median(remeasure(base_side, {p.name}, round), p.name, c.warnings);
      }
      if (!med[0] || !med[1]) continue;
      p.confirm_ratios.push_back(*med[1] / *med[0]);
      failed = !passes(p.confirm_ratios.back());
    }
    if (!p.confirm_ratios.empty()) p.confirmed_ratio = stats::geomean(p.confirm_ratios);
    if (failed || p.confirm_ratios.size() == static_cast<std::size_t>(rounds)) answered.push_back(p.name);
    if (failed) {
      if (p.verdict == Verdict::Regressed) p.verdict = Verdict::Unchanged;
      p.slower_beyond_threshold = false;  // a round did not show it: the interval no longer fails the gate
      p.reason = (p.reason.empty() ? "" : p.reason + "; ") + "not confirmed: confirmation round " +
                 std::to_string(p.confirm_ratios.size()) + " measured " + fmt::pct(p.confirm_ratios.back() - 1, 1, true) +
                 ", less than the " + (p.noise_floor && *p.noise_floor > options.threshold ? "noise floor" : "threshold");
    } else if (p.confirm_ratios.size() < static_cast<std::size_t>(rounds)) {
      c.warnings.push_back(p.name + ": only " + std::to_string(p.confirm_ratios.size()) + " of " +
                           std::to_string(rounds) + " confirmation round(s) measured; the first verdict stands");
      if (p.verdict == Verdict::Regressed) ++still;
    } else {
      ++still;
      p.verdict = Verdict::Regressed;
      p.reason.clear();
    }
  }
  // The first comparison's warning that a verdict may be the disturbance's ("rerun on a quieter
  // machine (or re-measure with --confirm)") is answered for a re-measured point: its rounds ran
  // now, back to back, and its verdict is theirs. (Before, it stayed after 6 rounds had
  // confirmed the regression, or after one had refuted it: session 48's CLI review.)
  // A point whose rounds ran short keeps its first verdict, and the warning.
  // So is the warning that a noisy point is slower beyond the threshold ("--fail-unjudged fails the
  // gate on it"): its rounds judged it, regressed or not (helper-80: after a round had refuted it
  // and the gate passed, the warning still said --fail-unjudged failed the gate on it).
  for (const std::string& name : answered)
    std::erase_if(c.warnings, [&](const std::string& w) {
      return is_disturbance_warning(w, name) || is_noisy_slower_warning(w, name);
    });
  c.confirm_rounds = rounds;
  c.warnings.push_back(std::to_string(flagged) + " point(s) at least " + fmt::pct(kScreenFraction * options.threshold) +
                       " slower (" + std::to_string(first_regressed) + " flagged regressed) were re-measured in up to " +
                       std::to_string(rounds) + " round(s) of a base run and a new run back to back; " +
                       std::to_string(still) + " regressed after confirmation");
  decide_gate(c);
  return c;
}

namespace {

std::optional<ExecutableIdentity> identity_of(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return ExecutableIdentity{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                            static_cast<std::int64_t>(st.st_size),
                            static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec};
}

// missing() says why a recorded binary is not at its recorded path. A path is recorded as UTF-8:
// bytes of it that are not UTF-8 (a Latin-1 directory name) were written as U+FFFD
// (common::json_text), and such a path names no file; "gone" would send the user looking for a
// deleted binary that is still there.
std::string missing(const std::string& path) {
  if (path.find("\xEF\xBF\xBD") != std::string::npos)
    return "its recorded path names no file: bytes of it that are not UTF-8 were written as U+FFFD";
  return "it is gone";
}

}  // namespace

std::string executable_change(const std::string& path, const ExecutableIdentity& was) {
  const std::optional<ExecutableIdentity> now = identity_of(path);
  if (!now) return missing(path);
  if (now->dev != was.dev || now->ino != was.ino) return "another file is at its path now (replaced)";
  if (now->size != was.size || now->mtime_ns != was.mtime_ns) return "its size or modification time changed (rebuilt?)";
  return {};
}

namespace {

// file_text() names a recorded binary: "/x/ccbench (size 8, modified at 4 ns)".
std::string file_text(const std::string& path, std::int64_t size, std::int64_t mtime_ns) {
  return path + " (size " + std::to_string(size) + ", modified at " + std::to_string(mtime_ns) + " ns)";
}

}  // namespace

std::string other_build(const Context& measured, const Context& rerun) {
  if (!measured.executable_size || !measured.executable_mtime_ns || !rerun.executable_size || !rerun.executable_mtime_ns)
    return {};
  if (measured.executable == rerun.executable && *measured.executable_size == *rerun.executable_size &&
      *measured.executable_mtime_ns == *rerun.executable_mtime_ns)
    return {};
  return file_text(rerun.executable, *rerun.executable_size, *rerun.executable_mtime_ns) + ", not " +
         file_text(measured.executable, *measured.executable_size, *measured.executable_mtime_ns);
}

std::string program_change(const Context::Program& recorded) {
  const std::optional<ExecutableIdentity> now = identity_of(recorded.path);
  if (!now) return missing(recorded.path);
  if (now->size == recorded.size && now->mtime_ns == recorded.mtime_ns) return {};
  // The same bytes are the same build: touched, or rebuilt from the same sources by the same Go
  // (ccbench-go's build is reproducible), as a fresh build tree or a checkout that touched the
  // sources does.
  if (recorded.fnv1a64 && common::file_fnv1a64(recorded.path) == recorded.fnv1a64) return {};
  return "its size or modification time changed (rebuilt?)";
}

std::string other_go_build(const Context& measured, const Context& rerun) {
  if (!measured.go_binary || !rerun.go_binary || measured.go_binary->same_file(*rerun.go_binary)) return {};
  const Context::Program &m = *measured.go_binary, &r = *rerun.go_binary;
  if (m.fnv1a64 && m.fnv1a64 == r.fnv1a64) return {};  // the same bytes: the same build
  return file_text(r.path, r.size, r.mtime_ns) + ", not " + file_text(m.path, m.size, m.mtime_ns);
}

bool measures_go(const Results& r, const std::vector<std::string>& names) {
  const std::set<std::string> wanted(names.begin(), names.end());
  return std::any_of(r.benchmarks.begin(), r.benchmarks.end(),
                     [&](const Point& p) { return p.impl == "go" && wanted.count(p.name) != 0; });
}

std::optional<std::string> rerun_command(const Results& r, std::string& why_not, ExecutableIdentity* identity) {
  const Context& ctx = r.context;
  if (!ctx.invocation_known || ctx.argv.size() < 2) {
    why_not = r.file + " does not record the command that produced it (context.invocation)";
    return std::nullopt;
  }
  if (ctx.argv[1] != "run") {
    why_not = r.file + " was not written by `ccbench run`";
    return std::nullopt;
  }
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || ctx.host_name != host) {
    why_not = r.file + " was measured on host \"" + ctx.host_name + "\", not this one";
    return std::nullopt;
  }
  const std::optional<ExecutableIdentity> id = identity_of(ctx.executable);
  if (!id) {
    why_not = r.file + ": its binary " + ctx.executable + " cannot be run (" + missing(ctx.executable) + ")";
    return std::nullopt;
  }
  if (!ctx.executable_size || !ctx.executable_mtime_ns || *ctx.executable_size != id->size ||
      *ctx.executable_mtime_ns != id->mtime_ns) {
    why_not = r.file + ": its binary " + ctx.executable + " has changed since the run (rebuilt?)";
    return std::nullopt;
  }
  if (identity != nullptr) *identity = *id;
  std::string cmd = "env -u CCB_INJECT_DELAY_NS -u CCB_INJECT_SLOWDOWN -u CCB_INJECT_WORKLOAD -u CCB_CHAOS -u CCB_CHAOS_SEED";
  if (ctx.injection) {
    const bool slow = ctx.injection_slowdown && *ctx.injection_slowdown > 0;
    if (!slow && !ctx.injection_delay_ns) {
      why_not = r.file + ": its CCB_INJECT_DELAY_NS value is not recorded";
      return std::nullopt;
    }
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, slow ? *ctx.injection_slowdown : *ctx.injection_delay_ns);
    cmd += (slow ? " CCB_INJECT_SLOWDOWN=" : " CCB_INJECT_DELAY_NS=") + std::string(buf, res.ptr);
    if (ctx.injection_workload) cmd += " CCB_INJECT_WORKLOAD=" + shell_quote(*ctx.injection_workload);
  }
  if (ctx.chaos) {
    cmd += " CCB_CHAOS=1";
    if (ctx.chaos_seed) cmd += " CCB_CHAOS_SEED=" + std::to_string(*ctx.chaos_seed);
  }
  if (ctx.go_binary) cmd += " CCB_GO_BINARY=" + shell_quote(ctx.go_binary->path);
  cmd += " " + shell_quote(ctx.executable) + " run";
  static const std::set<std::string> kWithValue = {"--out", "--report", "--format", "--filter", "--resume"};
  for (std::size_t i = 2; i < ctx.argv.size(); ++i) {
    const std::string& a = ctx.argv[i];
    if (a == "--quiet") continue;
    if (kWithValue.count(a)) {
      ++i;
      continue;
    }
    const auto eq = a.find('=');
    if (eq != std::string::npos && kWithValue.count(a.substr(0, eq))) continue;
    cmd += " " + shell_quote(a);
  }
  return cmd;
}

namespace {

// zero_median_reason() says in which file(s) of pair (a, b) point `p` has a zero median.
std::string zero_median_reason(const PointComparison& p, const Results& a, const Results& b) {
  std::string files;
  if (p.base.median <= 0) files = a.file;
  if (p.next.median <= 0) files += (files.empty() ? "" : " and ") + b.file;
  return "median is 0 ns in " + files + " (no ratio)";
}

// kMaxNamed: how many points a message names before "and N more".
constexpr std::size_t kMaxNamed = 5;

// other_build_warnings() names what shows that A/A pair (a, b) comes from two builds: another
// context.git_commit, or another ccbench binary (other_build(): path, size or modification time,
// when both files record them). Empty when nothing does. Not in pair_warnings(): compare's BASE
// and NEW are two builds as a rule.
std::vector<std::string> other_build_warnings(const Results& a, const Results& b) {
  const std::string consequence = "; not an A/A pair (two builds): its noise floors include the change between them";
  std::vector<std::string> out;
  if (a.context.git_commit != b.context.git_commit)
    out.push_back("files differ in git_commit: \"" + a.context.git_commit + "\" (" + a.file + ") vs \"" +
                  b.context.git_commit + "\" (" + b.file + ")" + consequence);
  if (const std::string diff = other_build(a.context, b.context); !diff.empty())
    out.push_back(b.file + " was measured by the binary " + diff + " as " + a.file + " was" + consequence);
  return out;
}

}  // namespace

NoiseFloor calibrate(const std::vector<std::pair<Results, Results>>& pairs) {
  NoiseFloor nf;
  nf.pairs = static_cast<int>(pairs.size());
  std::string culprit;  // the file the first dropped point's reason names (for InputError)
  auto drop = [&nf, &culprit](const std::string& name, const std::string& why, const std::string& file) {
    if (culprit.empty()) culprit = file;
    auto& [reason, times] = nf.dropped[name];
    if (reason.empty()) reason = why;
    ++times;
  };
  for (const auto& [a, b] : pairs) {
    const Comparison c = compare_results(a, b, CompareOptions{});
    nf.regressed_with_defaults.push_back(c.count(Verdict::Regressed));
    std::vector<std::string> warnings = pair_warnings(a, b, "not an A/A pair: its noise floors include this difference");
    const std::vector<std::string> builds = other_build_warnings(a, b);
    if (!builds.empty()) ++nf.other_build_pairs;
    warnings.insert(warnings.end(), builds.begin(), builds.end());
    if (same_samples(a, b))
      warnings.push_back(a.file + " and " + b.file + " hold the same samples (the same file twice?): not two runs, so "
                         "this pair measures no noise (0%)");
    std::set<std::string> disturbed;  // points either run measured while others kept CPUs busy
    for (const Results* r : {&a, &b})
      for (const Point& p : r->benchmarks)
        if (p.disturbed()) disturbed.insert(p.name);
    if (!disturbed.empty())
      warnings.push_back(a.file + " and " + b.file + ": " + std::to_string(disturbed.size()) + " point(s) (" +
                         *disturbed.begin() + (disturbed.size() > 1 ? ", …" : "") +
                         ") were measured while other processes kept " + common::cpus_text(common::kDisturbedOtherCpus) +
                         " or more busy: their noise floors include that load");
    for (const std::string& w : warnings)
      if (std::find(nf.warnings.begin(), nf.warnings.end(), w) == nf.warnings.end()) nf.warnings.push_back(w);
    for (const PointComparison& p : c.points) {
      if (p.base.median <= 0 || p.next.median <= 0) {
        drop(p.name, zero_median_reason(p, a, b), p.base.median <= 0 ? a.file : b.file);
        continue;
      }
      if (!p.ratio || !std::isfinite(*p.ratio) || *p.ratio <= 0) {
        drop(p.name, "ratio of medians is not a finite positive number", b.file);
        continue;
      }
      auto& [floor, seen] = nf.points[p.name];
      floor = std::max(floor, std::fabs(*p.ratio - 1));
      ++seen;
    }
    for (const NotCompared& n : c.newly_failing) drop(n.name, n.reason, b.file);
    for (const NotCompared& n : c.not_compared)
      drop(n.name, n.reason, n.reason.rfind("base", 0) == 0 ? a.file : b.file);
    for (const std::string& n : c.only_in_base) drop(n, "only in " + a.file, a.file);
    for (const std::string& n : c.only_in_new) drop(n, "only in " + b.file, b.file);
  }
  if (nf.points.empty()) {
    std::string why;
    std::size_t named = 0;
    for (const auto& [name, v] : nf.dropped) {
      if (named++ == kMaxNamed) break;
      why += (why.empty() ? "" : "; ") + name + ": " + v.first;
    }
    if (nf.dropped.size() > kMaxNamed) why += "; and " + std::to_string(nf.dropped.size() - kMaxNamed) + " more";
    throw InputError(culprit.empty() ? std::string("<none>") : culprit, "benchmarks",
                     "no point left to calibrate: every point was dropped (" + why + ")");
  }
  // compare --threshold must be below 100%: a noise floor that rounds up to 100% or more leaves
  // no threshold that noise cannot reach, so there is no suggestion, and the points are named.
  // rounded() is the smallest whole percent, as compare reads "N%" (N / 100), not below `floor`:
  // a floor of 0.30000000000000004 (1.3 / 1 - 1) was suggested as 30%, under which compare called
  // that very change regressed (>= threshold).
  auto rounded = [](double floor) {
    double percent = std::ceil(floor * 100 - 1e-9);  // 0.07 * 100 is 7.000000000000001: 7%, not 8%
    if (percent / 100 < floor) ++percent;
    return percent / 100;
  };
  double largest = 0;
  for (const auto& [name, v] : nf.points) {
    largest = std::max(largest, v.first);
    if (rounded(v.first) >= 1) nf.too_noisy.emplace_back(name, v.first);
  }
  std::stable_sort(nf.too_noisy.begin(), nf.too_noisy.end(),
                   [](const auto& x, const auto& y) { return x.second > y.second; });
  if (nf.too_noisy.empty()) nf.suggested_threshold = std::max(0.01, rounded(largest));
  return nf;
}

std::string noise_floor_json(const NoiseFloor& nf) {
  nlohmann::ordered_json j;
  j["tool"] = "ccbench calibrate";
  j["pairs"] = nf.pairs;
  j["suggested_threshold"] = nf.suggested_threshold ? nlohmann::ordered_json(*nf.suggested_threshold) : nullptr;
  j["regressed_with_defaults"] = nf.regressed_with_defaults;
  j["points"] = nlohmann::ordered_json::object();
  for (const auto& [name, v] : nf.points) j["points"][name] = {{"noise_floor", v.first}, {"pairs", v.second}};
  j["dropped"] = nlohmann::ordered_json::object();
  for (const auto& [name, v] : nf.dropped) j["dropped"][name] = {{"reason", v.first}, {"pairs", v.second}};
  return common::json_text(j);  // file names: any bytes
}

std::string no_threshold_text(const NoiseFloor& nf) {
  if (nf.suggested_threshold) return {};
  std::string s = "no --threshold below 100% (the most compare accepts) lies above the noise: ";
  for (std::size_t i = 0; i < nf.too_noisy.size() && i < kMaxNamed; ++i)
    s += (i ? ", " : "") + nf.too_noisy[i].first + " (" + fmt::pct(nf.too_noisy[i].second) + ")";
  if (nf.too_noisy.size() > kMaxNamed) s += " and " + std::to_string(nf.too_noisy.size() - kMaxNamed) + " more";
  return s + (nf.too_noisy.size() == 1 ? " changes" : " change") +
         " that much between runs of the same build";
}

std::string noise_floor_table(const NoiseFloor& nf) {
  std::vector<std::vector<std::string>> rows = {{"point", "noise floor (largest |change| of the median)"}};
  for (const auto& [name, v] : nf.points) rows.push_back({common::visible_text(name), fmt::pct(v.first)});
  // "of the same build" only while no pair shows two builds (other_build_warnings()).
  std::string out = "A/A calibration: " + std::to_string(nf.pairs) + " pair(s) of runs" +
                    (nf.other_build_pairs == 0 ? std::string(" of the same build")
                                               : "; " + std::to_string(nf.other_build_pairs) + " of them of two different builds " +
                                                     "(not A/A: see the warnings; their changes count as noise)") + "\n";
  out += common::render_columns(rows, {});
  if (!nf.dropped.empty()) {
    out += "dropped (no noise floor from these pairs):\n";
    for (const auto& [name, v] : nf.dropped)
      out += "  " + common::visible_text(name) + ": " + common::visible_text(v.first) + " (" + std::to_string(v.second) + " of " + std::to_string(nf.pairs) +
             " pair(s))\n";
  }
  std::size_t total = 0;
  for (std::size_t r : nf.regressed_with_defaults) total += r;
  out += "regressed verdicts of single-run compares (default options, before confirmation): " + std::to_string(total) + " over " +
         std::to_string(nf.pairs) + " A/A compare(s)\n";
  if (nf.suggested_threshold) {
    out += "suggested --threshold: " + fmt::pct(*nf.suggested_threshold) +
           " (the largest noise floor, rounded up); or pass this file to compare --noise-floor\n";
  } else {
    out += "suggested --threshold: none: " + no_threshold_text(nf) + "\n";
  }
  return out;
}

std::map<std::string, double> load_noise_floor(const std::string& file) {
  // A directory opens as a stream that reads nothing: it was reported as "file is empty".
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) throw InputError(file, "", "not a regular file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file, "", "cannot open file for reading");
  // The results loader's limit: a 300 MB file took 5.7 s and 620 MB of memory to be refused.
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) throw InputError(file, "", "cannot read file (not a regular file?)");
  if (static_cast<std::uint64_t>(size) > kMaxFileBytes)
    throw InputError(file, "", "file is " + std::to_string(size) + " bytes, more than the limit of " +
                                   std::to_string(kMaxFileBytes));
  in.seekg(0, std::ios::beg);
  std::ostringstream buf;
  buf << in.rdbuf();
  const nlohmann::ordered_json j = parse_json_strict(buf.str(), file);
  if (!j.is_object() || j.value("tool", "") != "ccbench calibrate")
    throw InputError(file, "tool", "not a noise-floor file (expected \"tool\": \"ccbench calibrate\")");
  auto it = j.find("points");
  if (it == j.end() || !it->is_object()) throw InputError(file, "points", "expected an object");
  std::map<std::string, double> out;
  for (const auto& [name, v] : it->items()) {
    const std::string path = "points." + name + ".noise_floor";
    if (!v.is_object() || !v.contains("noise_floor") || !v["noise_floor"].is_number())
      throw InputError(file, path, "expected a number");
    const double x = v["noise_floor"].get<double>();
    if (!(x >= 0) || !std::isfinite(x)) throw InputError(file, path, "expected a finite number >= 0");
    out[name] = x;
  }
  return out;
}

std::string point_filter(const std::vector<std::string>& names) {
  std::set<std::string> bases;
  for (const std::string& n : names) bases.insert(base_name(n));
  std::string re = "^(";
  bool first = true;
  for (const std::string& b : bases) {
    if (!first) re += "|";
    first = false;
    for (char c : b) {
      if (std::string_view(".[]()*+?{}|^$\\").find(c) != std::string_view::npos) re += '\\';
      re += c;
    }
  }
  return re + ")$";
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

Results run_and_load(const std::string& command, const std::string& filter, const std::string& out_file,
                     const std::string& label) {
  // The user's --out/--quiet/--format/--report would clash with ours; so would a --filter when we
  // set one. Without one of ours, the user's --filter stays (calibrate --run 'ccbench run --filter …').
  std::string cmd = strip_run_options(command, filter.empty());
  if (!filter.empty()) cmd += " --filter " + shell_quote(filter);
  cmd += " --out " + shell_quote(out_file) + " --quiet";
  std::error_code ec;
  std::filesystem::remove(out_file, ec);
  const int code = run_shell(cmd);  // throws Interrupted
  if (code != 0 && !(code == 1 && std::filesystem::exists(out_file, ec)))
    throw std::runtime_error("command failed (exit " + std::to_string(code) + "): " + cmd);
  // Exit 0 without the file: not a `ccbench run` command. (load_results() said "no such file",
  // naming a file in the temporary directory that was gone by the time the user read it.)
  if (!std::filesystem::exists(out_file, ec))
    throw std::runtime_error("the command exited 0 but wrote no results to the --out added to it: " + cmd +
                             " (is it a `ccbench run ...` command?)");
  Results r = load_results(out_file);
  // A re-measurement must be measured: a run that took its points from an earlier file (run
  // --resume, e.g. added by a wrapper script; strip_run_options() removed the command's own) holds
  // that file's samples, and every confirmation round re-read them.
  if (r.context.resumed)
    throw std::runtime_error("the run took its points from an earlier results file (context.resumed: " +
                             *r.context.resumed + ") instead of measuring them; a re-measurement must be measured "
                             "fresh (no --resume): " + cmd);
  // A run stopped before its end (its hang watchdog: exit 1 with the points finished, signal
  // "hang") measured only some points: such a round or pair is no evidence, and a candidate that
  // hangs would otherwise be run again in every round and read as one whose points failed.
  if (r.context.interrupted)
    throw std::runtime_error("the run stopped before its end (context.interrupted: " + *r.context.interrupted +
                             "; a hang is CCB_RUN_TIMEOUT's), so its points are not all measured: " + cmd);
  // Warnings name results by their file; this one is removed with the scratch directory (a
  // calibrate warning said "/tmp/ccbench-…/a1.json and /tmp/ccbench-…/b1.json hold the same samples").
  r.file = label;
  return r;
}

}  // namespace ccb::reports
