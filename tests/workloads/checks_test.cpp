// tests/workloads/checks_test.cpp — the self-checks (workloads/threads/checks.hpp) accept the
// exact contract result and reject each kind of wrong one with WorkloadFailed and a message that
// names the workload and the wanted value. The workloads call these same functions.
#include <gtest/gtest.h>

#include <ccb/chan.hpp>
#include <ccb/rate.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <numeric>
#include <utility>
#include <vector>
#include <string>
#include <thread>

#include "workloads/ccb_run.hpp"
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
  EXPECT_NO_THROW(check_pingpong(10, -1, 0, 55, 0));
  expect_fail([] { check_pingpong(10, 3, 7, 55, 0); }, "pingpong: sent 3, got reply 7, want 4");
  expect_fail([] { check_pingpong(10, -1, 0, 54, 0); }, "pingpong: replies sum to 54, want 55");
  // Regression (session 51's workloads review): a duplicated last reply was drained unchecked.
  expect_fail([] { check_pingpong(10, -1, 0, 55, 1); }, "pingpong: 1 replies came after the last round trip, want 0");
}

TEST(WorkloadChecks, Fanin) {
  EXPECT_NO_THROW(check_fanin(10, 10, 0, 45));
  expect_fail([] { check_fanin(10, 9, 0, 45); }, "fanin: received 9 values, want 10");
  expect_fail([] { check_fanin(10, 10, 2, 45); }, "fanin: 2 values arrived out of");
  expect_fail([] { check_fanin(10, 10, 0, 44); }, "fanin: values sum to 44, want 45");
}

// received(): count, sum and sum of squares of vals, as fanout's and select's receivers keep them.
struct Received {
  int64_t count = 0, sum = 0;
  uint64_t sumsq = 0;
};
Received received(std::initializer_list<int64_t> vals) {
  Received r;
  for (int64_t v : vals) {
    ++r.count;
    r.sum += v;
    r.sumsq += square(v);
  }
  return r;
}

