// tests/reports/compare_test.cpp — `ccbench compare`'s verdicts and gate end to end on the checked-in
// fixtures (A/A, ±20%, noisy, few samples, other machine, bad input); points failed or not
// applicable are in compare_failed_test.cpp, options, messages and output formats in
// compare_cli_test.cpp.
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli_helper.hpp"
#include "compare_fixtures.hpp"
#include "reports/compare.hpp"
#include "reports/cli.hpp"
#include "reports/compare_format.hpp"
#include "reports/format_util.hpp"
#include "reports/gate_quality.hpp"
#include "reports/results_loader.hpp"

namespace ccb::reports {
namespace {

using namespace test_compare;
using test::data;
using test::run_cli;

Comparison compare_files(const std::string& base, const std::string& next, CompareOptions o = {}) {
  return compare_results(load_results(data(base)), load_results(data(next)), o);
}

TEST(CompareTest, AAWithItselfIsAllUnchanged) {
  const Comparison c = compare_files("base.json", "base.json");
  EXPECT_EQ(c.points.size(), 48u);  // 50 entries, 2 threads points not applicable
  EXPECT_EQ(c.count(Verdict::Unchanged), 48u);
  EXPECT_EQ(c.not_compared.size(), 2u);
  EXPECT_NEAR(*c.geomean, 1.0, 1e-12);
  // The same file twice (base.json records no warnings of its own): said once, and not an error.
  const std::string path = data("base.json");
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_EQ(c.warnings[0], path + " and " + path + " hold the same samples (the same file twice?): not two runs, "
                           "so every change is 0% and no point can regress or improve");
  EXPECT_EQ(run_cli({"compare", path, path}).code, 0);
}

// Regression: a file compared with itself printed each of its recorded warnings twice ("a.json
// recorded: load average …" for base, then the same line for new). A copy under another name has
// its own lines, and two different runs get no same-samples warning.
TEST(CompareTest, TheSameFileTwiceRepeatsNoRecordedWarning) {
  Results base = load_results(data("base.json"));
  base.file = "a.json";
  base.context.warnings = {"load average 1.16 at start exceeds 0.2 x 2 online CPUs (0.40)"};
  const Comparison c = compare_results(base, base, {});
  EXPECT_EQ(c.warnings, (std::vector<std::string>{
                            "a.json and a.json hold the same samples (the same file twice?): not two runs, so "
                            "every change is 0% and no point can regress or improve",
                            "a.json recorded: load average 1.16 at start exceeds 0.2 x 2 online CPUs (0.40)"}));
  Results copy = base;
  copy.file = "b.json";
  EXPECT_EQ(compare_results(base, copy, {}).warnings.size(), 3u);
  Results rerun = copy;
  rerun.benchmarks[0].samples_ns[0] *= 1.001;
  const Comparison two_runs = compare_results(base, rerun, {});
  EXPECT_EQ(two_runs.warnings, (std::vector<std::string>{
                                   "a.json recorded: load average 1.16 at start exceeds 0.2 x 2 online CPUs (0.40)",
                                   "b.json recorded: load average 1.16 at start exceeds 0.2 x 2 online CPUs (0.40)"}));
}

// A file measured with CCB_CHAOS=1 (context.chaos) is named in the warnings, as one measured with
// a CCB_INJECT_* test hook is.
TEST(CompareTest, WarnsAboutAFileMeasuredWithChaos) {
  Results base = load_results(data("base.json"));
  Results chaotic = base;
  chaotic.file = "chaos.json";
  chaotic.context.chaos = true;
  chaotic.benchmarks[0].samples_ns[0] *= 1.001;  // another run, not base's samples again
  const Comparison c = compare_results(base, chaotic, {});
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_EQ(c.warnings[0], "chaos.json was measured with CCB_CHAOS=1 (the runtime's fault injection perturbed it)");
}

// A file from an interrupted run (context.interrupted) is named, since it lacks the points it never
// reached (they are listed as only in the other file).
TEST(CompareTest, WarnsAboutAnInterruptedRun) {
  Results base = load_results(data("base.json"));
  Results stopped = base;
  stopped.file = "stopped.json";
  stopped.context.interrupted = "SIGINT after 8 of 50 points";
  stopped.benchmarks.resize(16);
  stopped.benchmarks[0].samples_ns[0] *= 1.001;  // another run, not base's samples again
  const Comparison c = compare_results(base, stopped, {});
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_EQ(c.warnings[0], "stopped.json is an interrupted run (SIGINT after 8 of 50 points): it holds only those points");
  EXPECT_EQ(c.only_in_base.size(), base.benchmarks.size() - 16);
  // Regression (session 42's reports audit): the gate passed on the points such a NEW file held
  // (a CI job whose candidate run a timeout stopped went green). It fails under both gates now;
  // --fail-on never reports it; an interrupted BASE does not fail it, nor a complete NEW.
  const std::string why = "stopped.json is an interrupted run (SIGINT after 8 of 50 points): " +
                          std::to_string(base.benchmarks.size() - 16) + " point(s) of " + base.file +
                          " were not measured";
  for (FailOn gate : {FailOn::Regressed, FailOn::Geomean, FailOn::Never}) {
    CompareOptions o;
    o.fail_on = gate;
    const Comparison g = compare_results(base, stopped, o);
    EXPECT_EQ(g.gate_failed, gate != FailOn::Never) << g.gate_message;
    EXPECT_NE(g.gate_message.find(why), std::string::npos) << g.gate_message;
    EXPECT_FALSE(compare_results(stopped, base, o).gate_failed) << compare_results(stopped, base, o).gate_message;
  }
  Results whole = base;
  whole.file = "whole.json";
  whole.context.interrupted = "SIGINT after 50 of 50 points";  // stopped after its last point
  whole.benchmarks[0].samples_ns[0] *= 1.001;
  EXPECT_FALSE(compare_results(base, whole, {}).gate_failed);
}

// Regression: a geomean just past the limit printed as equal to it: "FAILED: geomean ratio 1.050
// exceeds 1.050". The message now has the decimals that tell them apart.
TEST(CompareTest, GeomeanGateMessageNeverShowsTheGeomeanEqualToTheLimitItExceeds) {
  CompareOptions o;
  o.fail_on = FailOn::Geomean;
  const auto [base, next] = synthetic_pair(3, {100, 100.01, 100.02, 100.03, 100.04, 100.05, 100.06},
                                           {105.04, 105.05, 105.06, 105.07, 105.08, 105.09, 105.1});
  const Comparison c = compare_results(base, next, o);
  ASSERT_TRUE(c.gate_failed);
  EXPECT_EQ(c.gate_message.rfind("geomean ratio 1.0504 exceeds 1.0500 and its interval", 0), 0u) << c.gate_message;
  o.threshold = 0.06;  // far from the limit: three decimals as before
  EXPECT_EQ(compare_results(base, next, o).gate_message, "geomean ratio 1.050 does not exceed 1.060");
}

TEST(CompareTest, AAWithIndependentRerunHasNoRegression) {
  const Comparison c = compare_files("base.json", "rerun.json");
  EXPECT_EQ(c.count(Verdict::Regressed), 0u);
  EXPECT_EQ(c.count(Verdict::Improved), 0u);
  EXPECT_NEAR(*c.geomean, 1.0, 0.02);
  EXPECT_LT(c.geomean_ci->low, 1.0 + 0.05);
  const auto r = run_cli({"compare", data("base.json"), data("rerun.json"), "--fail-on", "regressed"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(run_cli({"compare", data("base.json"), data("rerun.json"), "--fail-on", "geomean"}).code, 0);
}

TEST(CompareTest, TwentyPercentSlowerRegressesEveryPointAndFailsTheGate) {
  const Comparison c = compare_files("base.json", "slower20.json");
  ASSERT_EQ(c.points.size(), 48u);
  for (const PointComparison& p : c.points) {
    EXPECT_EQ(p.verdict, Verdict::Regressed) << p.name << " " << p.reason;
    EXPECT_NEAR(*p.ratio, 1.2, 1e-4) << p.name;
    EXPECT_LT(*p.p_adjusted, 0.05) << p.name;
    ASSERT_TRUE(p.ratio_ci.has_value());
    EXPECT_GT(p.ratio_ci->low, 1.0) << p.name;
  }
  EXPECT_NEAR(*c.geomean, 1.2, 1e-4);
  EXPECT_TRUE(c.gate_failed);
  const auto r = run_cli({"compare", data("base.json"), data("slower20.json"), "--fail-on", "regressed"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("48 regressed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("gate (--fail-on regressed): FAILED"), std::string::npos) << r.out;
  EXPECT_EQ(run_cli({"compare", data("base.json"), data("slower20.json"), "--fail-on", "geomean"}).code, 1);
  EXPECT_EQ(run_cli({"compare", data("base.json"), data("slower20.json"), "--fail-on", "never"}).code, 0);
  // A 25% threshold makes a 20% slowdown "unchanged".
  EXPECT_EQ(run_cli({"compare", data("base.json"), data("slower20.json"), "--threshold", "25%"}).code, 0);
}

TEST(CompareTest, TwentyPercentFasterImprovesEveryPointAndPasses) {
  const Comparison c = compare_files("base.json", "faster20.json");
  EXPECT_EQ(c.count(Verdict::Improved), c.points.size());
  EXPECT_NEAR(*c.geomean, 0.8, 1e-4);
  EXPECT_EQ(run_cli({"compare", data("base.json"), data("faster20.json"), "--fail-on", "regressed"}).code, 0);
  EXPECT_EQ(run_cli({"compare", data("base.json"), data("faster20.json"), "--fail-on", "geomean"}).code, 0);
}

TEST(CompareTest, HighVarianceIsNoisyNotRegressed) {
  const Comparison c = compare_files("base.json", "noisy.json");
  EXPECT_EQ(c.count(Verdict::Regressed), 0u);
  EXPECT_EQ(c.count(Verdict::Noisy), c.points.size());
  for (const PointComparison& p : c.points) {
    EXPECT_NE(p.reason.find("CV above 10.0% (new "), std::string::npos) << p.reason;
    EXPECT_FALSE(p.p_adjusted.has_value());
  }
  EXPECT_EQ(run_cli({"compare", data("base.json"), data("noisy.json")}).code, 0);
}

// Regression (helper-43's audit): a CV of 10.01% against the 10% limit read "CV above 10.0% (base
// 10.0%, new 10.0%)". The CV now has the decimals that tell it from the limit.
TEST(CompareTest, ACvJustAboveTheLimitIsPrintedAboveIt) {
  const auto [base, next] = synthetic_pair(1, {89.99, 89.99, 89.99, 100, 110.01, 110.01, 110.01});
  const Comparison c = compare_results(base, next, CompareOptions{});
  ASSERT_EQ(c.points.size(), 1u);
  EXPECT_EQ(c.points[0].reason, "CV above 10.0% (base 10.01%, new 10.01%)");
}

TEST(CompareTest, TooFewSamplesIsNoisyAndSaysSo) {
  const Comparison c = compare_files("base.json", "few_samples.json");
  EXPECT_EQ(c.count(Verdict::Noisy), c.points.size());
  EXPECT_EQ(c.points[0].reason, "too few samples (base 10, new 3; need 5)");
  EXPECT_FALSE(c.points[0].ratio_ci.has_value());
}

TEST(CompareTest, OtherMachineWarnsAndListsUnmatchedPoints) {
  const Comparison c = compare_files("base.json", "other_machine.json");
  auto warned = [&](const std::string& what) {
    for (const std::string& w : c.warnings) {
      if (w.find(what) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(warned("files differ in host_name: \"bench-a\""));
  EXPECT_TRUE(warned("files differ in cpu_model"));
  EXPECT_TRUE(warned("files differ in num_cpus: \"2\""));
  EXPECT_FALSE(warned("sanitizer"));
  ASSERT_EQ(c.only_in_base.size(), 4u);
  EXPECT_EQ(c.only_in_base[0], "skynet/size=1000000/procs:1/impl:ccbench");
  ASSERT_EQ(c.only_in_new.size(), 4u);
  EXPECT_EQ(c.only_in_new[0], "timers/mode=startstop/tasks=4/k=20000/procs:1/impl:ccbench");
  // ok in base, failed in new: newly failing (and so not in not_compared), see NewlyFailing* below
  ASSERT_EQ(c.newly_failing.size(), 1u);
  EXPECT_EQ(c.newly_failing[0].name, "counter/mode=channel/tasks=5/k=200000/procs:2/impl:go");
  EXPECT_NE(c.newly_failing[0].reason.find("new status failed: self-check failed"), std::string::npos);
  for (const NotCompared& n : c.not_compared) EXPECT_NE(n.name, c.newly_failing[0].name);
  const auto r = run_cli({"compare", data("base.json"), data("other_machine.json")});
  EXPECT_NE(r.err.find("warning: files differ in host_name"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("only in " + data("base.json") + " (4):\n  skynet/size=1000000/procs:1/impl:ccbench"),
            std::string::npos);
  EXPECT_NE(r.out.find("only in " + data("other_machine.json") + " (4):"), std::string::npos);
}

TEST(CompareTest, HolmWarnsWhenNoPointCanReachSignificance) {
  // 30 points with 4 samples each, untied: best p is exact, 2 / C(8,4) = 0.0286, x30 = 0.86 >= 0.05.
  const auto [base, next] = synthetic_pair(30, {100, 101, 102, 103}, {200, 201, 202, 203});
  CompareOptions o;
  o.min_samples = 4;
  const Comparison c = compare_results(base, next, o);
  EXPECT_EQ(c.family_size, 30u);
  EXPECT_EQ(c.count(Verdict::Regressed), 0u);  // +100% everywhere, yet not significant after Holm
  ASSERT_FALSE(c.warnings.empty());
  EXPECT_NE(c.warnings.back().find("no point can reach significance"), std::string::npos);
}

// scaled_copy() writes fixture `fixture` to DIR/`out` keeping the first `keep` samples of every
// "ok" point, each multiplied by `factor` (the stored statistics are not read by compare).
std::string scaled_copy(const std::string& dir, const std::string& out, const std::string& fixture, std::size_t keep,
                        double factor) {
  std::ifstream in(data(fixture));
  nlohmann::json j = nlohmann::json::parse(in);
  for (auto& b : j["benchmarks"]) {
    if (b["status"] != "ok") continue;
    std::vector<double> v = b["samples_ns"].get<std::vector<double>>();
    v.resize(std::min(v.size(), keep));
    for (double& x : v) x *= factor;
    b["samples_ns"] = v;
    b["repetitions"] = v.size();
  }
  const std::string path = dir + "/" + out;
  std::ofstream(path) << j.dump(1);
  return path;
}

TEST(CompareTest, SevenVersusSevenTwiceAsSlowRegressesWithoutConfirmation) {
  // The quick preset's 7 repetitions: untied 7 vs 7 fully separated gives the exact p 2/3432 =
  // 0.000583, x50 (Holm) = 0.0291 < 0.05. (The normal approximation said 0.0022, x50 = 0.11: nothing
  // could be flagged at all.)
  const auto [base, next] = synthetic_pair(50, {100, 101, 102, 103, 104, 105, 106},
                                           {200, 202, 204, 206, 208, 210, 212});
  const Comparison c = compare_results(base, next, CompareOptions{});
  EXPECT_EQ(c.family_size, 50u);
  EXPECT_EQ(c.count(Verdict::Regressed), 50u);
  for (const PointComparison& p : c.points) {
    EXPECT_NEAR(*p.p_value, 2.0 / 3432, 1e-12) << p.name;
    EXPECT_NEAR(*p.p_adjusted, 50 * 2.0 / 3432, 1e-12) << p.name;
  }
  for (const std::string& w : c.warnings) EXPECT_EQ(w.find("no point can reach significance"), std::string::npos) << w;
  EXPECT_TRUE(c.gate_failed);

  // The same through the CLI on files: the fixture's 48 ok points cut to 7 samples, every one 2x.
  const std::string dir = test::scratch_dir("q7");
  const std::string b = scaled_copy(dir, "q7_base.json", "base.json", 7, 1.0);
  const std::string n = scaled_copy(dir, "q7_new.json", "base.json", 7, 2.0);
  const auto r = run_cli({"compare", b, n, "--confirm", "0"});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("48 regressed"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("no point can reach significance"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("no point can reach significance"), std::string::npos) << r.err;
}

TEST(CompareTest, EveryPointNoisyWarnsThatTheGateJudgedNothing) {
  // 3 repetitions per side (below --min-samples 5): every point is noisy, none is tested, so the
  // regressed gate cannot fail on a regression however slow NEW is. It used to say only "no point
  // regressed" and pass silently.
  const auto [base, next] = synthetic_pair(4, {100, 101, 102}, {200, 201, 202});
  const Comparison c = compare_results(base, next, CompareOptions{});
  EXPECT_EQ(c.family_size, 0u);
  EXPECT_EQ(c.count(Verdict::Noisy), 4u);
  EXPECT_FALSE(c.gate_failed);
  bool warned = false;
  for (const std::string& w : c.warnings) warned |= w.find("every compared point (4) is noisy") != std::string::npos;
  EXPECT_TRUE(warned);
  EXPECT_NE(c.gate_message.find("none could be judged: all 4 compared point(s) are noisy"), std::string::npos)
      << c.gate_message;

  // --fail-unjudged: the same comparison fails the gate, and says why.
  CompareOptions strict;
  strict.fail_unjudged = true;
  const Comparison cs = compare_results(base, next, strict);
  EXPECT_TRUE(cs.gate_failed);
  EXPECT_NE(cs.gate_message.find("all 4 compared point(s) are noisy; --fail-unjudged fails it"), std::string::npos)
      << cs.gate_message;

  // One point testable: no such warning, the plain gate message.
  auto [base2, next2] = synthetic_pair(4, {100, 101, 102}, {200, 201, 202});
  base2.benchmarks[0].samples_ns = next2.benchmarks[0].samples_ns = {100, 101, 102, 103, 104};
  const Comparison c2 = compare_results(base2, next2, CompareOptions{});
  for (const std::string& w : c2.warnings) EXPECT_EQ(w.find("is noisy"), std::string::npos) << w;
  EXPECT_EQ(c2.gate_message.find("none could be judged"), std::string::npos) << c2.gate_message;

  // Through the CLI: on stderr (with the table on stdout, and with --out), and in the JSON's warnings.
  const std::string dir = test::scratch_dir("allnoisy");
  const std::string b = scaled_copy(dir, "n3_base.json", "base.json", 3, 1.0);
  const std::string n = scaled_copy(dir, "n3_new.json", "base.json", 3, 2.0);
  const auto r = run_cli({"compare", b, n, "--fail-on", "regressed", "--confirm", "0"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  const auto strict_cli = run_cli({"compare", b, n, "--confirm", "0", "--fail-unjudged"});
  EXPECT_EQ(strict_cli.code, 1) << strict_cli.out << strict_cli.err;
  const auto geo = run_cli({"compare", b, n, "--confirm", "0", "--fail-unjudged", "--fail-on", "geomean"});
  EXPECT_EQ(geo.code, 2) << geo.err;
  EXPECT_NE(geo.err.find("--fail-unjudged applies to --fail-on regressed only"), std::string::npos) << geo.err;
  EXPECT_NE(r.err.find("warning: every compared point (48) is noisy"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("(none could be judged: all 48 compared point(s) are noisy)"), std::string::npos) << r.out;
  const std::string json = dir + "/cmp.json";
  const auto rj = run_cli({"compare", b, n, "--confirm", "0", "--format", "json", "--out", json});
  EXPECT_EQ(rj.code, 0) << rj.out << rj.err;
  EXPECT_NE(rj.err.find("warning: every compared point (48) is noisy"), std::string::npos) << rj.err;
  std::ifstream in(json);
  const nlohmann::json j = nlohmann::json::parse(in);
  bool in_json = false;
  for (const auto& w : j["warnings"]) in_json |= w.get<std::string>().find("every compared point (48)") != std::string::npos;
  EXPECT_TRUE(in_json) << j["warnings"].dump();
}

// Regression (audit): doubling every sample of the 2 points whose base CV is above 10% gave
// "+100.0% (0.0006) [1.682, 2.378] noisy": the gate passed (exit 0) without a warning, even with
// --fail-unjudged, which failed only when every point was noisy; when --confirm cannot re-run (another
// host, no binary) that was the outcome. A noisy point whose whole ratio interval lies at or above
// 1 + threshold is now named in a warning and its reason, and fails the gate under --fail-unjudged,
// unless a confirmation round does not show the slowdown.
// A verdict on a point that either file measured while other processes kept a quarter of a CPU
// or more busy (benchmarks[].disturbance, common/disturbance.hpp) is warned about; the verdicts
// and the gate stay as they are.
TEST(CompareTest, VerdictsOnDisturbedPointsAreWarnedAbout) {
  auto [base, next] = synthetic_pair(4, {100, 101, 102, 103, 104, 105, 106, 107, 108, 109});
  for (int i : {0, 1, 2}) {
    auto& s = next.benchmarks[static_cast<std::size_t>(i)].samples_ns;
    for (double& x : s) x *= 1.5;  // regressed
  }
  next.benchmarks[0].other_cpus = 0.8;   // disturbed in NEW
  base.benchmarks[1].other_cpus = 0.25;  // disturbed in BASE (the threshold itself)
  next.benchmarks[2].other_cpus = 0.24;  // below the threshold
  next.benchmarks[3].other_cpus = 1.5;   // disturbed, but unchanged
  const Comparison c = compare_results(base, next, CompareOptions{});
  ASSERT_EQ(c.count(Verdict::Regressed), 3u);
  std::vector<std::string> disturbed;
  for (const std::string& w : c.warnings)
    if (w.find("other processes kept") != std::string::npos) disturbed.push_back(w);
  ASSERT_EQ(disturbed.size(), 2u) << ::testing::PrintToString(c.warnings);
  EXPECT_EQ(disturbed[0], base.benchmarks[0].name +
                              " is regressed, but n.json measured it while other processes kept 0.80 CPUs busy: their "
                              "work, not the change, may be the difference; rerun on a quieter machine (or re-measure "
                              "with --confirm)");
  EXPECT_EQ(disturbed[1].rfind(base.benchmarks[1].name + " is regressed, but b.json measured it while other processes "
                                                        "kept 0.25 CPUs busy:", 0),
            0u)
      << disturbed[1];
  EXPECT_TRUE(c.gate_failed);
}

TEST(CompareTest, ANoisyPointSlowerBeyondTheThresholdInItsWholeIntervalIsNotPassedSilently) {
  auto [base, next] = synthetic_pair(3, {100, 101, 102, 103, 104, 105, 106});
  const std::vector<double> wide = {80, 120, 95, 130, 70, 110, 100};  // CV ~19%
  auto times = [&](double k) {
    std::vector<double> v;
    for (double x : wide) v.push_back(x * k);
    return v;
  };
  base.benchmarks[0].samples_ns = wide;
  next.benchmarks[0].samples_ns = times(2);    // 2x slower
  base.benchmarks[1].samples_ns = wide;
  next.benchmarks[1].samples_ns = times(1.1);  // its interval reaches below 1.05
  const std::string p0 = base.benchmarks[0].name;
  const Comparison c = compare_results(base, next, CompareOptions{});
  ASSERT_EQ(c.count(Verdict::Noisy), 2u);
  EXPECT_TRUE(c.points[0].slower_beyond_threshold);
  EXPECT_FALSE(c.points[1].slower_beyond_threshold);
  ASSERT_TRUE(c.points[0].ratio_ci);
  EXPECT_GE(c.points[0].ratio_ci->low, 1.05);
  EXPECT_NE(c.points[0].reason.find("; but slower beyond the threshold in its whole 95% interval of the ratio ["),
            std::string::npos) << c.points[0].reason;
  std::size_t warned = 0;
  for (const std::string& w : c.warnings)
    if (w.find("is noisy (not tested), but slower beyond the 5.0% threshold in its whole 95% interval") != std::string::npos) {
      ++warned;
      EXPECT_EQ(w.rfind(p0, 0), 0u) << w;
      EXPECT_NE(w.find("--fail-unjudged would fail the gate on it"), std::string::npos) << w;
    }
  EXPECT_EQ(warned, 1u) << ::testing::PrintToString(c.warnings);
  EXPECT_FALSE(c.gate_failed);
  EXPECT_NE(c.gate_message.find("; 1 noisy point(s) slower beyond the threshold in their whole interval"),
            std::string::npos) << c.gate_message;

  CompareOptions strict;
  strict.fail_unjudged = true;
  const Comparison cs = compare_results(base, next, strict);
  EXPECT_TRUE(cs.gate_failed);
  EXPECT_NE(cs.gate_message.find("slower beyond the threshold in their whole interval (--fail-unjudged fails it)"),
            std::string::npos) << cs.gate_message;

  // A confirmation round that measures no slowdown lifts it: the rounds are the better evidence.
  const Comparison confirmed = confirm_regressions(base, next, strict, 6, [&](bool, const std::vector<std::string>&, int) {
    return base;
  });
  EXPECT_FALSE(confirmed.points[0].slower_beyond_threshold);
  EXPECT_FALSE(confirmed.gate_failed) << confirmed.gate_message;
  // ... and its warning (helper-80: it still said "--fail-unjudged fails the gate on it" after the
  // gate had passed); so do rounds that uphold it: the point is regressed, judged by them.
  const Comparison upheld = confirm_regressions(base, next, strict, 6, [&](bool base_side, const std::vector<std::string>&,
                                                                           int) { return base_side ? base : next; });
  EXPECT_EQ(upheld.points[0].verdict, Verdict::Regressed);
  for (const Comparison* k : {&confirmed, &upheld})
    for (const std::string& w : k->warnings) EXPECT_EQ(w.find("is noisy (not tested), but slower beyond"), std::string::npos) << w;
}

// Two Go releases, or ccbench-go built from other sources, measure the Go points with other code:
// said as any other build difference.
TEST(CompareTest, WarnsWhenTheFilesDifferInGoVersionOrGoBuild) {
  auto [base, next] = synthetic_pair(2, {100, 101, 102, 103, 104});
  const auto go_warnings = [](const Comparison& c) {
    std::vector<std::string> out;
    for (const std::string& w : c.warnings)
      if (w.find("go_version") != std::string::npos) out.push_back(w);
    return out;
  };
  base.context.go_version = "go version go1.19.8 linux/amd64";
  next.context.go_version = "go version go1.21.0 linux/amd64";
  EXPECT_EQ(go_warnings(compare_results(base, next, CompareOptions{})),
            std::vector<std::string>{"files differ in go_version: \"go version go1.19.8 linux/amd64\" (b.json) vs \"go "
                                     "version go1.21.0 linux/amd64\" (n.json); differences may not be regressions"});
  next.context.go_version = base.context.go_version;
  EXPECT_TRUE(go_warnings(compare_results(base, next, CompareOptions{})).empty());
  next.context.go_version.reset();  // Go did not run for one of them: no Go point to compare
  EXPECT_TRUE(go_warnings(compare_results(base, next, CompareOptions{})).empty());
  // ccbench-go of other content was built from other sources; another path or time alone is no
  // sign, nor is a file that does not record the hash
  next.context.go_version = base.context.go_version;
  base.context.go_binary = Context::Program{"/a/go/bin/ccbench-go", 3011299, 1, "0123456789abcdef"};
  next.context.go_binary = Context::Program{"/b/go/bin/ccbench-go", 3011299, 2, "0123456789abcdef"};
  EXPECT_TRUE(go_warnings(compare_results(base, next, CompareOptions{})).empty());
  const auto binary_warnings = [](const Comparison& c) {
    std::vector<std::string> out;
    for (const std::string& w : c.warnings)
      if (w.find("ccbench-go") != std::string::npos) out.push_back(w);
    return out;
  };
  EXPECT_TRUE(binary_warnings(compare_results(base, next, CompareOptions{})).empty());
  base.context.go_binary->fnv1a64.reset();
  EXPECT_TRUE(binary_warnings(compare_results(base, next, CompareOptions{})).empty());
  base.context.go_binary->fnv1a64 = "0123456789abcdef";
  next.context.go_binary->fnv1a64 = "fedcba9876543210";
  EXPECT_EQ(binary_warnings(compare_results(base, next, CompareOptions{})),
            std::vector<std::string>{"files differ in the ccbench-go build (context.go_binary.fnv1a64: the Go reference "
                                     "was built from other sources): \"0123456789abcdef\" (b.json) vs "
                                     "\"fedcba9876543210\" (n.json); "
                                     "differences may not be regressions"});
}

TEST(CompareTest, WarnsWhenTheFilesDifferInPinning) {
  // Pinning moves every timing as much as a build flag; compare warned about host, build,
  // injection and chaos differences but not about context.pin.effective.
  auto [base, next] = synthetic_pair(2, {100, 101, 102, 103, 104});
  base.context.pin_effective = true;
  next.context.pin_effective = false;
  auto pin_warnings = [](const Comparison& c) {
    return std::count_if(c.warnings.begin(), c.warnings.end(),
                         [](const std::string& w) { return w.find("CPU pinning") != std::string::npos; });
  };
  const Comparison c = compare_results(base, next, CompareOptions{});
  ASSERT_EQ(pin_warnings(c), 1) << ::testing::PrintToString(c.warnings);
  for (const std::string& w : c.warnings) {
    if (w.find("CPU pinning") != std::string::npos) {
      EXPECT_EQ(w, "files differ in CPU pinning (context.pin.effective): \"on\" (b.json) vs \"off (not requested or "
                   "refused)\" (n.json); differences may not be regressions");
    }
  }
  next.context.pin_effective = true;  // the same: no warning
  EXPECT_EQ(pin_warnings(compare_results(base, next, CompareOptions{})), 0);
  next.context.pin_effective.reset();  // an older file without context.pin: nothing to compare
  EXPECT_EQ(pin_warnings(compare_results(base, next, CompareOptions{})), 0);

  // Through the CLI on files whose context.pin differs.
  const std::string dir = test::scratch_dir("pin");
  nlohmann::json j = nlohmann::json::parse(test::read_text(data("base.json")));
  j["context"]["pin"] = {{"requested", true}, {"effective", true}, {"cpus", {0, 1}}, {"impls", nlohmann::json::object()},
                         {"failures", 0}};
  std::ofstream(dir + "/pinned.json") << j.dump(1);
  j["context"]["pin"]["requested"] = false;
  j["context"]["pin"]["effective"] = false;
  std::ofstream(dir + "/unpinned.json") << j.dump(1);
  const auto r = run_cli({"compare", dir + "/pinned.json", dir + "/unpinned.json", "--confirm", "0"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("warning: files differ in CPU pinning (context.pin.effective): \"on\""), std::string::npos)
      << r.err;
}

TEST(CompareTest, HolmWarningUsesTheExactMinimumP) {
  // 5 vs 5 untied: min p = 2/252 = 0.00794. 6 points: 0.0476 < 0.05, no warning and all regressed;
  // 7 points: 0.0556 >= 0.05, the warning, whose figure is the exact one.
  CompareOptions o;
  for (int n : {6, 7}) {
    const auto [base, next] = synthetic_pair(n, {100, 101, 102, 103, 104}, {200, 201, 202, 203, 204});
    const Comparison c = compare_results(base, next, o);
    bool warned = false;
    for (const std::string& w : c.warnings) warned |= w.find("no point can reach significance") != std::string::npos;
    if (n == 6) {
      EXPECT_FALSE(warned);
      EXPECT_EQ(c.count(Verdict::Regressed), 6u);
    } else {
      ASSERT_TRUE(warned);
      EXPECT_NE(c.warnings.back().find("smallest possible adjusted p is 0.0556"), std::string::npos) << c.warnings.back();
      EXPECT_EQ(c.count(Verdict::Regressed), 0u);
    }
  }
}

TEST(CompareTest, BadInputExitsTwoNamingFileAndPath) {
  for (const char* f : {"bad/empty.json", "bad/malformed.json", "bad/truncated.json", "bad/wrong_type.json",
                        "bad/nan.json", "bad/schema_v2.json"}) {
    const auto r = run_cli({"compare", data("base.json"), data(f)});
    EXPECT_EQ(r.code, 2) << f;
    EXPECT_EQ(r.err.rfind("ccbench compare: " + data(f) + ": ", 0), 0u) << r.err;
    EXPECT_TRUE(r.out.empty());
  }
  const auto nan = run_cli({"compare", data("bad/nan.json"), data("base.json")});
  EXPECT_NE(nan.err.find("nan.json: benchmarks[3].samples_ns[2]: invalid JSON"), std::string::npos) << nan.err;
  const auto none = run_cli({"compare", data("base.json"), data("bad/disjoint.json")});
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.err.find("disjoint.json: benchmarks: no points in common with"), std::string::npos) << none.err;
  // Regression (CLI audit): a file with no points at all (a run interrupted before its first point)
  // got "base.json: benchmarks: no points in common with zero.json", blaming the other file.
  nlohmann::json doc;
  std::ifstream(data("base.json")) >> doc;
  doc["benchmarks"] = nlohmann::json::array();
  const std::string zero = ::testing::TempDir() + "/zero-points." + std::to_string(::getpid()) + ".json";
  std::ofstream(zero) << doc.dump(2);
  for (const auto& args : {std::vector<std::string>{"compare", zero, data("base.json")},
                           std::vector<std::string>{"compare", data("base.json"), zero}}) {
    const auto r = run_cli(args);
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find(zero + ": benchmarks: no points: this results file holds none"), std::string::npos) << r.err;
  }
  std::filesystem::remove(zero);
}

// Regression: a file whose samples were all 5e-324 ns loaded, and compare exited 1 (geomean threw
// "values must be positive") or, with that file as base, called the point "regressed" and failed
// the gate. The loader now rejects such samples (exit 2, with the path); compare itself never
// turns a ratio that is not finite and positive into a verdict or a geomean term.
TEST(CompareTest, SubnormalSamplesAreBadInputAndNeverAVerdict) {
  const std::string dir = test::scratch_dir("subnormal");
  nlohmann::json j = nlohmann::json::parse(test::read_text(data("base.json")));
  j["benchmarks"][0]["samples_ns"] = std::vector<double>(10, 5e-324);
  const std::string tiny = dir + "/tiny.json";
  std::ofstream(tiny) << j.dump(1);
  for (const auto& args : {std::vector<std::string>{"compare", data("base.json"), tiny},
                           std::vector<std::string>{"compare", tiny, data("base.json")}}) {
    const auto r = run_cli(args);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("tiny.json: benchmarks[0].samples_ns[0]: expected 0 or a number of ns per op from 1e-06"),
              std::string::npos) << r.err;
  }
  const std::vector<double> normal = {100, 101, 99, 100, 102, 98, 100, 101, 99, 100};
  const std::vector<double> subnormal(10, 5e-324);
  for (const auto& [b, n] : {std::pair{normal, subnormal}, std::pair{subnormal, normal}}) {
    auto [base, next] = synthetic_pair(2, normal);
    base.benchmarks[0].samples_ns = b;
    next.benchmarks[0].samples_ns = n;
    const Comparison c = compare_results(base, next, CompareOptions{});
    EXPECT_EQ(c.points[0].verdict, Verdict::Noisy);
    EXPECT_NE(c.points[0].reason.find("ratio of medians is not a finite positive number"), std::string::npos)
        << c.points[0].reason;
    EXPECT_FALSE(c.gate_failed) << c.gate_message;
    ASSERT_TRUE(c.geomean.has_value());  // from the other point alone
    EXPECT_NEAR(*c.geomean, 1.0, 1e-12);
  }
}

}  // namespace
}  // namespace ccb::reports
