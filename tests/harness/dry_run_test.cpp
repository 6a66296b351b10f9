// tests/harness/dry_run_test.cpp — `ccbench run --dry-run` in-process with the fake workloads: the
// points and implementations listed, the least time, what is refused with it, and a point known
// not to apply (Workload::threads_needed) listed with its reason and recorded so by the run.
#include <gtest/gtest.h>

#include <algorithm>

#include "fake_workloads.hpp"
#include "test_support.hpp"

namespace ccb::test {
namespace {

using json = nlohmann::json;

// Regression (session 48's CLI review): a point known not to apply to an implementation (threads
// needing more than kMaxThreads OS threads) was listed by --dry-run as one to measure and counted
// in the least time. It is now listed with its reason and left out of the estimate, and the run
// records it as not applicable without starting it.
TEST(DryRun, AndTheRunAgreeOnAPointKnownNotToApply) {
  call_log().clear();
  CliRun dry = run_cli({"run", "fake_fail", "--set", "n=10,30", "--impl", "ccbench,threads", "--repetitions", "2",
                        "--min-time", "1", "--dry-run"});
  EXPECT_EQ(dry.code, 0) << dry.err;
  EXPECT_NE(dry.out.find("fake_fail/mode=ok/n=10/procs:1  ccbench,threads\n"), std::string::npos) << dry.out;
  const std::string why =
      "fake_fail (threads): needs 30000 OS threads, more than the 20000 this implementation attempts (one thread "
      "per task)";
  EXPECT_NE(dry.out.find("fake_fail/mode=ok/n=30/procs:1  ccbench; not applicable: " + why + "\n"), std::string::npos)
      << dry.out;
  // 3 pairs x 2 repetitions x 1 s
  EXPECT_NE(dry.out.find("2 points, 3 point-implementation pairs (and 1 not applicable, recorded as such without "
                         "running), each 2 repetitions sized to fill --min-time 1 s (and 1 warm-up run(s)): at least "
                         "6.0s of measuring"),
            std::string::npos)
      << dry.out;
  CliRun threads_only = run_cli({"run", "fake_fail", "--set", "n=30", "--impl", "threads", "--dry-run"});
  EXPECT_NE(threads_only.out.find("fake_fail/mode=ok/n=30/procs:1  -; not applicable: "), std::string::npos)
      << threads_only.out;
  EXPECT_TRUE(call_log().empty());
  ScratchDir dir;
  CliRun r = run_cli(fast({"run", "fake_fail", "--set", "n=30", "--impl", "ccbench,threads", "--out",
                           dir.file("r.json")}));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(std::count(call_log().begin(), call_log().end(), "threads"), 0);  // never started
  EXPECT_GT(std::count(call_log().begin(), call_log().end(), "ccbench"), 0);
  const json doc = read_json(dir.file("r.json"));
  const json* t = find_entry(doc, "fake_fail/mode=ok/n=30/procs:1/impl:threads");
  ASSERT_TRUE(t);
  EXPECT_EQ((*t)["status"], "not_applicable");
  EXPECT_EQ((*t)["error"], why);
  const json& notes = (*t)["notes"];
  EXPECT_NE(std::find(notes.begin(), notes.end(), "not applicable: " + why), notes.end()) << notes.dump();
}

TEST(DryRun, ListsThePointsAndTheLeastTimeAndRunsNothing) {
  call_log().clear();
  CliRun r = run_cli({"run", "fake_sum", "--impl", "ccbench,threads", "--procs", "1,2", "--set", "k=1",
                      "--repetitions", "4", "--min-time", "1.5", "--dry-run"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(call_log().empty());  // nothing measured, not even a warm-up
  EXPECT_NE(r.out.find("fake_sum/n=2000/k=1/procs:1  ccbench,threads\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fake_sum/n=2000/k=1/procs:2  ccbench,threads\n"), std::string::npos) << r.out;
  // 2 points x 2 implementations x 4 repetitions x 1.5 s = 24 s
  // Regression (docs audit): it said "repetitions of at least --min-time", which a workload that
  // cannot fill --min-time in 1000 runs does not keep.
  EXPECT_NE(r.out.find("2 points, 4 point-implementation pairs, each 4 repetitions sized to fill --min-time 1.5 s "
                       "(and 1 warm-up run(s)): at least 24s of measuring unless a workload cannot fill --min-time "
                       "in 1000 runs; nothing was run"),
            std::string::npos)
      << r.out;
  // Regression (helper-43's audit): the least time was rounded to the nearest second, so 0.35 s
  // read "at least 0s" and 2.8 s "at least 3s", more than the least. 1 x 1 x 7 x 0.05 s = 0.35 s.
  CliRun small = run_cli({"run", "fake_sum", "--procs", "1", "--set", "k=1", "--impl", "ccbench", "--repetitions", "7",
                          "--min-time", "0.05", "--dry-run"});
  EXPECT_NE(small.out.find("at least 0.3s of measuring"), std::string::npos) << small.out;
  EXPECT_NE(small.out.find("1 point, 1 point-implementation pair, each 7"), std::string::npos) << small.out;  // not "1 points"
  ScratchDir dir;
  CliRun out = run_cli({"run", "fake_sum", "--dry-run", "--out", dir.file("r.json")});
  EXPECT_EQ(out.code, 2);
  EXPECT_NE(out.err.find("--out has no effect with --dry-run"), std::string::npos) << out.err;
  EXPECT_TRUE(dir.entries().empty());
  // Regression (CLI audit): --format json was accepted and ignored (the text list, exit 0), which a
  // script parsing the output as JSON could only find out by failing.
  for (const char* format : {"json", "csv", "markdown"}) {
    CliRun f = run_cli({"run", "fake_sum", "--dry-run", "--format", format});
    EXPECT_EQ(f.code, 2) << format;
    EXPECT_NE(f.err.find(std::string("--format ") + format + " has no effect with --dry-run"), std::string::npos)
        << f.err;
  }
}

}  // namespace
}  // namespace ccb::test
