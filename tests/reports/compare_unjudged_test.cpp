// tests/reports/compare_unjudged_test.cpp — what compare says about points it cannot judge, and
// when it says none can be: a point with a median of 0 ns (no ratio) is named and fails the gate
// under --fail-unjudged; the "no point can reach significance" warning counts tied samples as the
// test does.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "gate_fixtures.hpp"
#include "reports/compare.hpp"
#include "reports/compare_format.hpp"

namespace ccb::reports {
namespace {

using namespace test_gate;  // make(), around(), kA, kB

bool has_warning(const Comparison& c, const std::string& part) {
  return std::any_of(c.warnings.begin(), c.warnings.end(),
                     [&](const std::string& w) { return w.find(part) != std::string::npos; });
}

// Regression (session 73's review): a base of seven 0 ns samples against a new 1 ms was "noisy:
// median is 0 ns" and passed the gate, --fail-unjudged included, without a warning.
TEST(CompareUnjudged, AZeroMedianIsNamedAndFailsUnderFailUnjudged) {
  const Results base = make("base.json", {{kA, std::vector<double>(7, 0.0)}, {kB, around(100, 7)}});
  const Results next = make("new.json", {{kA, std::vector<double>(7, 1e6)}, {kB, around(100, 7)}});
  CompareOptions o;
  Comparison c = compare_results(base, next, o);
  ASSERT_EQ(c.points.size(), 2u);
  EXPECT_EQ(c.points[0].verdict, Verdict::Noisy);
  EXPECT_TRUE(c.points[0].zero_median);
  EXPECT_FALSE(c.points[1].zero_median);
  EXPECT_FALSE(c.gate_failed) << c.gate_message;  // without --fail-unjudged: said, not failed
  EXPECT_TRUE(has_warning(c, kA + " has a median of 0 ns in base.json (no ratio): no verdict can judge it, whatever "
                               "the other file measured; --fail-unjudged would fail the gate on it"))
      << ::testing::PrintToString(c.warnings);
  EXPECT_NE(c.gate_message.find("; 1 point(s) with a median of 0 ns (no ratio: unjudged)"), std::string::npos)
      << c.gate_message;
  o.fail_unjudged = true;
  c = compare_results(base, next, o);
  EXPECT_TRUE(c.gate_failed) << c.gate_message;
  EXPECT_NE(c.gate_message.find("1 point(s) with a median of 0 ns (no ratio: unjudged) (--fail-unjudged fails it)"),
            std::string::npos) << c.gate_message;
  EXPECT_TRUE(has_warning(c, "--fail-unjudged fails the gate on it"));
  // Either side: a new median of 0 ns has no ratio either.
  const Comparison back = compare_results(next, base, o);
  EXPECT_TRUE(back.points[0].zero_median);
  EXPECT_TRUE(back.gate_failed);
  EXPECT_TRUE(has_warning(back, kA + " has a median of 0 ns in base.json (no ratio)"));
  // ... and none is shown (helper-80): a new 0 ns read "-100.0%", ratio 0 and interval [0, 0]
  // beside the warning that it has none.
  EXPECT_FALSE(back.points[0].ratio);
  EXPECT_FALSE(back.points[0].ratio_ci);
  EXPECT_FALSE(c.points[0].ratio);
  EXPECT_FALSE(c.points[0].ratio_ci);
  const std::string json = format_comparison(back, CompareFormat::Json);
  const auto doc = nlohmann::json::parse(json);
  EXPECT_TRUE(doc["points"][0]["ratio"].is_null()) << doc["points"][0].dump();
  EXPECT_TRUE(doc["points"][0]["change"].is_null()) << doc["points"][0].dump();
}

// Regression (session 73's review): with 7 points of five tied 100 ns against five tied 110 ns,
// compare warned "no point can reach significance (smallest possible adjusted p is 0.0556 >= alpha
// 0.05)" and then called all 7 regressed at adjusted p 0.0278: the bound assumed untied samples,
// whose smallest p (exact) is 0.0079, while tied ones get the normal approximation's 0.004.
TEST(CompareUnjudged, TheReachabilityWarningCountsTiesAsTheTestDoes) {
  std::vector<std::pair<std::string, std::vector<double>>> b, n;
  for (int i = 0; i < 7; ++i) {
    const std::string name = "w/n=" + std::to_string(i) + "/procs:1/impl:ccbench";
    b.emplace_back(name, std::vector<double>(5, 100.0));
    n.emplace_back(name, std::vector<double>(5, 110.0));
  }
  const Comparison tied = compare_results(make("base.json", b), make("new.json", n), CompareOptions{});
  EXPECT_EQ(tied.count(Verdict::Regressed), 7u);
  EXPECT_FALSE(has_warning(tied, "no point can reach significance")) << ::testing::PrintToString(tied.warnings);
  // Untied samples of the same counts cannot: 7 x 2/C(10,5) = 0.0556.
  for (auto& [name, s] : b) s = around(100, 5);
  for (auto& [name, s] : n) s = around(110, 5);
  const Comparison untied = compare_results(make("base.json", b), make("new.json", n), CompareOptions{});
  EXPECT_EQ(untied.count(Verdict::Regressed), 0u);
  EXPECT_TRUE(has_warning(untied, "the smallest possible adjusted p is 0.0556 >= alpha 0.05"))
      << ::testing::PrintToString(untied.warnings);
}

}  // namespace
}  // namespace ccb::reports
