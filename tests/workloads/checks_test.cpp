// tests/workloads/checks_test.cpp — the self-checks (workloads/threads/checks.hpp) accept the
// exact contract result and reject each kind of wrong one with WorkloadFailed and a message that
// names the workload and the wanted value. The workloads call these same functions.
#include <gtest/gtest.h>

#include <ccb/rate.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "workloads/threads/checks.hpp"

namespace ccb::workloads::checks {
namespace {

void expect_fail(const std::function<void()>& f, const std::string& part) {
  try {
    f();
    ADD_FAILURE() << "no WorkloadFailed; expected a message containing: " << part;
  } catch (const WorkloadFailed& e) {
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

TEST(WorkloadChecks, Pingpong) {
  EXPECT_NO_THROW(check_pingpong(10, -1, 0, 55));
  expect_fail([] { check_pingpong(10, 3, 7, 55); }, "pingpong: sent 3, got reply 7, want 4");
  expect_fail([] { check_pingpong(10, -1, 0, 54); }, "pingpong: replies sum to 54, want 55");
}

TEST(WorkloadChecks, Fanin) {
  EXPECT_NO_THROW(check_fanin(10, 10, 0, 45));
  expect_fail([] { check_fanin(10, 9, 0, 45); }, "fanin: received 9 values, want 10");
  expect_fail([] { check_fanin(10, 10, 2, 45); }, "fanin: 2 values arrived out of");
  expect_fail([] { check_fanin(10, 10, 0, 44); }, "fanin: values sum to 44, want 45");
}

TEST(WorkloadChecks, Fanout) {
  EXPECT_NO_THROW(check_fanout(10, 10, 45));
  expect_fail([] { check_fanout(10, 11, 45); }, "fanout: workers received 11 values, want 10");
  expect_fail([] { check_fanout(10, 10, 46); }, "fanout: values sum to 46, want 45");
}

TEST(WorkloadChecks, Pipeline) {
  EXPECT_NO_THROW(check_pipeline(10, 8, 10, -1, 0));
  expect_fail([] { check_pipeline(10, 8, 10, 2, 9); }, "pipeline: item 2 is 9, want 10");
  expect_fail([] { check_pipeline(10, 8, 9, -1, 0); }, "pipeline: sink received 9 items, want 10");
}

TEST(WorkloadChecks, Counter) {
  EXPECT_NO_THROW(check_counter("mutex", 5, 7, 35));
  EXPECT_NO_THROW(check_counter("rwmutex", 5, 11, 10));  // ceil(11/10) = 2 writes per task
  expect_fail([] { check_counter("atomic", 5, 7, 34); }, "counter (atomic): final count 34, want 35");
  expect_fail([] { check_counter("rwmutex", 5, 11, 55); }, "want 10");
  expect_fail([] { check_counter("rwmutex", 5, 11, 10, 1); }, "counter (rwmutex): a read saw a write half done");
}

TEST(WorkloadChecks, Select) {
  EXPECT_NO_THROW(check_select(8, 8, 28));
  expect_fail([] { check_select(8, 7, 28); }, "select: consumers received 7 values, want 8");
  expect_fail([] { check_select(8, 8, 27); }, "select: values sum to 27, want 28");
}

TEST(WorkloadChecks, Skynet) {
  EXPECT_NO_THROW(check_skynet(1000000, 499999500000));
  expect_fail([] { check_skynet(1000000, 499999500001); }, "want 499999500000");
}

TEST(WorkloadChecks, Spawn) {
  EXPECT_NO_THROW(check_spawn(100, 100));
  expect_fail([] { check_spawn(100, 99); }, "spawn: 99 of 100 tasks ran");
}

TEST(WorkloadChecks, Timers) {
  EXPECT_NO_THROW(check_timers("startstop", 4, 10, 40, 0));
  expect_fail([] { check_timers("sleep", 4, 10, 39, 0); }, "timers (sleep): 39 operations ran, want 40");
  expect_fail([] { check_timers("startstop", 4, 10, 40, 2); }, "2 of 40 stop calls reported an inactive timer");
  expect_fail([] { check_timers("sleep", 4, 10, 40, 1); }, "1 of 40 sleeps returned earlier than 20us");
}

TEST(WorkloadChecks, Context) {
  EXPECT_NO_THROW(check_context(10, 10, 0));
  expect_fail([] { check_context(10, 9, 0); }, "context: 9 of 10 waiters observed the cancellation");
  expect_fail([] { check_context(10, 10, 1); }, "context: 1 of 10 children have err()");
}

TEST(WorkloadChecks, Ratelimit) {
  EXPECT_NO_THROW(check_ratelimit(1000, 5000, 1e8, 1000, 0));
  EXPECT_NO_THROW(check_ratelimit(1101, 5000, 1e8, 1000, 1000));  // 1000 + 100 + 1
  EXPECT_NO_THROW(check_ratelimit(10, 10, 1e8, 1000, 0));         // fewer calls than the burst
  expect_fail([] { check_ratelimit(0, 5000, 1e8, 1000, 1000); }, "ratelimit: 0 of 5000 calls allowed, want 1000..1101");
  // a limiter that admits fewer than its initial burst (say, only one call) is caught
  expect_fail([] { check_ratelimit(1, 5000, 1e8, 1000, 1000); }, "ratelimit: 1 of 5000 calls allowed");
  expect_fail([] { check_ratelimit(9, 10, 1e8, 1000, 0); }, "ratelimit: 9 of 10 calls allowed, want 10..1001");
  expect_fail([] { check_ratelimit(1102, 5000, 1e8, 1000, 1000); }, "ratelimit: 1102 of 5000 calls allowed");
}

// Buckets for probe_ratelimit: one that never refills, one that never limits, and a plain
// correct one (tokens refilled from the clock, capped at the burst).
struct NeverRefills {
  NeverRefills(double, double burst) : tokens(burst) {}
  bool allow() { return tokens >= 1 ? (tokens -= 1, true) : false; }
  double tokens;
};
struct NeverLimits {
  NeverLimits(double, double) {}
  bool allow() { return true; }
};
struct Correct {
  Correct(double r, double b) : rate(r), burst(b), tokens(b), last(std::chrono::steady_clock::now()) {}
  bool allow() {
    const auto now = std::chrono::steady_clock::now();
    tokens = std::min(burst, tokens + std::chrono::duration<double>(now - last).count() * rate);
    last = now;
    return tokens >= 1 ? (tokens -= 1, true) : false;
  }
  double rate, burst, tokens;
  std::chrono::steady_clock::time_point last;
};

// probe() drains a bucket of type B (rate 1e8/s, burst 1000) as the measured run might, then probes it.
template <class B>
void probe() {
  B bucket(1e8, 1000);
  for (int i = 0; i < 5000; ++i) bucket.allow();
  probe_ratelimit(
      bucket, 1000, [] { return std::make_unique<B>(kProbeRate, kProbeBurst); },
      [] { std::this_thread::sleep_for(kProbePause); });
}

TEST(WorkloadChecks, RatelimitProbeCatchesABucketThatNeverRefillsOrNeverLimits) {
  EXPECT_NO_THROW(probe<Correct>());
  expect_fail([] { probe<NeverRefills>(); }, "ratelimit: the bucket admitted 0 of 1000 calls after a pause of 100us");
  expect_fail([] { probe<NeverLimits>(); }, "ratelimit (probe: a fresh bucket of rate 1000/s, burst 10): 1000 of 1000 calls allowed, want 10..");
  expect_fail([] { check_ratelimit_refill(999, 1000); }, "admitted 999 of 1000 calls");
}

// The runtime's limiter passes the probe from a plain thread, as ratelimit's ccbench impl runs it
// from a task.
TEST(WorkloadChecks, RatelimitProbeAcceptsTheRuntimesLimiter) {
  ccb::rate::Limiter lim(1e8, 1000);
  for (int i = 0; i < 5000; ++i) lim.allow();
  EXPECT_NO_THROW(probe_ratelimit(
      lim, 1000, [] { return std::make_unique<ccb::rate::Limiter>(kProbeRate, kProbeBurst); },
      [] { std::this_thread::sleep_for(kProbePause); }));
}

TEST(WorkloadChecks, ResidentBytesIsReadable) { EXPECT_GT(resident_bytes(), 0); }

}  // namespace
}  // namespace ccb::workloads::checks
