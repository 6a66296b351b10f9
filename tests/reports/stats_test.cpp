// tests/reports/stats_test.cpp — the statistics of reports/stats.hpp on hand-computed inputs.
// Each Mann-Whitney expectation shows its arithmetic; the values also agree with
// scipy.stats.mannwhitneyu(a, b, method="asymptotic") (scipy 1.10), which compare.py relies on.
#include "reports/stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace ccb::reports::stats {
namespace {

TEST(StatsTest, SummaryStatistics) {
  const std::vector<double> odd{5, 1, 4, 2, 3}, even{4, 1, 3, 2};
  EXPECT_DOUBLE_EQ(median(odd), 3);
  EXPECT_DOUBLE_EQ(median(even), 2.5);
  EXPECT_DOUBLE_EQ(mean(odd), 3);
  EXPECT_NEAR(stddev(odd), std::sqrt(2.5), 1e-12);  // sum of squares 10, n-1 = 4
  EXPECT_NEAR(*cv(odd), std::sqrt(2.5) / 3, 1e-12);
  EXPECT_FALSE(cv(std::vector<double>{7}).has_value());
  EXPECT_THROW(median(std::vector<double>{}), std::invalid_argument);
}

TEST(StatsTest, MannWhitneyCompleteSeparation) {
  // a = 1..5, b = 6..10: rank sum of a = 15, U = 15 - 5*6/2 = 0; mu = 12.5;
  // sigma = sqrt(25/12 * 11) = 4.78714; z = (12.5 - 0.5) / 4.78714 = 2.50672;
  // p = erfc(2.50672 / sqrt 2) = 0.0121858.
  const MannWhitney r = mann_whitney_u(std::vector<double>{1, 2, 3, 4, 5}, std::vector<double>{6, 7, 8, 9, 10});
  EXPECT_DOUBLE_EQ(r.u, 0);
  EXPECT_NEAR(r.z, 2.50672, 1e-5);
  EXPECT_NEAR(r.p, 0.0121858, 1e-6);
  EXPECT_NEAR(mann_whitney_min_p(5, 5), 0.0121858, 1e-6);
  // Symmetric: swapping the samples changes U to n1*n2 - U, not p.
  const MannWhitney s = mann_whitney_u(std::vector<double>{6, 7, 8, 9, 10}, std::vector<double>{1, 2, 3, 4, 5});
  EXPECT_DOUBLE_EQ(s.u, 25);
  EXPECT_NEAR(s.p, r.p, 1e-12);
}

TEST(StatsTest, MannWhitneyWithTies) {
  // a = {1,2,2,3}, b = {2,3,4,5}. Pooled ranks: 1->1; the three 2s share (2+3+4)/3 = 3;
  // the two 3s share 5.5; 4->7; 5->8. Rank sum of a = 1+3+3+5.5 = 12.5, U = 12.5 - 10 = 2.5.
  // Tie term: (27-3) + (8-2) = 30; var = 16/12 * (9 - 30/56) = 11.285714; sigma = 3.359422;
  // z = (|2.5 - 8| - 0.5) / 3.359422 = 1.488351; p = erfc(z / sqrt 2) = 0.136658.
  const MannWhitney r = mann_whitney_u(std::vector<double>{1, 2, 2, 3}, std::vector<double>{2, 3, 4, 5});
  EXPECT_DOUBLE_EQ(r.u, 2.5);
  EXPECT_NEAR(r.z, 1.488351, 1e-6);
  EXPECT_NEAR(r.p, 0.136658, 1e-6);
}

TEST(StatsTest, MannWhitneyIdenticalSamplesGivePOne) {
  EXPECT_DOUBLE_EQ(mann_whitney_u(std::vector<double>{10, 11, 12}, std::vector<double>{10, 11, 12}).p, 1.0);
  // Every value tied: the variance is 0 and p is defined as 1, never NaN.
  EXPECT_DOUBLE_EQ(mann_whitney_u(std::vector<double>{4, 4}, std::vector<double>{4, 4, 4}).p, 1.0);
}

TEST(StatsTest, HolmBonferroniKnownValues) {
  // Sorted: 0.005*4 = 0.02; 0.01*3 = 0.03; 0.03*2 = 0.06; 0.04*1 = 0.04 -> running max 0.06.
  const std::vector<double> adj = holm_bonferroni(std::vector<double>{0.01, 0.04, 0.03, 0.005});
  ASSERT_EQ(adj.size(), 4u);
  EXPECT_NEAR(adj[0], 0.03, 1e-12);
  EXPECT_NEAR(adj[1], 0.06, 1e-12);
  EXPECT_NEAR(adj[2], 0.06, 1e-12);
  EXPECT_NEAR(adj[3], 0.02, 1e-12);
  // Capped at 1: 0.5*2 = 1.0, then max(1.0, 0.6) = 1.0.
  const std::vector<double> capped = holm_bonferroni(std::vector<double>{0.5, 0.6});
  EXPECT_DOUBLE_EQ(capped[0], 1.0);
  EXPECT_DOUBLE_EQ(capped[1], 1.0);
  // One test: unchanged.
  EXPECT_DOUBLE_EQ(holm_bonferroni(std::vector<double>{0.03})[0], 0.03);
  EXPECT_TRUE(holm_bonferroni(std::vector<double>{}).empty());
}

TEST(StatsTest, GeomeanOfKnownValues) {
  EXPECT_NEAR(geomean(std::vector<double>{2, 8}), 4, 1e-12);
  EXPECT_NEAR(geomean(std::vector<double>{1.2, 1.2, 1.2}), 1.2, 1e-12);
  EXPECT_THROW(geomean(std::vector<double>{1, 0}), std::invalid_argument);
}

TEST(StatsTest, BootstrapIsSeededAndCoversTheShift) {
  const std::vector<double> base{100, 101, 99, 102, 98, 100.5, 99.5, 101.5, 98.5, 100.2};
  std::vector<double> next;
  for (double x : base) next.push_back(x * 1.2);
  const auto a = bootstrap_ratio_ci(base, next, 0.95, seed_for("p"));
  const auto b = bootstrap_ratio_ci(base, next, 0.95, seed_for("p"));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->low, b->low);  // deterministic: bit-identical for the same seed
  EXPECT_EQ(a->high, b->high);
  EXPECT_LE(a->low, 1.2);
  EXPECT_GE(a->high, 1.2);
  EXPECT_GT(a->low, 1.15);
  EXPECT_LT(a->high, 1.25);
  EXPECT_NE(seed_for("p"), seed_for("q"));

  const auto g = bootstrap_geomean_ci({{base, next}, {base, next}}, 0.95, 7);
  ASSERT_TRUE(g);
  EXPECT_GT(g->low, 1.15);
  EXPECT_LT(g->high, 1.25);
}

}  // namespace
}  // namespace ccb::reports::stats
