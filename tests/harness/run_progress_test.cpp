// tests/harness/run_progress_test.cpp — `ccbench run`'s progress display end to end, in-process
// with the fake workloads: the in-place line only on a terminal, heartbeat lines otherwise (their
// interval through the CCB_PROGRESS_INTERVAL hook), option and interval validation, and progress
// counted in repetitions, not warm-ups. Split from run_test.cpp; the display's own unit tests are
// in output_test.cpp.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "fake_workloads.hpp"
#include "harness/impl_runner.hpp"
#include "harness/matrix.hpp"
#include "harness/runner.hpp"
#include "test_support.hpp"

namespace ccb::test {
namespace {

TEST(Run, ProgressLineOnlyWhenStderrIsATerminal) {
  CliRun tty = run_cli(fast({"run", "fake_sum", "--procs", "1"}), {}, true);
  EXPECT_NE(tty.err.find("ETA"), std::string::npos) << tty.err;
  CliRun pipe = run_cli(fast({"run", "fake_sum", "--procs", "1"}));
  EXPECT_EQ(pipe.err.find("ETA"), std::string::npos);
}

// ScopedProgressInterval sets the CCB_PROGRESS_INTERVAL test hook for one test.
struct ScopedProgressInterval {
  explicit ScopedProgressInterval(const char* seconds) { setenv("CCB_PROGRESS_INTERVAL", seconds, 1); }
  ~ScopedProgressInterval() { unsetenv("CCB_PROGRESS_INTERVAL"); }
};

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(Run, ProgressHeartbeatLinesWhenStderrIsNotATerminal) {
  ScopedProgressInterval every_step("0");
  CliRun pipe = run_cli(fast({"run", "fake_sum", "--procs", "1"}));
  ASSERT_EQ(pipe.code, 0) << pipe.err;
  // fake_sum --procs 1: 2 points x 3 repetitions (and a start-up step each), a heartbeat at each step
  EXPECT_GE(count_of(pipe.err, "ccbench run: "), 6u) << pipe.err;
  EXPECT_NE(pipe.err.find("ccbench run: 0/2 points done, 0s elapsed, ETA ~"), std::string::npos) << pipe.err;
  EXPECT_NE(pipe.err.find("ccbench run: 1/2 points done, "), std::string::npos) << pipe.err;
  EXPECT_EQ(pipe.err.find_first_of("\r\033"), std::string::npos) << pipe.err;  // plain lines only
  // --progress lines on a terminal: the same plain lines; auto on a terminal: the in-place line
  CliRun lines = run_cli(fast({"run", "fake_sum", "--procs", "1", "--progress", "lines"}), {}, true);
  EXPECT_GE(count_of(lines.err, "ccbench run: "), 6u) << lines.err;
  EXPECT_EQ(lines.err.find_first_of("\r\033"), std::string::npos) << lines.err;
  CliRun tty = run_cli(fast({"run", "fake_sum", "--procs", "1"}), {}, true);
  EXPECT_EQ(tty.err.find("ccbench run: "), std::string::npos) << tty.err;
  EXPECT_NE(tty.err.find("\r\033[K[1/2] "), std::string::npos) << tty.err;
  // never, and --quiet, silence both forms
  for (bool is_tty : {false, true}) {
    CliRun never = run_cli(fast({"run", "fake_sum", "--procs", "1", "--progress", "never"}), {}, is_tty);
    EXPECT_EQ(never.err.find("ccbench run: "), std::string::npos) << never.err;
    EXPECT_EQ(never.err.find("ETA"), std::string::npos) << never.err;
    CliRun quiet = run_cli(fast({"run", "fake_sum", "--procs", "1", "--quiet", "--progress", "lines"}), {}, is_tty);
    EXPECT_EQ(quiet.code, 0);
    EXPECT_EQ(quiet.err, "");
  }
}

TEST(Run, ProgressHeartbeatWaitsForTheInterval) {
  ScopedProgressInterval hour("3600");
  CliRun pipe = run_cli(fast({"run", "fake_sum", "--procs", "1", "--progress", "lines"}));
  ASSERT_EQ(pipe.code, 0) << pipe.err;
  EXPECT_EQ(pipe.err.find("ccbench run: "), std::string::npos) << pipe.err;
}

TEST(Run, ProgressOptionAndIntervalAreValidated) {
  CliRun bad = run_cli(fast({"run", "fake_sum", "--progress", "sometimes"}));
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("auto"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("lines"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("never"), std::string::npos) << bad.err;
  EXPECT_EQ(run_cli(fast({"run", "fake_sum", "--progress", "lines", "--progress", "never"})).code, 2);
  ScopedProgressInterval junk("soon");
  CliRun env = run_cli(fast({"run", "fake_sum"}));
  EXPECT_EQ(env.code, 2);
  EXPECT_NE(env.err.find("CCB_PROGRESS_INTERVAL"), std::string::npos) << env.err;
  EXPECT_EQ(env.out, "");  // rejected before the run
}

// Regression: progress counted each warm-up (one run of the workload) as a unit like a whole
// repetition, so with --warmup 20 the ETA read ~0 s for most of the run. Units are repetitions.
TEST(Run, ProgressUnitsAreRepetitionsNotWarmUps) {
  struct Count : harness::RunObserver {
    long units = 0;
    void on_step(const harness::Point&, const std::string&, int u) override { units += u; }
  } count;
  harness::MatrixRequest req;
  req.workloads = {"fake_sum"};
  const auto points = harness::expand_matrix(req);
  harness::RunSettings settings;
  settings.impls = {"ccbench", "threads"};
  settings.repetitions = 3;
  settings.warmup = 20;
  settings.min_time_s = 0;
  harness::Backends backends{{"ccbench", harness::make_in_process_backend("ccbench")},
                             {"threads", harness::make_in_process_backend("threads")}};
  (void)harness::run_points(points, settings, backends, count);
  EXPECT_EQ(count.units, static_cast<long>(points.size()) * 2 * 3);
}

// Regression: the repetitions a failed or not-applicable implementation skips were counted as done
// units, as if measured in no time, so the ETA ran short after each one. They are reported apart
// (on_skipped), and measured plus skipped still cover every repetition of the run.
TEST(Run, ProgressReportsSkippedRepetitionsApartFromMeasuredOnes) {
  struct Count : harness::RunObserver {
    long units = 0, skipped = 0;
    void on_step(const harness::Point&, const std::string&, int u) override { units += u; }
    void on_skipped(const harness::Point&, const std::string&, int u) override { skipped += u; }
  } count;
  harness::MatrixRequest req;
  req.workloads = {"fake_fail"};
  // mode=fail: ccbench fails at its first repetition (1 measured step, 2 skipped), threads runs;
  // n=30: threads is known not applicable (3 skipped, never started)
  req.sets = {"mode=ok,fail", "n=10,30"};
  const auto points = harness::expand_matrix(req);
  ASSERT_EQ(points.size(), 4u);
  harness::RunSettings settings;
  settings.impls = {"ccbench", "threads"};
  settings.repetitions = 3;
  settings.warmup = 0;
  settings.min_time_s = 0;
  harness::Backends backends{{"ccbench", harness::make_in_process_backend("ccbench")},
                             {"threads", harness::make_in_process_backend("threads")}};
  (void)harness::run_points(points, settings, backends, count);
  // skipped: 2 failed ccbench points x 2 repetitions + 2 known-n/a threads points x 3
  EXPECT_EQ(count.skipped, 2 * 2 + 2 * 3);
  EXPECT_EQ(count.units + count.skipped, static_cast<long>(points.size()) * 2 * 3);
}

}  // namespace
}  // namespace ccb::test
