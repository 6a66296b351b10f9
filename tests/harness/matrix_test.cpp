// tests/harness/matrix_test.cpp — matrix expansion (harness/matrix.hpp) with the fake workloads.
#include "harness/matrix.hpp"

#include <gtest/gtest.h>

#include <set>

#include "harness/errors.hpp"

namespace ccb::harness {
namespace {

std::vector<std::string> names(const std::vector<Point>& pts) {
  std::vector<std::string> out;
  for (const auto& p : pts) out.push_back(p.name("ccbench"));
  return out;
}

TEST(Matrix, CrossProductInDeclaredOrderWithProcsInnermost) {
  MatrixRequest req;
  req.workloads = {"fake_sum"};
  auto pts = expand_matrix(req);
  EXPECT_EQ(names(pts), (std::vector<std::string>{
                            "fake_sum/n=2000/k=1/procs:1/impl:ccbench",
                            "fake_sum/n=2000/k=1/procs:2/impl:ccbench",
                            "fake_sum/n=2000/k=2/procs:1/impl:ccbench",
                            "fake_sum/n=2000/k=2/procs:2/impl:ccbench",
                        }));
}

TEST(Matrix, SetAndProcsOverrideThePreset) {
  MatrixRequest req;
  req.workloads = {"fake_sum"};
  req.sets = {"k=4", "n=1e3,2000"};
  req.procs = "1..4";
  auto pts = expand_matrix(req);
  ASSERT_EQ(pts.size(), 2u * 1u * 3u);
  EXPECT_EQ(pts.front().base_name, "fake_sum/n=1000/k=4/procs:1");
  EXPECT_EQ(pts.back().base_name, "fake_sum/n=2000/k=4/procs:4");
  EXPECT_EQ(pts.front().to_params().get_int("n"), 1000);
}

// n_list() is "--set n=" with the values 1..count.
std::string n_list(int count) {
  std::string s = "n=";
  for (int i = 1; i <= count; ++i) s += (i > 1 ? "," : "") + std::to_string(i);
  return s;
}

// Regression: a mistyped sweep expanded without bound (an audit's fanin sweep reached 2.9 GB and
// ended in std::bad_alloc, exit 1); now a usage error before anything is expanded.
TEST(Matrix, MoreThanKMaxPointsIsAUsageError) {
  MatrixRequest req;
  req.workloads = {"fake_sum"};
  req.sets = {n_list(25000), "k=1,2"};
  req.procs = "1,2";
  EXPECT_EQ(expand_matrix(req).size(), kMaxPoints);  // 25000 x 2 x 2: exactly the limit
  req.sets = {n_list(25000), "k=1,2,4"};
  try {
    expand_matrix(req);
    FAIL() << "150000 points were expanded";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("more than 100000 points (before --filter; fake_sum alone: 150000)"),
              std::string::npos) << e.what();
  }
}

TEST(Matrix, FullPresetUsesFullSweeps) {
  MatrixRequest req;
  req.workloads = {"fake_sum"};
  req.preset = Preset::Full;
  EXPECT_EQ(expand_matrix(req).size(), 2u * 3u * 3u);
}

TEST(Matrix, AllWorkloadsSortedNamesUniqueAndStable) {
  MatrixRequest req;
  auto a = expand_matrix(req);
  auto b = expand_matrix(req);
  const std::vector<std::string> na = names(a);
  EXPECT_EQ(na, names(b));
  std::set<std::string> unique(na.begin(), na.end());
  EXPECT_EQ(unique.size(), a.size());
  EXPECT_EQ(a.front().workload->name, "fake_extra");  // registry order: sorted by name
  EXPECT_EQ(a.front().base_name, "fake_extra/procs:1");  // no parameters
}

TEST(Matrix, WorkloadOrderFollowsTheCommandLine) {
  MatrixRequest req;
  req.workloads = {"fake_sum", "fake_extra"};
  auto pts = expand_matrix(req);
  EXPECT_EQ(pts.front().workload->name, "fake_sum");
  EXPECT_EQ(pts.back().workload->name, "fake_extra");
}

TEST(Matrix, FilterKeepsMatchingPoints) {
  MatrixRequest req;
  req.workloads = {"fake_sum"};
  req.filter = "k=2/procs:1$";
  auto pts = expand_matrix(req);
  ASSERT_EQ(pts.size(), 1u);
  EXPECT_EQ(pts[0].base_name, "fake_sum/n=2000/k=2/procs:1");
}

TEST(Matrix, BadRequestsThrowUsageError) {
  auto bad = [](MatrixRequest r) { EXPECT_THROW(expand_matrix(r), UsageError); };
  bad({{"nope"}, {}, {}, Preset::Quick, {}});
  bad({{"fake_sum", "fake_sum"}, {}, {}, Preset::Quick, {}});
  bad({{"fake_sum"}, {"zzz=1"}, {}, Preset::Quick, {}});
  bad({{"fake_sum"}, {"n=1", "n=2"}, {}, Preset::Quick, {}});
  bad({{"fake_sum"}, {"=1"}, {}, Preset::Quick, {}});
  bad({{"fake_sum"}, {"n"}, {}, Preset::Quick, {}});
  bad({{"fake_sum"}, {"n="}, {}, Preset::Quick, {}});
  bad({{"fake_sum"}, {"k=5"}, {}, Preset::Quick, {}});
  bad({{"fake_sum"}, {}, std::string("0"), Preset::Quick, {}});
  bad({{"fake_sum"}, {}, std::string("1025"), Preset::Quick, {}});
  bad({{"fake_sum"}, {}, std::string("100000"), Preset::Quick, {}});
  bad({{"fake_sum"}, {}, {}, Preset::Quick, std::string("(")});
  bad({{"fake_sum"}, {}, {}, Preset::Quick, std::string("no-such-point")});
}

// Regression: combinations a workload cannot run (skynet size=12345, fanin n < producers) were
// found only when the point ran, and reported as workload failures (exit 1).
TEST(Matrix, CombinationsAreCheckedForSelectedPointsOnly) {
  MatrixRequest req;
  req.workloads = {"fake_sum"};
  req.sets = {"n=1e6", "k=1,4"};
  try {
    expand_matrix(req);
    FAIL() << "no UsageError";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), "point fake_sum/n=1000000/k=4/procs:1: n*k=4000000 must be at most 2000000");
  }
  req.filter = "k=1/";
  EXPECT_EQ(expand_matrix(req).size(), 2u);  // the rejected points are not selected
}

TEST(Matrix, SetOfAParameterOnlySomeWorkloadsHaveIsAllowed) {
  MatrixRequest req;
  req.workloads = {"fake_sum", "fake_extra"};
  req.sets = {"k=4"};
  auto pts = expand_matrix(req);
  EXPECT_EQ(pts.size(), 2u + 1u);
}

TEST(Matrix, ParseImpls) {
  EXPECT_EQ(parse_impls("all"), (std::vector<std::string>{"ccbench", "go", "threads"}));
  EXPECT_EQ(parse_impls("threads,ccbench"), (std::vector<std::string>{"threads", "ccbench"}));
  EXPECT_THROW(parse_impls("rust"), UsageError);
  EXPECT_THROW(parse_impls("go,go"), UsageError);
  // 'all' with other names: said so, not "unknown implementation 'all'; valid: ..., all"
  try {
    parse_impls("all,ccbench");
    ADD_FAILURE() << "no throw";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "--impl: 'all' stands alone (--impl all); it cannot be listed with other names");
  }
  EXPECT_THROW(parse_impls(""), UsageError);
}

}  // namespace
}  // namespace ccb::harness
