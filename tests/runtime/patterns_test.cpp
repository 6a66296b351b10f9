// tests/runtime/patterns_test.cpp — worker pool, merge, pipeline stage, ErrGroup: every job exactly
// once, shutdown with no leaked task, first error cancels the group.
#include <gtest/gtest.h>

#include <ccb/runtime.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "procs_fixture.hpp"
#include "thrown_text.hpp"

using namespace std::chrono_literals;

namespace {

class PatternsTest : public Procs {};
INSTANTIATE_TEST_SUITE_P(, PatternsTest, ::testing::Values(1, 2),
                         [](const ::testing::TestParamInfo<int>& i) { return "procs" + std::to_string(i.param); });

TEST_P(PatternsTest, WorkerPoolProcessesEveryJobOnceAndShutsDownCleanly) {
  constexpr int kJobs = 2000;
  run([] {
    ccb::WorkerPool<int, int> pool(4, [](int x) {
      if (x % 100 == 0) ccb::yield();
      return x;
    }, ccb::background(), 16);
    ccb::go([&pool] {
      for (int i = 0; i < kJobs; ++i) ASSERT_TRUE(pool.submit(i));
      pool.close();
    });
    std::vector<int> seen(kJobs, 0);
    for (int v : pool.results()) seen[static_cast<std::size_t>(v)]++;
    for (int i = 0; i < kJobs; ++i) ASSERT_EQ(seen[static_cast<std::size_t>(i)], 1) << i;
  });
  EXPECT_EQ(ccb::stats().tasks_abandoned, 0u);
}

TEST_P(PatternsTest, WorkerPoolStopsOnContextCancel) {
  run([] {
    auto [ctx, cancel] = ccb::with_cancel(ccb::background());
    ccb::WorkerPool<int, int> pool(3, [](int x) { return x; }, ctx, 8);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(pool.submit(i));
    cancel();
    EXPECT_FALSE(pool.submit(99));
    int n = 0;
    for (int v : pool.results()) n += v >= 0;  // drains to close; results may be dropped
    EXPECT_LE(n, 5);
  });
  EXPECT_EQ(ccb::stats().tasks_abandoned, 0u);
}

TEST_P(PatternsTest, MergeFansInEveryValue) {
  run([] {
    std::vector<ccb::RecvChan<int>> ins;
    for (int p = 0; p < 5; ++p) {
      ccb::Chan<int> c(0);
      ins.push_back(c);
      ccb::go([c, p]() mutable {
        for (int i = 0; i < 100; ++i) c.send(p * 100 + i);
        c.close();
      });
    }
    std::vector<int> seen(500, 0);
    for (int v : ccb::merge(std::move(ins))) seen[static_cast<std::size_t>(v)]++;
    for (int i = 0; i < 500; ++i) ASSERT_EQ(seen[static_cast<std::size_t>(i)], 1) << i;
  });
  EXPECT_EQ(ccb::stats().tasks_abandoned, 0u);
}

TEST_P(PatternsTest, PipelineStagesCompose) {
  run([] {
    ccb::Chan<int> gen(0);
    ccb::go([gen]() mutable {
      for (int i = 1; i <= 100; ++i) gen.send(i);
      gen.close();
    });
    auto ctx = ccb::background();
    auto sq = ccb::stage(ctx, ccb::RecvChan<int>(gen), [](int x) { return long(x) * x; }, 3);
    auto str = ccb::stage(ctx, sq, [](long x) { return std::to_string(x); });
    long sum = 0;
    for (const std::string& s : str) sum += std::stol(s);
    EXPECT_EQ(sum, 338350);
  });
  EXPECT_EQ(ccb::stats().tasks_abandoned, 0u);
}

TEST_P(PatternsTest, ErrGroupFirstErrorCancelsTheGroup) {
  run([] {
    ccb::ErrGroup g;
    ccb::Context ctx = g.context();
    g.go([] {
      ccb::sleep_for(5ms);
      return ccb::Error("boom");
    });
    g.go([ctx] {
      // A second error, surely after the first (a 5 ms vs 10 ms race of two sleeps is decided
      // by a loaded machine's scheduling, not by ErrGroup).
      ctx.done().recv();
      return ccb::Error("late");
    });
    for (int i = 0; i < 3; ++i)
      g.go([ctx] {
        ctx.done().recv();  // blocks until the first error cancels the group
        return ccb::Error();
      });
    ccb::Error e = g.wait();
    ASSERT_TRUE(e);
    EXPECT_EQ(e.message(), "boom");
    EXPECT_EQ(ctx.err(), ccb::ContextError::Canceled);
    ccb::ErrGroup ok;
    ok.go([] { return ccb::Error(); });
    EXPECT_FALSE(ok.wait());
    EXPECT_EQ(ok.context().err(), ccb::ContextError::Canceled);  // Go cancels after Wait too
  });
  EXPECT_EQ(ccb::stats().tasks_abandoned, 0u);
}

// Regression (session 38's audit, repro t7_moved): a moved-from WorkerPool's submit() blocked for
// good on its nil channels (a Deadlock, or a hang while another task lived), results() gave a nil
// channel and close() threw CloseOfNilChannel. All three now throw InvalidArgument; the pool it
// moved to works.
TEST(Patterns, MovedFromWorkerPoolThrowsInvalidArgument) {
  const auto text = [](auto&& f) { return thrown_text<ccb::InvalidArgument>(f); };
  ccb::run(ccb::Config{.procs = 2}, [&] {
    ccb::WorkerPool<int, int> a(2, [](int x) { return 2 * x; });
    ccb::WorkerPool<int, int> b(std::move(a));
    EXPECT_EQ(text([&] { a.submit(1); }), "ccb::WorkerPool::submit called on a moved-from WorkerPool");
    EXPECT_EQ(text([&] { a.close(); }), "ccb::WorkerPool::close called on a moved-from WorkerPool");
    EXPECT_EQ(text([&] { (void)a.results(); }), "ccb::WorkerPool::results called on a moved-from WorkerPool");
    ccb::go([&b] {
      for (int i = 1; i <= 3; ++i) b.submit(i);
      b.close();
    });
    int sum = 0;
    for (int v : b.results()) sum += v;
    EXPECT_EQ(sum, 12);
  });
}

// Regression: a moved-from ErrGroup (its state moved to another group) crashed (SIGSEGV, a null
// state pointer) in go(), wait() and context(). They now throw InvalidArgument, as a moved-from
// Ticker's reset() does, and leave both groups usable.
TEST(Patterns, MovedFromErrGroupThrowsInvalidArgument) {
  const auto text = [](auto&& f) { return thrown_text<ccb::InvalidArgument>(f); };
  ccb::run(ccb::Config{.procs = 1}, [&] {
    ccb::ErrGroup a;
    ccb::ErrGroup b(std::move(a));
    int ran = 0;
    EXPECT_EQ(text([&] { a.go([&] { ++ran; return ccb::Error(); }); }),
              "ccb::ErrGroup::go called on a moved-from ErrGroup");
    EXPECT_EQ(text([&] { a.wait(); }), "ccb::ErrGroup::wait called on a moved-from ErrGroup");
    EXPECT_EQ(text([&] { (void)a.context(); }), "ccb::ErrGroup::context called on a moved-from ErrGroup");
    ccb::ErrGroup c;
    c = std::move(b);
    EXPECT_EQ(text([&] { b.go([&] { ++ran; return ccb::Error(); }); }),
              "ccb::ErrGroup::go called on a moved-from ErrGroup");
    c.go([&] { ++ran; return ccb::Error("x"); });
    EXPECT_EQ(c.wait().message(), "x");
    EXPECT_EQ(ran, 1);
    a = std::move(c);  // a moved-from group can be assigned to again
    EXPECT_FALSE(a.context().err() == ccb::ContextError::None);
  });
}

// Regression: ErrGroup::go raised the group's counter before ccb::go, so a go() that threw
// (NotInTask from a plain thread; bad_alloc) left it raised for good: the group's wait() then
// blocked forever (ccb::run threw Deadlock). The counter now comes back down when ccb::go throws.
TEST(Patterns, ErrGroupGoThatThrowsLeavesTheGroupWaitable) {
  ccb::ErrGroup g;
  EXPECT_THROW(g.go([] { return ccb::Error("never runs"); }), ccb::NotInTask);
  ccb::Error e;
  ccb::run(ccb::Config{.procs = 1}, [&] {
    g.go([] { return ccb::Error(); });
    e = g.wait();
  });
  EXPECT_FALSE(e);
}

TEST(Patterns, BadWorkerCountThrows) {
  ccb::run([] {
    EXPECT_THROW((ccb::WorkerPool<int, int>(0, [](int x) { return x; })), ccb::InvalidArgument);
  });
}

}  // namespace
