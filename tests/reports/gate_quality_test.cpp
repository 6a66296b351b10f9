// tests/reports/gate_quality_test.cpp — issue #9, gate side: the --confirm path with a synthetic
// flaky input (first regressed, confirmed not; and a real regression that stays), the noise floor
// (a change inside a point's A/A noise is not a regression), calibration on known pairs, the
// noise-floor file round trip, the --filter regex of re-measured points, and the CLI's usage errors.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli_helper.hpp"
#include "reports/compare.hpp"
#include "reports/compare_format.hpp"
#include "reports/gate_quality.hpp"
#include "reports/results_loader.hpp"

namespace ccb::reports {
namespace {

Results make(const std::string& file, const std::vector<std::pair<std::string, std::vector<double>>>& points) {
  Results r;
  r.file = file;
  r.context.host_name = "h";
  for (const auto& [name, samples] : points) {
    Point p;
    p.index = r.benchmarks.size();
    p.name = name;
    p.status = "ok";
    p.samples_ns = samples;
    p.repetitions = static_cast<std::int64_t>(samples.size());
    r.benchmarks.push_back(p);
  }
  return r;
}

std::vector<double> around(double center, int n, double spread = 0.01) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(center * (1 + spread * (i - n / 2) / n));
  return v;
}

const std::string kA = "w/n=1/procs:1/impl:ccbench";
const std::string kB = "w/n=2/procs:1/impl:ccbench";

TEST(Confirm, FlakyFirstVerdictIsNotConfirmed) {
  const Results base = make("base.json", {{kA, around(100, 10)}, {kB, around(200, 10)}});
  const Results next = make("new.json", {{kA, around(120, 10)}, {kB, around(200, 10)}});  // A looks +20%
  std::vector<std::string> calls;
  const Remeasure flaky_gone = [&](bool base_side, const std::vector<std::string>& names, int round) {
    calls.push_back(std::string(base_side ? "base" : "new") + std::to_string(round));
    EXPECT_EQ(names, std::vector<std::string>{kA});
    return make(base_side ? "b.json" : "n.json", {{kA, around(100, 20)}});  // both sides back at 100
  };
  const Comparison first = compare_results(base, next, CompareOptions{});
  ASSERT_EQ(first.points[0].verdict, Verdict::Regressed);
  const Comparison c = confirm_regressions(base, next, CompareOptions{}, 2, flaky_gone);
  EXPECT_EQ(calls, (std::vector<std::string>{"base1", "new1", "base2", "new2"}));  // interleaved
  EXPECT_EQ(c.confirm_rounds, 2);
  ASSERT_EQ(c.points.size(), 2u);
  EXPECT_NE(c.points[0].verdict, Verdict::Regressed);
  ASSERT_TRUE(c.points[0].first_verdict);
  EXPECT_EQ(*c.points[0].first_verdict, Verdict::Regressed);
  EXPECT_FALSE(c.points[1].first_verdict);  // not re-measured
  EXPECT_EQ(c.points[0].base.n, 50u);       // 10 + 2 rounds x 20: every sample kept
  EXPECT_FALSE(c.gate_failed);
  EXPECT_NE(format_comparison(c, CompareFormat::Table).find("first verdict: regressed"), std::string::npos);
  EXPECT_NE(format_comparison(c, CompareFormat::Json).find("\"first_verdict\": \"regressed\""), std::string::npos);
}

TEST(Confirm, RealRegressionStaysAndNoRegressionRunsNothing) {
  const Results base = make("base.json", {{kA, around(100, 10)}});
  const Results next = make("new.json", {{kA, around(120, 10)}});
  const Remeasure still_slow = [](bool base_side, const std::vector<std::string>&, int) {
    return make("x.json", {{kA, around(base_side ? 100 : 120, 10)}});
  };
  const Comparison c = confirm_regressions(base, next, CompareOptions{}, 1, still_slow);
  EXPECT_EQ(c.points[0].verdict, Verdict::Regressed);
  EXPECT_TRUE(c.gate_failed);
  int calls = 0;
  const Remeasure counting = [&](bool, const std::vector<std::string>&, int) {
    ++calls;
    return Results{};
  };
  const Comparison same = confirm_regressions(base, base, CompareOptions{}, 3, counting);
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(same.confirm_rounds, 0);
}

TEST(Confirm, MissingOrFailedRemeasurementWarnsAndAddsNothing) {
  Results into = make("base.json", {{kA, {1, 2}}});
  Results more = make("more.json", {});
  auto w = append_samples(into, more, {kA});
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("did not produce"), std::string::npos);
  more = make("more.json", {{kA, {3}}});
  more.benchmarks[0].status = "failed";
  more.benchmarks[0].error = "lost";
  w = append_samples(into, more, {kA});
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(into.benchmarks[0].samples_ns.size(), 2u);
}

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

TEST(Calibrate, NoiseFloorIsTheLargestChangeAndTheSuggestionRoundsUp) {
  std::vector<std::pair<Results, Results>> pairs;
  pairs.emplace_back(make("a1", {{kA, around(100, 5)}, {kB, around(50, 5)}}),
                     make("b1", {{kA, around(103, 5)}, {kB, around(50, 5)}}));
  pairs.emplace_back(make("a2", {{kA, around(100, 5)}, {kB, around(50, 5)}}),
                     make("b2", {{kA, around(98, 5)}, {kB, around(51, 5)}}));
  const NoiseFloor nf = calibrate(pairs);
  EXPECT_EQ(nf.pairs, 2);
  EXPECT_NEAR(nf.points.at(kA).first, 0.03, 1e-9);
  EXPECT_NEAR(nf.points.at(kB).first, 0.02, 1e-9);
  EXPECT_EQ(nf.points.at(kA).second, 2);
  EXPECT_NEAR(nf.suggested_threshold, 0.03, 1e-9);
  ASSERT_EQ(nf.regressed_with_defaults.size(), 2u);

  const std::string path = ::testing::TempDir() + "/noise-floor.json";
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
  r = run_cli({"calibrate", base});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("even number"), std::string::npos) << r.err;
  const std::string out = test::scratch_dir("calibrate") + "/nf.json";
  r = run_cli({"calibrate", base, base, "--out", out});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("suggested --threshold: 1.0%"), std::string::npos) << r.out;  // identical files: floor 0
  r = run_cli({"compare", base, base, "--noise-floor", out});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("noise floor of"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ccb::reports
