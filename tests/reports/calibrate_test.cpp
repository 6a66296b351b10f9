// tests/reports/calibrate_test.cpp — issue #9, noise side: the noise floor (a change inside a
// point's A/A noise is not a regression), calibration on known pairs, the noise-floor file round
// trip, and the gate CLI's usage errors (compare and calibrate). Split from gate_quality_test.cpp.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli_helper.hpp"
#include "gate_fixtures.hpp"
#include "reports/compare.hpp"
#include "reports/compare_format.hpp"
#include "reports/gate_quality.hpp"
#include "reports/results_loader.hpp"

namespace ccb::reports {
namespace {

using namespace test_gate;  // make(), around(), kA, kB

TEST(NoiseFloor, ChangeInsideTheNoiseIsNotARegression) {
  const Results base = make("base.json", {{kA, around(100, 10)}});
  const Results next = make("new.json", {{kA, around(108, 10)}});
  CompareOptions o;
  EXPECT_EQ(compare_results(base, next, o).points[0].verdict, Verdict::Regressed);
  o.noise_floor[kA] = 0.10;
  const Comparison c = compare_results(base, next, o);
  EXPECT_EQ(c.points[0].verdict, Verdict::Unchanged);
  ASSERT_TRUE(c.points[0].noise_floor);
  EXPECT_DOUBLE_EQ(*c.points[0].noise_floor, 0.10);
  o.noise_floor[kA] = 0.05;  // both the threshold and the noise floor are exceeded
  EXPECT_EQ(compare_results(base, next, o).points[0].verdict, Verdict::Regressed);
}

// Regression: a noise-floor file that lists none (or only some) of the compared points, e.g. one
// calibrated on another preset, changed nothing for them without a word.
TEST(NoiseFloor, PointsMissingFromTheFileAreCountedInAWarning) {
  const Results base = make("base.json", {{kA, around(100, 10)}, {kB, around(200, 10)}});
  const Results next = make("new.json", {{kA, around(108, 10)}, {kB, around(200, 10)}});
  CompareOptions o;
  o.noise_floor["other/n=1/procs:1/impl:ccbench"] = 0.10;
  Comparison c = compare_results(base, next, o);
  const std::string none = "2 of 2 compared point(s) are not in the noise-floor file (--noise-floor); they use the threshold alone";
  EXPECT_NE(std::find(c.warnings.begin(), c.warnings.end(), none), c.warnings.end());
  o.noise_floor[kA] = 0.10;
  c = compare_results(base, next, o);
  EXPECT_NE(std::find(c.warnings.begin(), c.warnings.end(),
                      "1 of 2 compared point(s) are not in the noise-floor file (--noise-floor); they use the threshold alone"),
            c.warnings.end());
  o.noise_floor[kB] = 0.10;
  EXPECT_TRUE(compare_results(base, next, o).warnings.empty());
  EXPECT_TRUE(compare_results(base, next, CompareOptions{}).warnings.empty());  // no file: nothing to say
}

// two_pairs() is two A/A pairs of kA and kB: kA moves +3% and -2%, kB 0% and +2%.
std::vector<std::pair<Results, Results>> two_pairs() {
  std::vector<std::pair<Results, Results>> pairs;
  pairs.emplace_back(make("a1", {{kA, around(100, 5)}, {kB, around(50, 5)}}),
                     make("b1", {{kA, around(103, 5)}, {kB, around(50, 5)}}));
  pairs.emplace_back(make("a2", {{kA, around(100, 5)}, {kB, around(50, 5)}}),
                     make("b2", {{kA, around(98, 5)}, {kB, around(51, 5)}}));
  return pairs;
}

TEST(Calibrate, NoiseFloorIsTheLargestChangeAndTheSuggestionRoundsUp) {
  std::vector<std::pair<Results, Results>> pairs = two_pairs();
  const NoiseFloor nf = calibrate(pairs);
  EXPECT_EQ(nf.pairs, 2);
  EXPECT_NEAR(nf.points.at(kA).first, 0.03, 1e-9);
  EXPECT_NEAR(nf.points.at(kB).first, 0.02, 1e-9);
  EXPECT_EQ(nf.points.at(kA).second, 2);
  ASSERT_TRUE(nf.suggested_threshold);
  // kA's floor is 103 / 100 - 1 = 0.030000000000000027: "3%" (0.03) would lie below it, and
  // compare would call that very change regressed; so 4% (see Calibrate.TheSuggestionIsNeverBelowTheFloor).
  EXPECT_DOUBLE_EQ(*nf.suggested_threshold, 0.04);
  EXPECT_TRUE(nf.dropped.empty());
  ASSERT_EQ(nf.regressed_with_defaults.size(), 2u);

  const std::string path = ::testing::TempDir() + "/noise-floor." + std::to_string(::getpid()) + ".json";
  {
    std::ofstream f(path);
    f << noise_floor_json(nf);
  }
  const auto loaded = load_noise_floor(path);
  EXPECT_NEAR(loaded.at(kA), 0.03, 1e-9);
  {
    std::ofstream f(path);
    f << R"({"tool": "ccbench calibrate", "points": {"x": {"noise_floor": "big"}}})";
  }
  EXPECT_THROW(load_noise_floor(path), InputError);
  {
    std::ofstream f(path);
    f << R"({"context": {}})";
  }
  EXPECT_THROW(load_noise_floor(path), InputError);
  std::remove(path.c_str());
}

// A pair whose runs measured points while other processes kept a quarter of a CPU or more busy
// (benchmarks[].disturbance) is warned about: its noise floors include that load.
TEST(Calibrate, APairWithDisturbedPointsIsWarnedAbout) {
  std::vector<std::pair<Results, Results>> pairs = two_pairs();
  pairs[0].first.benchmarks[0].other_cpus = 0.1;   // quiet enough
  pairs[0].second.benchmarks[0].other_cpus = 0.2;  // quiet enough
  pairs[1].second.benchmarks[1].other_cpus = 0.9;  // disturbed
  const NoiseFloor nf = calibrate(pairs);
  ASSERT_EQ(nf.warnings.size(), 1u) << ::testing::PrintToString(nf.warnings);
  EXPECT_EQ(nf.warnings[0], "a2 and b2: 1 point(s) (" + std::string(kB) +
                                ") were measured while other processes kept 0.25 CPUs or more busy: their noise floors "
                                "include that load");
}

// Regression (session 73's review): a pair from two builds (another git_commit, another binary)
// was taken as "1 pair(s) of runs of the same build" without a word, and the +30% of the new
// build became a 30% noise floor that then hid that regression from compare --noise-floor.
TEST(Calibrate, APairOfTwoBuildsIsWarnedAboutAndNotCalledTheSameBuild) {
  std::vector<std::pair<Results, Results>> pairs = two_pairs();
  for (auto* r : {&pairs[0].first, &pairs[0].second, &pairs[1].first, &pairs[1].second}) {
    r->context.git_commit = "3f9c2a1d0b7e";
    r->context.executable = "/x/ccbench";
    r->context.executable_size = 8;
    r->context.executable_mtime_ns = 4;
  }
  NoiseFloor nf = calibrate(pairs);
  EXPECT_TRUE(nf.warnings.empty()) << ::testing::PrintToString(nf.warnings);
  EXPECT_EQ(nf.other_build_pairs, 0);
  EXPECT_NE(noise_floor_table(nf).find("A/A calibration: 2 pair(s) of runs of the same build\n"), std::string::npos);
  pairs[0].second.context.git_commit = "0123456789ab";
  pairs[1].second.context.executable_size = 9;
  pairs[1].second.context.executable_mtime_ns = 5;
  nf = calibrate(pairs);
  EXPECT_EQ(nf.warnings, (std::vector<std::string>{
                             "files differ in git_commit: \"3f9c2a1d0b7e\" (a1) vs \"0123456789ab\" (b1); not an A/A "
                             "pair (two builds): its noise floors include the change between them",
                             "b2 was measured by the binary /x/ccbench (size 9, modified at 5 ns), not /x/ccbench (size "
                             "8, modified at 4 ns) as a2 was; not an A/A pair (two builds): its noise floors include the "
                             "change between them"}));
  EXPECT_EQ(nf.other_build_pairs, 2);
  const std::string table = noise_floor_table(nf);
  EXPECT_EQ(table.find("same build"), std::string::npos) << table;
  EXPECT_NE(table.find("A/A calibration: 2 pair(s) of runs; 2 of them of two different builds (not A/A: see the "
                       "warnings; their changes count as noise)\n"),
            std::string::npos) << table;
}

// Regression: calibrate suggested "--threshold: 150.0%", which compare rejects (it must be below
// 100%). Now there is no suggestion, the noisiest points are named, and the CLI exits 1.
TEST(Calibrate, NoiseOfHundredPercentOrMoreGivesNoSuggestion) {
  std::vector<std::pair<Results, Results>> pairs;
  pairs.emplace_back(make("a1", {{kA, around(100, 5)}, {kB, around(50, 5)}}),
                     make("b1", {{kA, around(250, 5)}, {kB, around(51, 5)}}));
  NoiseFloor nf = calibrate(pairs);
  EXPECT_NEAR(nf.points.at(kA).first, 1.5, 1e-9);
  EXPECT_FALSE(nf.suggested_threshold);
  ASSERT_EQ(nf.too_noisy.size(), 1u);
  EXPECT_EQ(nf.too_noisy[0].first, kA);
  EXPECT_NE(no_threshold_text(nf).find(kA + " (150.0%)"), std::string::npos) << no_threshold_text(nf);
  EXPECT_NE(noise_floor_table(nf).find("suggested --threshold: none: no --threshold below 100%"), std::string::npos)
      << noise_floor_table(nf);
  EXPECT_NE(noise_floor_json(nf).find("\"suggested_threshold\": null"), std::string::npos);
  // 99.5% rounds up to 100%: no suggestion either; 98.5% gives 99%, which compare accepts.
  pairs[0].second = make("b1", {{kA, around(199.5, 5)}, {kB, around(51, 5)}});
  EXPECT_FALSE(calibrate(pairs).suggested_threshold);
  pairs[0].second = make("b1", {{kA, around(198.5, 5)}, {kB, around(51, 5)}});
  nf = calibrate(pairs);
  ASSERT_TRUE(nf.suggested_threshold);
  EXPECT_NEAR(*nf.suggested_threshold, 0.99, 1e-9);
  EXPECT_TRUE(no_threshold_text(nf).empty());
}

// The noise-floor table lines its figures up in display columns (a wide character counts 2), like
// every other aligned table (common::render_columns); it had its own padding loop and no test.
TEST(Calibrate, NoiseFloorTableAlignsByDisplayWidth) {
  NoiseFloor nf;
  nf.pairs = 1;
  nf.points = {{"a/procs:1", {0.05, 1}}, {"\u901a\u9053/procs:1", {0.125, 1}}};
  nf.suggested_threshold = 0.2;
  const std::string table = noise_floor_table(nf);
  EXPECT_NE(table.find("point         noise floor (largest |change| of the median)\n"
                       "a/procs:1     5.0%\n"
                       "\u901a\u9053/procs:1  12.5%\n"),
            std::string::npos)
      << table;
}

// Regression: with zero medians in A, calibrate dropped every point without a word, wrote an
// empty noise-floor table, suggested 1.0% and exited 0. Dropped points are now listed with the
// reason; a zero median on the B side no longer counts as a 100% noise floor; and when no point
// is left, calibrate fails as bad input.
TEST(Calibrate, DroppedPointsAreNamedAndNothingLeftIsBadInput) {
  std::vector<std::pair<Results, Results>> pairs;
  pairs.emplace_back(make("a1.json", {{kA, std::vector<double>(5, 0.0)}, {kB, around(50, 5)}}),
                     make("b1.json", {{kA, around(100, 5)}, {kB, std::vector<double>(5, 0.0)}}));
  pairs.emplace_back(make("a2.json", {{kA, around(100, 5)}, {kB, around(50, 5)}}),
                     make("b2.json", {{kA, around(101, 5)}, {kB, around(50, 5)}}));
  NoiseFloor nf = calibrate(pairs);
  ASSERT_EQ(nf.dropped.size(), 2u);
  EXPECT_EQ(nf.dropped.at(kA), (std::pair<std::string, int>{"median is 0 ns in a1.json (no ratio)", 1}));
  EXPECT_EQ(nf.dropped.at(kB), (std::pair<std::string, int>{"median is 0 ns in b1.json (no ratio)", 1}));
  EXPECT_NEAR(nf.points.at(kB).first, 0.0, 1e-9);  // from pair 2 only, not 100% from pair 1
  EXPECT_EQ(nf.points.at(kB).second, 1);
  ASSERT_TRUE(nf.suggested_threshold);
  EXPECT_DOUBLE_EQ(*nf.suggested_threshold, 0.02);  // kA's floor 101 / 100 - 1 is 0.010000000000000009, above 1%
  const std::string table = noise_floor_table(nf);
  EXPECT_NE(table.find("dropped (no noise floor from these pairs):\n  " + kA + ": median is 0 ns in a1.json (no ratio) (1 of 2 pair(s))"),
            std::string::npos) << table;
  EXPECT_NE(noise_floor_json(nf).find("\"dropped\""), std::string::npos);

  pairs.pop_back();
  pairs[0].first = make("a1.json", {{kA, std::vector<double>(5, 0.0)}, {kB, std::vector<double>(5, 0.0)}});
  try {
    calibrate(pairs);
    ADD_FAILURE() << "nothing to calibrate was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "a1.json");
    EXPECT_EQ(e.path(), "benchmarks");
    EXPECT_NE(std::string(e.what()).find("no point left to calibrate: every point was dropped (" + kA +
                                         ": median is 0 ns in a1.json (no ratio); " + kB),
              std::string::npos) << e.what();
  }
}

TEST(Calibrate, PointFilterMatchesExactlyTheRemeasuredPoints) {
  EXPECT_EQ(point_filter({"pingpong/cap=0/n=200000/procs:1/impl:ccbench", "pingpong/cap=0/n=200000/procs:1/impl:go",
                          "a.b/x=1/procs:2/impl:ccbench"}),
            "^(a\\.b/x=1/procs:2|pingpong/cap=0/n=200000/procs:1)$");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
}

TEST(GateCli, UsageErrorsExitTwoAndCalibrateFromFiles) {
  using test::run_cli;
  const std::string base = test::data("base.json");
  auto r = run_cli({"compare", base, base, "--confirm", "2"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--base-run"), std::string::npos) << r.err;
  r = run_cli({"compare", base, base, "--confirm", "x", "--base-run", "a", "--new-run", "b"});
  EXPECT_EQ(r.code, 2);
  r = run_cli({"compare", base, base, "--noise-floor", "/nonexistent/nf.json"});
  EXPECT_EQ(r.code, 2);
  // Regression: a directory was "<root>: file is empty (expected a JSON object)".
  r = run_cli({"compare", base, base, "--noise-floor", ::testing::TempDir()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(::testing::TempDir() + ": not a regular file"), std::string::npos) << r.err;
  r = run_cli({"calibrate", base});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("even number"), std::string::npos) << r.err;
  // --out on standard output: the table, then the JSON (it was written at offset 0 of a redirected
  // stdout, and the table printed after it overwrote its start; docs audit, session 39)
  r = run_cli({"calibrate", base, base, "--out", "/dev/stdout"});
  const std::size_t json_at = r.out.find("the noise-floor JSON follows\n");
  ASSERT_NE(json_at, std::string::npos) << r.out << r.err;
  EXPECT_TRUE(nlohmann::json::accept(r.out.substr(json_at + 29))) << r.out;
  EXPECT_EQ(r.out.find("written: /dev/stdout"), std::string::npos) << r.out;
  const std::string out = test::scratch_dir("calibrate") + "/nf.json";
  r = run_cli({"calibrate", base, base, "--out", out});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("suggested --threshold: 1.0%"), std::string::npos) << r.out;  // identical files: floor 0
  r = run_cli({"compare", base, base, "--noise-floor", out});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("noise floor of"), std::string::npos) << r.out;
  // Regression: options that could have no effect were taken silently.
  r = run_cli({"compare", base, base, "--confirm", "0", "--base-run", "foo"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--base-run has no effect with --confirm 0"), std::string::npos) << r.err;
  r = run_cli({"calibrate", base, base, "--pairs", "2", "--out", out});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--pairs has no effect with results files"), std::string::npos) << r.err;
  r = run_cli({"calibrate", base, base, "--run", "echo x", "--out", out});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--run has no effect with results files"), std::string::npos) << r.err;
  // Regression (CLI audit): a command that exits 0 without writing results was reported as
  // "<compare's temporary directory>/a0.json: no such file", a path gone by then.
  r = run_cli({"calibrate", "--pairs", "1", "--run", "true", "--out", out});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("the command exited 0 but wrote no results to the --out added to it: true --out"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("no such file"), std::string::npos) << r.err;
}

// Regression: calibrate took two files from different machines (or one measured with a
// CCB_INJECT_* hook) as an A/A pair without a word, and their difference became the noise floor.
TEST(GateCli, CalibrateWarnsAboutAPairThatIsNoAAPair) {
  using test::run_cli;
  const std::string dir = test::scratch_dir("calibrate-aa");
  const std::string base = test::data("base.json"), other = test::data("other_machine.json");
  auto r = run_cli({"calibrate", base, other, "--out", dir + "/nf.json"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;  // written, with the warnings
  EXPECT_NE(r.err.find("ccbench calibrate: warning: files differ in host_name: \"bench-a\" (" + base +
                       ") vs \"bench-b\" (" + other + "); not an A/A pair: its noise floors include this difference\n"),
            std::string::npos) << r.err;
  EXPECT_NE(r.err.find("warning: files differ in cpu_model"), std::string::npos) << r.err;
  r = run_cli({"calibrate", base, test::data("rerun.json"), "--out", dir + "/nf2.json"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;  // a real A/A pair
  // The same file twice measures no noise: its 0% floors and 1% suggestion would be made up.
  r = run_cli({"calibrate", base, base, base, base, "--out", dir + "/nf2.json"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  const std::string same = "ccbench calibrate: warning: " + base + " and " + base +
                           " hold the same samples (the same file twice?): not two runs, so this pair measures no noise (0%)\n";
  EXPECT_NE(r.err.find(same), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(same), r.err.rfind(same)) << "said once, not per pair: " << r.err;
  nlohmann::json j = nlohmann::json::parse(test::read_text(base));
  j["context"]["injection"] = {{"delay_ns_per_op", 20}, {"workload", nullptr}, {"impl", "ccbench"}};
  std::ofstream(dir + "/hooked.json") << j.dump(1);
  r = run_cli({"calibrate", base, dir + "/hooked.json", base, dir + "/hooked.json", "--out", dir + "/nf3.json"});
  const std::string hook = dir + "/hooked.json was measured with a CCB_INJECT_* test hook active";
  EXPECT_NE(r.err.find("ccbench calibrate: warning: " + hook), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(hook), r.err.rfind(hook)) << "said once, not per pair: " << r.err;
}

// The two calibrate regressions above, through the command line: exit 1 with the noisiest point
// named (the file still written, usable by compare --noise-floor), and exit 2 when every point
// has a zero median in A.
TEST(GateCli, CalibrateExitsOneWithoutUsableThresholdAndTwoWithNothingLeft) {
  using test::run_cli;
  const std::string dir = test::scratch_dir("calibrate-limits");
  nlohmann::json j = nlohmann::json::parse(test::read_text(test::data("base.json")));
  const std::string slow_point = j["benchmarks"][0]["name"];
  for (auto& x : j["benchmarks"][0]["samples_ns"]) x = x.get<double>() * 2.5;
  const std::string slow = dir + "/slow.json";
  std::ofstream(slow) << j.dump(1);
  for (auto& b : j["benchmarks"])
    for (auto& x : b["samples_ns"]) x = 0;
  const std::string zero = dir + "/zero.json";
  std::ofstream(zero) << j.dump(1);

  const std::string base = test::data("base.json");
  const std::string out = dir + "/nf.json";
  auto r = run_cli({"calibrate", base, slow, "--out", out});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("suggested --threshold: none: no --threshold below 100%"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find(slow_point + " (150.0%)"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("written: " + out), std::string::npos) << r.out;
  EXPECT_TRUE(nlohmann::json::parse(test::read_text(out))["suggested_threshold"].is_null());
  r = run_cli({"compare", base, slow, "--noise-floor", out, "--confirm", "0"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;  // a point inside its own noise floor is not regressed

  r = run_cli({"calibrate", zero, base, "--out", dir + "/nf0.json"});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("zero.json: benchmarks: no point left to calibrate: every point was dropped ("),
            std::string::npos) << r.err;
  EXPECT_NE(r.err.find("median is 0 ns in " + zero), std::string::npos) << r.err;
  EXPECT_FALSE(std::ifstream(dir + "/nf0.json").good());
}

}  // namespace
}  // namespace ccb::reports
