// tests/workloads/run_test.cpp — every C++ workload's every impl ("ccbench", "threads") runs one
// repetition at tiny sizes, at procs 1 and 2, covering every cap/mode value of the contract; the
// run passes its own self-check (no WorkloadFailed) and returns ops > 0 and elapsed > 0 with the
// contract's op count. Also: the threads impl reports NotApplicable (never crashes) for sizes it
// cannot start and caps the hand-off-bound workloads' sizes; spawn reports rss_per_task_bytes and switch_ns; the latency-shaped workloads
// (pingpong, select, context, timers) report a latency histogram, the others none.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "workloads/registry.hpp"
#include "workloads/threads/thread_util.hpp"

namespace ccb::workloads {
namespace {

struct Case {
  std::string workload;
  std::map<std::string, std::string> params;
  uint64_t ops;  // the contract's op count for these params
};

std::vector<Case> cases() {
  std::vector<Case> c;
  for (const char* cap : {"0", "1"}) c.push_back({"pingpong", {{"cap", cap}, {"n", "300"}}, 300});
  for (const char* cap : {"0", "128"}) {
    c.push_back({"fanin", {{"producers", "4"}, {"cap", cap}, {"n", "402"}}, 400});  // per = 100
    c.push_back({"fanout", {{"workers", "4"}, {"cap", cap}, {"n", "401"}}, 401});
    c.push_back({"pipeline", {{"stages", "8"}, {"cap", cap}, {"n", "200"}}, 200});
  }
  for (const char* mode : {"mutex", "atomic", "channel", "rwmutex"})
    c.push_back({"counter", {{"mode", mode}, {"tasks", "5"}, {"k", "301"}}, 1505});
  for (const char* cap : {"0", "64"}) {
    c.push_back({"select", {{"channels", "4"}, {"consumers", "2"}, {"cap", cap}, {"n", "402"}}, 400});
    c.push_back({"select", {{"channels", "5"}, {"consumers", "3"}, {"cap", cap}, {"n", "500"}}, 500});
  }
  c.push_back({"skynet", {{"size", "1000"}}, 1});
  c.push_back({"spawn", {{"n", "500"}, {"capacity", "0"}}, 500});
  for (const char* mode : {"startstop", "sleep"})
    c.push_back({"timers", {{"mode", mode}, {"tasks", "4"}, {"k", "25"}}, 100});
  c.push_back({"context", {{"n", "300"}}, 300});
  c.push_back({"ratelimit", {{"tasks", "4"}, {"k", "2000"}}, 8000});
  return c;
}

Params one(const std::string& name, const std::string& value) {
  return Params(std::map<std::string, std::string>{{name, value}});
}

class RunAll : public ::testing::TestWithParam<int> {};

TEST_P(RunAll, EveryImplPassesItsSelfCheckAtTinySizes) {
  const int procs = GetParam();
  for (const Case& c : cases()) {
    const Workload* w = find_workload(c.workload);
    ASSERT_NE(w, nullptr) << c.workload;
    // the declared count the harness checks every ccbench and Go run against
    ASSERT_TRUE(w->ops) << c.workload;
    EXPECT_EQ(w->ops(Params(c.params)), c.ops) << c.workload;
    for (const char* impl : {"ccbench", "threads"}) {
      SCOPED_TRACE(c.workload + " impl " + impl + " procs " + std::to_string(procs) + " " +
                   c.params.begin()->first + "=" + c.params.begin()->second);
      ASSERT_EQ(w->impls.count(impl), 1u);
      RunResult r;
      ASSERT_NO_THROW(r = w->impls.at(impl)(Params(c.params), procs));
      EXPECT_EQ(r.ops, c.ops);
      if (std::string(impl) == "threads" && w->threads_sizes) {  // below every cap: as asked
        EXPECT_EQ(w->threads_sizes(Params(c.params)).values(), c.params);
      }
      EXPECT_GT(r.elapsed_ns, 0);
      const bool latency_shaped = c.workload == "pingpong" || c.workload == "select" ||
                                  c.workload == "context" || c.workload == "timers";
      if (c.workload == "spawn") {
        ASSERT_EQ(r.extra.count("rss_per_task_bytes"), 1u);
        ASSERT_EQ(r.extra.count("switch_ns"), 1u);
        EXPECT_GT(r.extra.at("switch_ns"), 0);
        EXPECT_EQ(r.extra.count("max_tasks_1gib"), 0u);  // capacity=0
      } else if (latency_shaped) {
        ASSERT_TRUE(r.latency.has_value());
        EXPECT_GT(r.latency->count(), 0u);
        EXPECT_EQ(r.extra.count("latency_sample_every"), 1u);
        EXPECT_EQ(r.extra.count("latency_overhead_pct"), 1u);
      } else {
        EXPECT_TRUE(r.extra.empty());
        EXPECT_FALSE(r.latency.has_value());
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Procs, RunAll, ::testing::Values(1, 2));

TEST(RunThreads, TooManyThreadsIsNotApplicable) {
  const auto& sky = find_workload("skynet")->impls.at("threads");
  EXPECT_THROW(sky(one("size", "1000000"), 2), NotApplicable);
  const auto& spawn = find_workload("spawn")->impls.at("threads");
  EXPECT_THROW(spawn(Params({{"n", "100000"}, {"capacity", "0"}}), 2), NotApplicable);
  const auto& context = find_workload("context")->impls.at("threads");
  EXPECT_THROW(context(one("n", "100000"), 2), NotApplicable);
}

// Regression (session 48's CLI review): `run --dry-run` listed spawn n=25000 for threads as a point
// to measure and counted it in its estimate. Workload::threads_needed now says so before anything
// runs (the harness and --dry-run use known_not_applicable), and the run throws the same reason.
TEST(RunThreads, WhatIsKnownAheadIsWhatTheRunThrows) {
  for (const Workload& w : all_workloads()) {
    if (w.impls.count("threads") != 0) {
      EXPECT_TRUE(w.threads_needed) << w.name;
    }
  }
  const std::vector<Case> big = {{"skynet", {{"size", "100000"}}, 1},
                                 {"spawn", {{"n", "25000"}, {"capacity", "0"}}, 25000},
                                 {"context", {{"n", "20001"}}, 20001}};
  for (const Case& c : big) {
    const Workload& w = *find_workload(c.workload);
    const std::string why = known_not_applicable(w, "threads", Params(c.params));
    EXPECT_NE(why.find(c.workload + " (threads): needs "), std::string::npos) << why;
    try {
      (void)w.impls.at("threads")(Params(c.params), 1);
      ADD_FAILURE() << c.workload << " ran";
    } catch (const NotApplicable& e) {
      EXPECT_EQ(e.what(), why);
    }
    EXPECT_EQ(known_not_applicable(w, "ccbench", Params(c.params)), "");
  }
  EXPECT_EQ(known_not_applicable(*find_workload("skynet"), "threads", one("size", "10000")), "");  // 11111
  for (const Case& c : cases())  // each of which runs above
    EXPECT_EQ(known_not_applicable(*find_workload(c.workload), "threads", Params(c.params)), "") << c.workload;
}

TEST(RunThreads, HandOffBoundWorkloadsAreCapped) {
  // the documented caps of threads/thread_util.hpp: ops are what ran, never the requested size,
  // and what the workload declares for threads (Workload::ops at Workload::threads_sizes), which
  // the harness checks every threads run against
  const auto run = [](const char* w, std::map<std::string, std::string> p) {
    const Workload* wl = find_workload(w);
    EXPECT_TRUE(wl->threads_sizes) << w;
    const Params given(std::move(p));
    const uint64_t ops = wl->impls.at("threads")(given, 2).ops;
    EXPECT_EQ(wl->ops(wl->threads_sizes(given)), ops) << w;
    return ops;
  };
  EXPECT_EQ(run("pingpong", {{"cap", "1"}, {"n", "20001"}}), 20000u);
  EXPECT_EQ(run("fanin", {{"producers", "4"}, {"cap", "0"}, {"n", "30000"}}), 20000u);
  EXPECT_EQ(run("fanout", {{"workers", "4"}, {"cap", "1"}, {"n", "30000"}}), 20000u);
  EXPECT_EQ(run("select", {{"channels", "4"}, {"consumers", "2"}, {"cap", "63"}, {"n", "30000"}}), 20000u);
  EXPECT_EQ(run("pipeline", {{"stages", "2"}, {"cap", "0"}, {"n", "3000"}}), 2000u);
  EXPECT_EQ(run("counter", {{"mode", "channel"}, {"tasks", "2"}, {"k", "30000"}}), 40000u);
  EXPECT_EQ(run("pingpong", {{"cap", "1"}, {"n", "300"}}), 300u);  // below the cap: as asked
  // buffered channels (cap >= threads::kBufferedFrom) and the lock modes cost ns per op, not µs:
  // far higher caps, so that starting the threads stays a negligible share of a run
  EXPECT_EQ(run("fanout", {{"workers", "4"}, {"cap", "128"}, {"n", "30000"}}), 30000u);
  EXPECT_EQ(run("pipeline", {{"stages", "2"}, {"cap", "128"}, {"n", "3000"}}), 3000u);
  EXPECT_EQ(run("counter", {{"mode", "atomic"}, {"tasks", "2"}, {"k", "30000"}}), 60000u);
}

TEST(RunThreads, CapsDependOnTheCostPerOp) {
  // threads_sizes only (nothing runs): the caps of threads/thread_util.hpp, by channel capacity
  // and counter mode
  const auto n_at = [](const char* w, std::map<std::string, std::string> p, const char* name) {
    return find_workload(w)->threads_sizes(Params(std::move(p))).get_int(name);
  };
  using namespace threads;
  EXPECT_EQ(n_at("fanin", {{"producers", "4"}, {"cap", "0"}, {"n", "1000000000"}}, "n"), kCapHandOff);
  EXPECT_EQ(n_at("fanin", {{"producers", "4"}, {"cap", "128"}, {"n", "1000000000"}}, "n"), kCapFanBuffered);
  EXPECT_EQ(n_at("fanout", {{"workers", "4"}, {"cap", "64"}, {"n", "1000000000"}}, "n"), kCapFanBuffered);
  EXPECT_EQ(n_at("select", {{"channels", "4"}, {"consumers", "2"}, {"cap", "64"}, {"n", "1000000000"}}, "n"),
            kCapSelectBuffered);
  EXPECT_EQ(n_at("select", {{"channels", "4"}, {"consumers", "2"}, {"cap", "0"}, {"n", "1000000000"}}, "n"),
            kCapHandOff);
  EXPECT_EQ(n_at("pipeline", {{"stages", "8"}, {"cap", "128"}, {"n", "1000000000"}}, "n"), kCapPipelineBuffered);
  EXPECT_EQ(n_at("pipeline", {{"stages", "8"}, {"cap", "0"}, {"n", "1000000000"}}, "n"), kCapPipelineHandOff);
  for (const char* mode : {"mutex", "atomic", "rwmutex"})
    EXPECT_EQ(n_at("counter", {{"mode", mode}, {"tasks", "5"}, {"k", "1000000000"}}, "k"), kCapCounterLockK) << mode;
  EXPECT_EQ(n_at("counter", {{"mode", "channel"}, {"tasks", "5"}, {"k", "1000000000"}}, "k"), kCapCounterChannelK);
  // the presets' sizes of the lock modes, select and pipeline with buffered channels run uncapped
  EXPECT_GE(kCapCounterLockK, 1000000);
  EXPECT_GE(kCapSelectBuffered, 120000);
  EXPECT_GE(kCapPipelineBuffered, 30000);
}

TEST(RunCcbench, SkynetAtTenThousand) {
  const auto r = find_workload("skynet")->impls.at("ccbench")(one("size", "10000"), 2);
  EXPECT_EQ(r.ops, 1u);
}

TEST(RunCcbench, SkynetRejectsASizeThatIsNotAPowerOfTen) {
  EXPECT_THROW(find_workload("skynet")->impls.at("ccbench")(one("size", "20"), 1), WorkloadFailed);
}

// A spawn point that runs after a larger one must not report the larger pool's stacks as free
// memory: each (n, procs) point measures its RSS per task once, from an empty stack pool.
TEST(Spawn, RssPerTaskDoesNotDependOnTheLargerPointBefore) {
  const auto& spawn = find_workload("spawn")->impls.at("ccbench");
  spawn(Params({{"n", "20000"}, {"capacity", "0"}}), 1);
  RunResult first = spawn(Params({{"n", "2000"}, {"capacity", "0"}}), 1);  // measures
  RunResult again = spawn(Params({{"n", "2000"}, {"capacity", "0"}}), 1);  // reuses the figure
  ASSERT_TRUE(first.extra.count("rss_per_task_bytes"));
  const double bytes = first.extra.at("rss_per_task_bytes");
  EXPECT_GT(bytes, 1024.0);       // a parked task holds at least part of a stack page
  EXPECT_LT(bytes, 4.0 * 4096.0);  // not the whole earlier pool (that read ~21 KB at n=10000)
  EXPECT_EQ(again.extra.at("rss_per_task_bytes"), bytes);
}

// Regression: threads read its baseline once per process, so its figure also counted what the
// ccbench stack pool had grown by since (68628 B per thread at n=2000 after a ccbench n=30000
// point, against 8640 alone). Each threads repetition now reads its own baseline.
TEST(Spawn, ThreadsRssPerTaskDoesNotCountTheCcbenchPool) {
  const auto& threads = find_workload("spawn")->impls.at("threads");
  const auto& ccbench = find_workload("spawn")->impls.at("ccbench");
  threads(Params({{"n", "2000"}, {"capacity", "0"}}), 1);  // the old once-per-process baseline
  ccbench(Params({{"n", "30000"}, {"capacity", "0"}}), 1);  // ~30000 pooled stack pages
  RunResult r = threads(Params({{"n", "2000"}, {"capacity", "0"}}), 1);
  ASSERT_TRUE(r.extra.count("rss_per_task_bytes"));
  EXPECT_LT(r.extra.at("rss_per_task_bytes"), 32.0 * 1024.0);  // ~8 KiB per thread here
}

}  // namespace
}  // namespace ccb::workloads
