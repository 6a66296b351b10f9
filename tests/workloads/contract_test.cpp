// tests/workloads/contract_test.cpp — the registry against CONTRACT.md: for each C++ workload,
// its unit, parameter names in order, types, ranges, quick/full values, and both impls, hard-coded
// here from the contract so that a drift on either side fails.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "workloads/registry.hpp"

namespace ccb::workloads {
namespace {

using V = std::vector<std::string>;

struct P {
  std::string name;
  int64_t min, max;
  V choices, quick, full;
};

struct W {
  std::string name, unit;
  std::vector<P> params;
};

const std::vector<W>& expected() {
  static const std::vector<W> w = {
      {"pingpong", "round trip", {{"cap", 0, 1, {}, {"0", "1"}, {"0", "1"}},
                                  {"n", 1, 1000000000, {}, {"800000"}, {"800000"}}}},
      {"fanin", "message", {{"producers", 1, 4096, {}, {"4", "16"}, {"4", "16"}},
                            {"cap", 0, 1000000, {}, {"0", "128"}, {"0", "128"}},
                            {"n", 1, 1000000000, {}, {"400000"}, {"400000"}}}},
      {"fanout", "message", {{"workers", 1, 4096, {}, {"4", "16"}, {"4", "16"}},
                             {"cap", 0, 1000000, {}, {"0", "128"}, {"0", "128"}},
                             {"n", 1, 1000000000, {}, {"400000"}, {"400000"}}}},
      {"pipeline", "item", {{"stages", 1, 1024, {}, {"8"}, {"8"}},
                            {"cap", 0, 1000000, {}, {"0", "128"}, {"0", "128"}},
                            {"n", 1, 1000000000, {}, {"30000"}, {"30000"}}}},
      {"counter", "increment",
       {{"mode", 0, 0, {"mutex", "atomic", "channel", "rwmutex"}, {"mutex", "atomic", "channel", "rwmutex"},
         {"mutex", "atomic", "channel", "rwmutex"}},
        {"tasks", 1, 4096, {}, {"5"}, {"5", "8"}},
        {"k", 1, 1000000000, {}, {"1000000"}, {"1000000"}}}},
      {"select", "message", {{"channels", 2, 64, {}, {"4"}, {"4"}},
                             {"consumers", 1, 64, {}, {"2"}, {"2"}},
                             {"cap", 0, 1000000, {}, {"0", "64"}, {"0", "64"}},
                             {"n", 1, 1000000000, {}, {"120000"}, {"120000"}}}},
      {"skynet", "run", {{"size", 10, 10000000, {}, {"100000"}, {"1000000"}}}},
      {"spawn", "task", {{"n", 1, 10000000, {}, {"10000", "50000"}, {"10000", "1000000"}},
                         {"capacity", 0, 1, {}, {"0"}, {"0", "1"}}}},
      {"timers", "timer", {{"mode", 0, 0, {"startstop", "sleep"}, {"startstop", "sleep"}, {"startstop", "sleep"}},
                           {"tasks", 1, 4096, {}, {"4"}, {"4"}},
                           {"k", 1, 1000000000, {}, {"250"}, {"250"}}}},
      {"context", "waiter", {{"n", 1, 1000000, {}, {"40000"}, {"400000"}}}},
      {"ratelimit", "allow call", {{"tasks", 1, 4096, {}, {"4"}, {"4", "8"}},
                                   {"k", 1, 1000000000, {}, {"200000"}, {"200000"}}}},
  };
  return w;
}

// problem() runs a workload's check_params on `values` ("" = accepted).
std::string problem(const std::string& workload, std::map<std::string, std::string> values) {
  const Workload* w = find_workload(workload);
  if (w == nullptr || !w->check_params) return "(no check_params)";
  return w->check_params(Params(std::move(values)));
}

// Regression: these combinations ran and failed as self-checks (exit 1) instead of bad input.
TEST(WorkloadContract, CombinationsTheWorkloadCannotRunAreRejectedUpFront) {
  EXPECT_EQ(problem("skynet", {{"size", "12345"}}), "size=12345 is not a power of 10 (10, 100, ... 10000000)");
  EXPECT_EQ(problem("skynet", {{"size", "1000"}}), "");
  EXPECT_EQ(problem("fanin", {{"producers", "16"}, {"cap", "0"}, {"n", "3"}}), "n=3 must be at least producers=16");
  EXPECT_EQ(problem("fanin", {{"producers", "16"}, {"cap", "0"}, {"n", "16"}}), "");
  EXPECT_EQ(problem("select", {{"channels", "64"}, {"consumers", "2"}, {"cap", "0"}, {"n", "7"}}),
            "n=7 must be at least channels=64");
  EXPECT_EQ(problem("select", {{"channels", "4"}, {"consumers", "2"}, {"cap", "0"}, {"n", "4"}}), "");
}

TEST(WorkloadContract, EveryCppWorkloadIsRegisteredAsTheContractSays) {
  for (const W& want : expected()) {
    SCOPED_TRACE(want.name);
    const Workload* w = find_workload(want.name);
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(w->unit, want.unit);
    EXPECT_FALSE(w->description.empty());
    EXPECT_EQ(w->impls.count("ccbench"), 1u);
    EXPECT_EQ(w->impls.count("threads"), 1u);
    EXPECT_EQ(w->quick_procs, (std::vector<int>{1, 2}));
    EXPECT_EQ(w->full_procs, (std::vector<int>{1, 2, 4, 8}));
    ASSERT_EQ(w->params.size(), want.params.size());
    for (std::size_t i = 0; i < want.params.size(); ++i) {
      const ParamSpec& got = w->params[i];
      const P& p = want.params[i];
      SCOPED_TRACE(p.name);
      EXPECT_EQ(got.name, p.name);
      EXPECT_FALSE(got.help.empty());
      EXPECT_EQ(got.quick, p.quick);
      EXPECT_EQ(got.full, p.full);
      if (p.choices.empty()) {
        EXPECT_EQ(got.type, ParamType::Int);
        EXPECT_EQ(got.min, p.min);
        EXPECT_EQ(got.max, p.max);
      } else {
        EXPECT_EQ(got.type, ParamType::Choice);
        EXPECT_EQ(got.choices, p.choices);
      }
    }
  }
}

}  // namespace
}  // namespace ccb::workloads
