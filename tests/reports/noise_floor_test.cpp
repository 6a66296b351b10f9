// tests/reports/noise_floor_test.cpp — the noise floor (`compare --noise-floor FILE`) beyond the
// first verdicts (those are in calibrate_test.cpp): the confirmation rounds of a point the first
// test called noisy are held to its floor too.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gate_fixtures.hpp"
#include "reports/compare.hpp"
#include "reports/compare_format.hpp"
#include "reports/gate_quality.hpp"

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

}  // namespace
}  // namespace ccb::reports
