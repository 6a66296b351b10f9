// tests/runtime/context_runs_test.cpp — a context that outlives its run (ccb/context.hpp, "Runs"):
// its deadline, still pending when the run ended, cancels it in a later run.
// Regression (session 38's runtime audit, repro t20): the deadline timer was dropped with its run
// and nothing re-armed it, so a task of a later run waiting on done() was never woken (with
// nothing else pending, that run reported a Deadlock) and err() stayed None long after the
// deadline. Each later run here waits on done() with no other timer, so a lost deadline fails as
// ccb::Deadlock instead of hanging.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <thread>

#include <ccb/runtime.hpp>

#include "procs_fixture.hpp"

namespace {

using namespace std::chrono_literals;

class ContextRuns : public Procs {  // run(): one ccb::run at GetParam() procs
 protected:
  // made_in_run() returns a context with a deadline `timeout` from now, made in a run that then
  // ends with its timer pending.
  ccb::WithCancel made_in_run(std::chrono::milliseconds timeout) {
    std::optional<ccb::WithCancel> w;
    run([&] { w = ccb::with_timeout(ccb::background(), timeout); });
    return std::move(*w);
  }
};
INSTANTIATE_TEST_SUITE_P(Procs, ContextRuns, ::testing::Values(1, 2));

TEST_P(ContextRuns, ADeadlinePendingWhenItsRunEndedCancelsInTheNextRun) {
  auto [ctx, cancel] = made_in_run(100ms);
  const ccb::Clock::time_point deadline = *ctx.deadline();
  EXPECT_EQ(ctx.err(), ccb::ContextError::None);  // outside a task, before the deadline: unchanged
  ccb::Clock::time_point woken{};
  run([&] {
    ctx.done().recv();  // without the deadline re-armed here, this run ends in ccb::Deadlock
    woken = ccb::Clock::now();
  });
  EXPECT_GE(woken, deadline);
  EXPECT_EQ(ctx.err(), ccb::ContextError::DeadlineExceeded);
  cancel();  // no effect: the deadline came first
  EXPECT_EQ(ctx.err(), ccb::ContextError::DeadlineExceeded);
}

TEST_P(ContextRuns, ADeadlineThatPassedBetweenRunsIsSeenByErrOutsideAnyRun) {
  auto [ctx, cancel] = made_in_run(20ms);
  std::this_thread::sleep_for(60ms);
  EXPECT_EQ(ctx.err(), ccb::ContextError::DeadlineExceeded);
  bool closed = false;
  run([&] { closed = ctx.done().try_recv().first; });  // closed: a receive succeeds at once
  EXPECT_TRUE(closed);
}

TEST_P(ContextRuns, ADeadlineThatPassedBetweenRunsCancelsAChildMadeInTheNextRun) {
  auto [ctx, cancel] = made_in_run(20ms);
  std::this_thread::sleep_for(60ms);
  ccb::ContextError child_err = ccb::ContextError::None;
  run([&] {
    auto [child, child_cancel] = ccb::with_cancel(ctx);  // a child of a cancelled parent starts cancelled
    child_err = child.err();
  });
  EXPECT_EQ(child_err, ccb::ContextError::DeadlineExceeded);
  EXPECT_EQ(ctx.err(), ccb::ContextError::DeadlineExceeded);
}

TEST_P(ContextRuns, AChildAndAValueMadeInTheNextRunAreCancelledAtTheParentsDeadline) {
  auto [ctx, cancel] = made_in_run(80ms);
  static const int key = 0;
  ccb::ContextError child_err = ccb::ContextError::None, value_err = ccb::ContextError::None;
  run([&] {
    auto [child, child_cancel] = ccb::with_cancel(ctx);
    ccb::Context v = ccb::with_value(ctx, &key, 1);
    ccb::WaitGroup wg;
    wg.add(1);
    ccb::go([&, v] {
      v.done().recv();
      value_err = v.err();
      wg.done();
    });
    child.done().recv();
    child_err = child.err();
    wg.wait();
  });
  EXPECT_EQ(child_err, ccb::ContextError::DeadlineExceeded);
  EXPECT_EQ(value_err, ccb::ContextError::DeadlineExceeded);
}

TEST_P(ContextRuns, ADeadlineSurvivesSeveralRunsThatEndBeforeIt) {
  auto [ctx, cancel] = made_in_run(150ms);
  // Each run re-arms the deadline (err() from a task) and ends with it pending again.
  for (int i = 0; i < 3; ++i) run([&] { EXPECT_EQ(ctx.err(), ccb::ContextError::None); });
  run([&] { ctx.done().recv(); });
  EXPECT_EQ(ctx.err(), ccb::ContextError::DeadlineExceeded);
}

TEST_P(ContextRuns, ACancelAfterADeadlineThatPassedBetweenRunsLeavesDeadlineExceeded) {
  // Go: the deadline's timer cancels first, so a later cancel() leaves DeadlineExceeded. Here the
  // timer went with its run; the cancel function notices the passed deadline. (Before, it set
  // Canceled: found by session 48's review, program runcancel.cpp.)
  auto [ctx, cancel] = made_in_run(20ms);
  std::this_thread::sleep_for(60ms);
  cancel();  // from this thread, between runs, with no err() or done() before it
  EXPECT_EQ(ctx.err(), ccb::ContextError::DeadlineExceeded);
}

TEST_P(ContextRuns, ACancelledContextIsNotRevived) {
  auto [ctx, cancel] = made_in_run(30ms);
  cancel();  // from this thread, between runs: Canceled, and the (dropped) timer is stopped
  std::this_thread::sleep_for(60ms);
  run([&] { ctx.done().recv(); });
  EXPECT_EQ(ctx.err(), ccb::ContextError::Canceled);
}

}  // namespace
