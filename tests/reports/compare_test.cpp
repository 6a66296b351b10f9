// tests/reports/compare_test.cpp — `ccbench compare` end to end on the checked-in fixtures
// (A/A, ±20%, noisy, few samples, other machine, bad input) plus option handling and formats.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdlib>

#include "cli_helper.hpp"
#include "reports/compare.hpp"
#include "reports/results_loader.hpp"

namespace ccb::reports {
namespace {

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
  EXPECT_TRUE(c.warnings.empty());
  EXPECT_EQ(run_cli({"compare", data("base.json"), data("base.json")}).code, 0);
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
  bool failed_listed = false;
  for (const NotCompared& n : c.not_compared) {
    failed_listed |= n.name == "counter/mode=channel/tasks=5/k=200000/procs:2/impl:go" &&
                     n.reason.find("new status failed: self-check failed") != std::string::npos;
  }
  EXPECT_TRUE(failed_listed);
  const auto r = run_cli({"compare", data("base.json"), data("other_machine.json")});
  EXPECT_NE(r.out.find("warning: files differ in host_name"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("only in " + data("base.json") + " (4):\n  skynet/size=1000000/procs:1/impl:ccbench"),
            std::string::npos);
  EXPECT_NE(r.out.find("only in " + data("other_machine.json") + " (4):"), std::string::npos);
}

TEST(CompareTest, HolmWarnsWhenNoPointCanReachSignificance) {
  // 30 points with 4 samples each: best p = 0.0304 (z = 7.5/sqrt(12)), x30 = 0.91 >= 0.05.
  Results base, next;
  base.file = "b.json";
  next.file = "n.json";
  for (int i = 0; i < 30; ++i) {
    Point p;
    p.name = "w/i=" + std::to_string(i) + "/procs:1/impl:ccbench";
    p.status = "ok";
    p.samples_ns = {100, 101, 102, 103};
    base.benchmarks.push_back(p);
    p.samples_ns = {200, 201, 202, 203};
    next.benchmarks.push_back(p);
  }
  CompareOptions o;
  o.min_samples = 4;
  const Comparison c = compare_results(base, next, o);
  EXPECT_EQ(c.family_size, 30u);
  EXPECT_EQ(c.count(Verdict::Regressed), 0u);  // +100% everywhere, yet not significant after Holm
  ASSERT_FALSE(c.warnings.empty());
  EXPECT_NE(c.warnings.back().find("no point can reach significance"), std::string::npos);
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
}

TEST(CompareTest, OptionsAcceptPercentOrFractionAndRejectNonsense) {
  const std::string b = data("base.json"), s = data("slower20.json");
  EXPECT_EQ(run_cli({"compare", b, s, "--threshold", "0.05"}).code, 1);
  EXPECT_EQ(run_cli({"compare", b, s, "--threshold", "5%", "--alpha", "0.01", "--max-cv", "0.2"}).code, 1);
  const auto five = run_cli({"compare", b, s, "--threshold", "5"});
  EXPECT_EQ(five.code, 2);
  EXPECT_NE(five.err.find("--threshold: 5 is out of range"), std::string::npos) << five.err;
  EXPECT_EQ(run_cli({"compare", b, s, "--alpha", "0"}).code, 2);
  EXPECT_EQ(run_cli({"compare", b, s, "--max-cv", "abc"}).code, 2);
  EXPECT_EQ(run_cli({"compare", b, s, "--min-samples", "1"}).code, 2);
  const auto fail_on = run_cli({"compare", b, s, "--fail-on", "sometimes"});
  EXPECT_EQ(fail_on.code, 2);
  EXPECT_NE(fail_on.err.find("expected regressed, geomean or never"), std::string::npos);
  EXPECT_EQ(run_cli({"compare", b, s, "--format", "xml"}).code, 2);
  EXPECT_EQ(run_cli({"compare", b}).code, 2);  // CLI11: missing NEW.json
}

TEST(CompareTest, MarkdownAndJsonFormats) {
  const auto md = run_cli({"compare", data("base.json"), data("candidate.json"), "--format", "markdown"});
  EXPECT_EQ(md.code, 1);
  EXPECT_EQ(md.out.rfind("### ccbench compare: \u274C gate failed", 0), 0u) << md.out;
  EXPECT_NE(md.out.find("| verdict | point | base | new | change | p (Holm) |"), std::string::npos);
  EXPECT_NE(md.out.find("<details><summary>unchanged ("), std::string::npos);

  const auto js = run_cli({"compare", data("base.json"), data("candidate.json"), "--format", "json"});
  const nlohmann::json j = nlohmann::json::parse(js.out);  // throws on NaN or malformed output
  EXPECT_EQ(j["summary"]["regressed"], 8);  // pingpong: 2 params x 2 procs x 2 impls, +15%
  EXPECT_EQ(j["summary"]["improved"], 6);   // counter atomic: 2 procs x 3 impls, -10%
  EXPECT_EQ(j["gate"]["failed"], true);
  EXPECT_EQ(j["points"].size(), 48u);
  EXPECT_EQ(j["not_compared"].size(), 2u);
  EXPECT_TRUE(j["points"][0]["p_adjusted"].is_number());
}

TEST(CompareTest, OutFileGetsTheReportStdoutTheSummary) {
  const std::string dir = test::scratch_dir("out");
  const auto r = run_cli({"compare", data("base.json"), data("rerun.json"), "--format", "markdown", "--out",
                          dir + "/summary.md"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("48 points compared"), std::string::npos) << r.out;
  EXPECT_NE(test::read_text(dir + "/summary.md").find("### ccbench compare"), std::string::npos);
}

// Regression: compare and calibrate found an unwritable --out only after all the work (a whole
// calibration), said "cannot write" without a reason, replaced an input file given as --out, and
// took an explicitly empty --out / --run as "not given".
TEST(CompareTest, OutIsCheckedUpFrontWithTheReason) {
  const std::string b = data("base.json"), s = data("slower20.json");
  const auto missing = run_cli({"compare", b, s, "--out", "/nonexistent-ccbench-dir/x.md"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_EQ(missing.err, "ccbench compare: --out /nonexistent-ccbench-dir/x.md: directory "
                         "'/nonexistent-ccbench-dir' does not exist\n");
  const std::string dir = test::scratch_dir("out-input");
  const std::string copy = dir + "/base.json";
  ASSERT_EQ(std::system(("cp " + b + " " + copy).c_str()), 0);
  const auto same = run_cli({"compare", copy, s, "--out", copy});
  EXPECT_EQ(same.code, 2);
  EXPECT_NE(same.err.find("--out " + copy + ": is also an input file"), std::string::npos) << same.err;
  EXPECT_EQ(test::read_text(copy), test::read_text(b));  // untouched
  const auto empty = run_cli({"compare", b, s, "--out", ""});
  EXPECT_EQ(empty.code, 2);
  EXPECT_NE(empty.err.find("--out: empty value"), std::string::npos) << empty.err;
  EXPECT_TRUE(empty.out.empty());

  const auto calib = run_cli({"calibrate", "--pairs", "1", "--run", "echo should-not-run", "--out",
                              "/nonexistent-ccbench-dir/nf.json"});
  EXPECT_EQ(calib.code, 2);
  EXPECT_EQ(calib.err, "ccbench calibrate: --out /nonexistent-ccbench-dir/nf.json: directory "
                       "'/nonexistent-ccbench-dir' does not exist\n");  // and no "pair 1/1" line
  const auto no_run = run_cli({"calibrate", "--pairs", "1", "--run", "", "--out", dir + "/nf.json"});
  EXPECT_EQ(no_run.code, 2);
  EXPECT_NE(no_run.err.find("--run: empty value"), std::string::npos) << no_run.err;
}

// Regression: "ccbench calibrate: calibrate: give an even number…" (doubled prefix), and a missing
// --noise-floor file was reported as "nf.json: <file>: cannot open…" without naming the option.
TEST(CompareTest, MessagesNameTheOptionOnce) {
  const auto odd = run_cli({"calibrate", data("base.json")});
  EXPECT_EQ(odd.code, 2);
  EXPECT_EQ(odd.err.rfind("ccbench calibrate: give an even number of results files", 0), 0u) << odd.err;
  const auto nf = run_cli({"compare", data("base.json"), data("rerun.json"), "--noise-floor",
                           "/nonexistent-ccbench-dir/nf.json"});
  EXPECT_EQ(nf.code, 2);
  EXPECT_EQ(nf.err, "ccbench compare: --noise-floor /nonexistent-ccbench-dir/nf.json: no such file "
                    "(`ccbench calibrate` writes one)\n");
}

}  // namespace
}  // namespace ccb::reports
