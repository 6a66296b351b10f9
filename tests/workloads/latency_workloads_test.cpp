// tests/workloads/latency_workloads_test.cpp — the latency-shaped workloads (pingpong, select,
// context, timers) in both C++ impls record exactly the sampled ops (one in every K of
// threads/latency_sampling.hpp) with plausible values (max >= p50 > 0, sleep >= 20 µs), and report
// sample_every and a non-negative overhead; plus the Sampler's period.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "workloads/registry.hpp"
#include "workloads/threads/latency_sampling.hpp"

namespace ccb::workloads {
namespace {

RunResult run(const std::string& w, const std::string& impl, std::map<std::string, std::string> p) {
  return find_workload(w)->impls.at(impl)(Params(std::move(p)), 2);
}

void expect_latency(const RunResult& r, uint64_t samples, uint32_t every) {
  ASSERT_TRUE(r.latency.has_value());
  if (samples != 0) {
    EXPECT_EQ(r.latency->count(), samples);
  }
  EXPECT_GT(r.latency->count(), 0u);
  EXPECT_GT(r.latency->percentile(50), 0u);
  EXPECT_GE(r.latency->max(), r.latency->percentile(50));
  EXPECT_EQ(r.extra.at("latency_sample_every"), every);
  EXPECT_GE(r.extra.at("latency_overhead_pct"), 0.0);
}

TEST(LatencySampler, RecordsOneInEveryK) {
  latency::Sampler s(8);
  int due = 0;
  for (int i = 0; i < 80; ++i) due += s.due() ? 1 : 0;
  EXPECT_EQ(due, 10);
  EXPECT_GT(latency::record_cost_ns(), 0.0);
}

class LatencyWorkloads : public ::testing::TestWithParam<const char*> {};

TEST_P(LatencyWorkloads, RecordTheSampledOps) {
  const std::string impl = GetParam();
  expect_latency(run("pingpong", impl, {{"cap", "0"}, {"n", "640"}}), 640 / latency::kEveryPingpong,
                 latency::kEveryPingpong);
  expect_latency(run("context", impl, {{"n", "80"}}), 80 / latency::kEveryContext, latency::kEveryContext);
  expect_latency(run("timers", impl, {{"mode", "startstop"}, {"tasks", "4"}, {"k", "128"}}),
                 4 * 128 / latency::kEveryStartStop, latency::kEveryStartStop);
  const RunResult sleep = run("timers", impl, {{"mode", "sleep"}, {"tasks", "2"}, {"k", "10"}});
  expect_latency(sleep, 20, latency::kEverySleep);
  EXPECT_GE(sleep.latency->min(), 20000u);  // every sleep lasted >= 20 µs
  // select: each consumer makes (values it got + channels) select calls; the split varies
  const RunResult sel = run("select", impl, {{"channels", "4"}, {"consumers", "2"}, {"cap", "0"}, {"n", "640"}});
  expect_latency(sel, 0, latency::kEverySelect);
  EXPECT_GE(sel.latency->count(), 640u / latency::kEverySelect);
  EXPECT_LE(sel.latency->count(), 2 * ((640u + 4) / latency::kEverySelect + 1));
}

INSTANTIATE_TEST_SUITE_P(Impls, LatencyWorkloads, ::testing::Values("ccbench", "threads"));

}  // namespace
}  // namespace ccb::workloads
