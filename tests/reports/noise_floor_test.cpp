// tests/reports/noise_floor_test.cpp — the noise floor (`compare --noise-floor FILE`) beyond the
// first verdicts (those are in calibrate_test.cpp): the confirmation rounds of a point the first
// test called noisy are held to its floor too; calibrate's suggestion is never below the floor;
// the file is an input --out must not replace, is refused over the loader's size limit, and one
// listing no point is warned about; --confirm and --pairs take digits only.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "cli_helper.hpp"
#include "gate_fixtures.hpp"
#include "reports/compare.hpp"
#include "reports/compare_format.hpp"
#include "reports/gate_quality.hpp"
#include "reports/results_loader.hpp"

namespace ccb::reports {
namespace {

using namespace test_gate;  // make(), around(), kA, kB

// Regression (session 73's review): a point the first test called noisy got no noise floor
// (PointComparison::noise_floor was set for the tested points only), so its confirmation rounds
// were held to the threshold alone: rounds of +12% against a 20% floor made it "regressed (first
// verdict: noisy; …)", the gate failed, and the JSON said "noise_floor": null.
TEST(NoiseFloor, ANoisyPointsRoundsAreHeldToItsFloor) {
  const Results base = make("base.json", {{kA, around(100, 10, 1.0)}});  // CV ~18%: noisy
  const Results next = make("new.json", {{kA, around(112, 10, 1.0)}});
  CompareOptions o;
  o.noise_floor[kA] = 0.20;
  const Comparison first = compare_results(base, next, o);
  ASSERT_EQ(first.points[0].verdict, Verdict::Noisy) << first.points[0].reason;
  ASSERT_TRUE(first.points[0].noise_floor);
  EXPECT_DOUBLE_EQ(*first.points[0].noise_floor, 0.20);
  int calls = 0;
  const Remeasure slower_by_12 = [&](bool base_side, const std::vector<std::string>&, int) {
    ++calls;
    return make(base_side ? "b.json" : "n.json", {{kA, around(base_side ? 100 : 112, 10)}});
  };
  const Comparison c = confirm_regressions(base, next, o, 2, slower_by_12);
  EXPECT_EQ(calls, 2);  // one round: +12% is not above the 20% floor, and ends the confirmation
  ASSERT_EQ(c.points.size(), 1u);
  EXPECT_EQ(c.points[0].verdict, Verdict::Noisy);
  EXPECT_NE(c.points[0].reason.find("less than the noise floor"), std::string::npos) << c.points[0].reason;
  EXPECT_FALSE(c.gate_failed) << c.gate_message;
  const std::string json = format_comparison(c, CompareFormat::Json);
  EXPECT_NE(json.find("\"noise_floor\": 0.2"), std::string::npos) << json;
}

// Regression (session 73's review): a floor of 0.30000000000000004 (1.3 / 1 - 1) was suggested as
// "30%" (0.3, below it), and compare --threshold 30% then called that very change regressed.
// 107 / 100 - 1 is 0.07000000000000006 too (8%); 125 / 100 - 1 is exactly 0.25 (25%).
TEST(Calibrate, TheSuggestionIsNeverBelowTheFloor) {
  for (const auto& [next, want] : std::vector<std::pair<double, double>>{{130, 0.31}, {107, 0.08}, {103, 0.04}, {125, 0.25}, {150, 0.50}}) {
    std::vector<std::pair<Results, Results>> pairs;
    pairs.emplace_back(make("a", {{kA, std::vector<double>(5, 100.0)}}), make("b", {{kA, std::vector<double>(5, next)}}));
    const NoiseFloor nf = calibrate(pairs);
    const double floor = nf.points.at(kA).first;
    ASSERT_TRUE(nf.suggested_threshold);
    EXPECT_GE(*nf.suggested_threshold, floor) << next;
    EXPECT_DOUBLE_EQ(*nf.suggested_threshold, want) << next << ": floor " << floor;
  }
}

// write_file() writes `text` to `path`.
void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// Regression (session 73's review): `compare … --noise-floor F --out F` replaced the noise-floor
// file with the table (F was not among the inputs --out is checked against).
TEST(NoiseFloorCli, OutMayNotBeTheNoiseFloorFile) {
  const std::string dir = test::scratch_dir("nf-out");
  const std::string nf = dir + "/nf.json";
  const std::string text = R"({"tool": "ccbench calibrate", "points": {"x": {"noise_floor": 0.1}}})";
  write_file(nf, text);
  const std::string base = test::data("base.json");
  const auto r = test::run_cli({"compare", base, base, "--confirm", "0", "--noise-floor", nf, "--out", nf});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--out " + nf + ": is also an input file (" + nf + "); give another name"), std::string::npos)
      << r.err;
  EXPECT_EQ(test::read_text(nf), text);
}

// Regression (session 73's review): a noise-floor file had no size limit (300 MB took 5.7 s and
// 620 MB of memory); the results loader's kMaxFileBytes now holds for it too.
TEST(NoiseFloorCli, AFileOverTheSizeLimitIsRefused) {
  const std::string big = test::scratch_dir("nf-big") + "/big.json";
  {
    std::ofstream f(big);
    f << R"({"tool": "ccbench calibrate", "points": {}})";
  }
  ASSERT_EQ(::truncate(big.c_str(), static_cast<off_t>(kMaxFileBytes) + 1), 0);  // sparse: no disk used
  try {
    load_noise_floor(big);
    FAIL() << "a file over the limit was loaded";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("file is " + std::to_string(kMaxFileBytes + 1) +
                                         " bytes, more than the limit of " + std::to_string(kMaxFileBytes)),
              std::string::npos) << e.what();
  }
}

// Regression (session 73's review): a noise-floor file listing no point ({"points": {}}) was taken
// without a word, though it changes nothing.
TEST(NoiseFloorCli, AFileListingNoPointIsWarnedAbout) {
  const std::string nf = test::scratch_dir("nf-empty") + "/nf.json";
  write_file(nf, R"({"tool": "ccbench calibrate", "points": {}})");
  const std::string base = test::data("base.json");
  const auto r = test::run_cli({"compare", base, test::data("rerun.json"), "--confirm", "0", "--noise-floor", nf});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("ccbench compare: warning: " + nf +
                       " (--noise-floor) lists no point, so it changes nothing: every point uses the threshold alone"),
            std::string::npos) << r.err;
}

// Regression (session 73's review): --confirm " 1" and calibrate --pairs " 2" were taken (std::stol
// skips blanks), where --min-samples " 5" is refused.
TEST(NoiseFloorCli, CountsAreDigitsOnly) {
  const std::string base = test::data("base.json");
  for (const std::string bad : {" 1", "+1", "1 ", "0x1"}) {
    auto r = test::run_cli({"compare", base, base, "--confirm", bad, "--base-run", "a", "--new-run", "b"});
    EXPECT_EQ(r.code, 2) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("--confirm: expected an integer from 0 to 100, got \"" + bad + "\""), std::string::npos) << r.err;
    r = test::run_cli({"calibrate", "--pairs", bad, "--run", "false", "--out", test::scratch_dir("pairs") + "/nf.json"});
    EXPECT_EQ(r.code, 2) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("--pairs: expected an integer from 1 to 100, got \"" + bad + "\""), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace ccb::reports