TEST(WorkloadChecks, Fanout) {
  const Received ok = received({0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  EXPECT_NO_THROW(check_fanout(10, ok.count, ok.sum, ok.sumsq));
  expect_fail([&] { check_fanout(10, 11, 45, ok.sumsq); }, "fanout: workers received 11 values, want 10");
  expect_fail([&] { check_fanout(10, 10, 46, ok.sumsq); }, "fanout: values sum to 46, want 45");
}

// {0,1,2,3} received as {0,2,2,2} keeps the count and the sum; so do two lost values made up by
// two duplicates ({1,1,2,2,4,5} and {0,2,2,3,3,5} for 0..5). The squares' sum catches all three.
TEST(WorkloadChecks, FanoutAndSelectCatchALostValueMadeUpByADuplicate) {
  for (const Received& r : {received({0, 2, 2, 2}), received({1, 1, 2, 2, 4, 5}), received({0, 2, 2, 3, 3, 5})}) {
    expect_fail([&] { check_fanout(r.count, r.count, r.sum, r.sumsq); }, "fanout: the squares of the values sum to");
    expect_fail([&] { check_select(r.count, r.count, r.sum, r.sumsq, 0); }, "a value was lost and another received twice");
  }
}

TEST(WorkloadChecks, SumOfSquaresWrapsLikeTheReceivers) {
  for (int64_t n : {1, 2, 3, 7, 400000, 3000000}) {
    uint64_t want = 0;
    for (int64_t i = 0; i < n; ++i) want += square(i);
    EXPECT_EQ(sum_of_squares(n), want) << n;
  }
  // n(n-1)(2n-1)/6 for n = 1e9 is 333333332833333333500000000, which overflows 64 bits
  EXPECT_EQ(sum_of_squares(1000000000), 0x2e5524ba83927700ULL);
  EXPECT_EQ(sum_of_squares(0), 0u);
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
  const Received ok = received({0, 1, 2, 3, 4, 5, 6, 7});
  EXPECT_NO_THROW(check_select(8, ok.count, ok.sum, ok.sumsq, 0));
  expect_fail([&] { check_select(8, 7, 28, ok.sumsq, 0); }, "select: consumers received 7 values, want 8");
  expect_fail([&] { check_select(8, 8, 27, ok.sumsq, 0); }, "select: values sum to 27, want 28");
  // every value once, but two of one channel's swapped
  expect_fail([&] { check_select(8, ok.count, ok.sum, ok.sumsq, 1); },
              "select: 1 values arrived out of their channel's order");
}

TEST(WorkloadChecks, Skynet) {
  EXPECT_NO_THROW(check_skynet(1000000, 499999500000));
  expect_fail([] { check_skynet(1000000, 499999500001); }, "want 499999500000");
  expect_fail([] { check_skynet(1000000, kSkynetPoison); }, "skynet: a node received other replies");
}

// A skynet node accepts exactly its 10 children's sums in any order; a lost reply made up by a
// duplicate (the sum unchanged), a reply that is no child's, or a poisoned one makes it send the
// poison up.
TEST(WorkloadChecks, SkynetNodeCatchesWrongReplies) {
  for (auto [num, size] : {std::pair<int64_t, int64_t>{0, 10}, {30, 10}, {0, 100}, {500, 100}, {0, 1000000}}) {
    const int64_t child = size / 10;
    std::vector<int64_t> sums;
    for (int64_t i = 0; i < 10; ++i) sums.push_back(child * (num + i * child) + child * (child - 1) / 2);
    const auto node = [&](const std::vector<int64_t>& replies) {
      SkynetReplies r(num, size);
      for (int64_t v : replies) r.add(v);
      return r.up();
    };
    const std::vector<int64_t> reversed(sums.rbegin(), sums.rend());
    EXPECT_EQ(node(reversed), std::accumulate(sums.begin(), sums.end(), int64_t{0})) << num << "/" << size;
    auto dup = sums, off = sums, poisoned = sums;
    dup[1] = dup[3] = dup[2];  // {0,1,2,3} as {0,2,2,2}
    off[0] += 1;
    off[9] -= 1;
    poisoned[4] = kSkynetPoison;
    for (const auto& bad : {dup, off, poisoned}) EXPECT_EQ(node(bad), kSkynetPoison) << num << "/" << size;
  }
}

TEST(WorkloadChecks, Spawn) {
  uint64_t all = 0;
  for (int64_t i = 0; i < 100; ++i) all += spawn_key(i);
  EXPECT_NO_THROW(check_spawn(100, all));
  expect_fail([&] { check_spawn(100, all - spawn_key(7)); }, "spawn: 99 of 100 tasks ran");
  // task 1 did not run and task 2 ran twice: the count is still 100
  expect_fail([&] { check_spawn(100, all - spawn_key(1) + spawn_key(2)); },
              "spawn: 100 tasks ran but not each exactly once");
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

// Regression (session 51's workloads review): a ccb::Deadlock from a workload's run (a lost
// message) escaped it, and the harness ended the whole run as an internal error (exit 3, no
// results written) instead of failing that point.
TEST(WorkloadChecks, TheRuntimesVerdictsOnAWorkloadAreWorkloadFailures) {
  expect_fail([] { run_checked(2, [] { ccb::Chan<int>(0).recv(); }); },
              "the ccbench runtime found the workload's tasks deadlocked: all tasks are asleep - deadlock!");
  expect_fail(
      [] {
        run_checked(1, [] {
          ccb::Chan<int> c(1);
          c.close();
          c.close();
        });
      },
      "the ccbench runtime panicked in the workload: close of closed channel");
  expect_fail([] { run_checked(1, [] { throw WorkloadFailed("fanin: wrong sum"); }); }, "fanin: wrong sum");
}

TEST(WorkloadChecks, ResidentBytesIsReadable) { EXPECT_GT(resident_bytes(), 0); }

}  // namespace
}  // namespace ccb::workloads::checks
