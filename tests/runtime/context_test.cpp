// tests/runtime/context_test.cpp — ccb context (Go: context/context_test.go): background,
// cancellation through large trees, deadlines, values, unlinking of finished children.
#include <gtest/gtest.h>

#include <ccb/debug.hpp>
#include <ccb/runtime.hpp>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "procs_fixture.hpp"

using namespace std::chrono_literals;

namespace {

class ContextTest : public Procs {};
INSTANTIATE_TEST_SUITE_P(, ContextTest, ::testing::Values(1, 2),
                         [](const ::testing::TestParamInfo<int>& i) { return "procs" + std::to_string(i.param); });

bool is_closed(const ccb::Context& c) {
  auto [ready, v] = c.done().try_recv();
  return ready && !v.has_value();
}

TEST(Context, BackgroundIsNeverCancelled) {
  ccb::Context bg = ccb::background();
  EXPECT_TRUE(bg.done().is_nil());
  EXPECT_EQ(bg.err(), ccb::ContextError::None);
  EXPECT_FALSE(bg.deadline().has_value());
  EXPECT_FALSE(bg.value(std::string("k")).has_value());
  EXPECT_EQ(bg.num_children(), 0u);
  ccb::run([bg] {
    int i = ccb::select(ccb::recv_case(bg.done()), ccb::default_case());
    EXPECT_EQ(i, 1);
  });
}

TEST_P(ContextTest, CancelClosesDoneOnceAndIsIdempotent) {
  run([] {
    auto [ctx, cancel] = ccb::with_cancel(ccb::background());
    EXPECT_FALSE(ctx.done().is_nil());
    EXPECT_EQ(ctx.err(), ccb::ContextError::None);
    ccb::WaitGroup wg;
    wg.add(3);
    for (int i = 0; i < 3; ++i)
      ccb::go([&wg, c = ctx] {
        EXPECT_FALSE(c.done().recv().has_value());
        wg.done();
      });
    ccb::go(cancel);
    cancel();
    cancel();
    wg.wait();
    EXPECT_EQ(ctx.err(), ccb::ContextError::Canceled);
    EXPECT_STREQ(ccb::message(ctx.err()), "context canceled");
    EXPECT_TRUE(is_closed(ctx));
  });
}

TEST_P(ContextTest, CancellationReachesTenThousandDescendants) {
  run([] {
    auto [root, cancel] = ccb::with_cancel(ccb::background());
    std::vector<ccb::Context> level{root}, all;
    std::vector<ccb::CancelFunc> cancels;
    for (int depth = 0; depth < 4; ++depth) {  // 10 + 100 + 1000 + 10000 descendants
      std::vector<ccb::Context> next;
      for (auto& p : level)
        for (int k = 0; k < 10; ++k) {
          ccb::Context parent = (k % 3 == 0) ? ccb::with_value(p, std::string("d"), depth) : p;
          auto [c, cf] = ccb::with_cancel(parent);
          next.push_back(c);
          cancels.push_back(cf);
        }
      all.insert(all.end(), next.begin(), next.end());
      level = std::move(next);
    }
    ASSERT_EQ(all.size(), 11110u);
    EXPECT_EQ(root.num_children(), 10u);
    ccb::WaitGroup wg;
    wg.add(100);
    for (int i = 0; i < 100; ++i)
      ccb::go([&wg, c = all[all.size() - 1 - i * 7]] {
        c.done().recv();
        wg.done();
      });
    cancel();
    wg.wait();
    int open = 0;
    for (auto& c : all) open += (is_closed(c) && c.err() == ccb::ContextError::Canceled) ? 0 : 1;
    EXPECT_EQ(open, 0);
    EXPECT_EQ(root.num_children(), 0u);
  });
}

// Regression: dropping a chain released each parent from its child's destructor, one stack frame
// per level, and 2000 levels overflowed a 64 KiB task stack ("ccb: fatal: task stack overflow").
// At the smallest stack size (the default under ASan), a 20000-deep chain of values and
// cancellable nodes is built, cancelled from its root and dropped; by then every node (and its
// value) is gone.
TEST_P(ContextTest, DroppingAVeryDeepChainDoesNotOverflowTheStack) {
  ccb::Config config;
  config.procs = GetParam();
#if defined(CCB_ASAN)
  config.stack_size = 64 * 1024;  // ASan's destructor frames take ~1 KiB per level (16 KiB holds ~10)
#else
  config.stack_size = 16 * 1024;
#endif
  auto token = std::make_shared<int>(0);  // each value node holds a copy
  ccb::run(config, [&] {
    auto [root, cancel] = ccb::with_cancel(ccb::background());
    ccb::Context c = root;
    for (int i = 0; i < 10000; ++i) {
      c = ccb::with_value(c, "k", token);
      c = ccb::with_cancel(c).ctx;
    }
    EXPECT_EQ(token.use_count(), 10001);
    EXPECT_EQ(std::any_cast<std::shared_ptr<int>>(c.value("k")), token);
    cancel();
    EXPECT_TRUE(is_closed(c));
    c = ccb::Context();
    EXPECT_EQ(token.use_count(), 1);
    EXPECT_EQ(root.num_children(), 0u);
  });
  // and on a plain thread, with an uncancelled chain
  ccb::Context c;
  for (int i = 0; i < 10000; ++i) c = ccb::with_cancel(ccb::with_value(c, "k", token)).ctx;
  EXPECT_EQ(token.use_count(), 10001);
  c = ccb::Context();
  EXPECT_EQ(token.use_count(), 1);
}

TEST(Context, StringLiteralKeysAreStringsComparedByContent) {
  // A literal used to convert to the `const void*` alternative (a standard conversion beats
  // std::string's constructor), so a std::string lookup missed it.
  ccb::Context a = ccb::with_value(ccb::background(), "user", std::string("ann"));
  EXPECT_EQ(std::any_cast<std::string>(a.value(std::string("user"))), "ann");
  const char buf[] = {'u', 's', 'e', 'r', '\0'};  // same text at another address
  EXPECT_EQ(std::any_cast<std::string>(a.value(static_cast<const char*>(buf))), "ann");
  EXPECT_EQ(std::any_cast<std::string>(a.value(std::string_view("user"))), "ann");
  EXPECT_TRUE(ccb::ContextKey("user").is_string());
  static const int kTag = 0;
  EXPECT_FALSE(ccb::ContextKey(&kTag).is_string());
  EXPECT_NE(ccb::ContextKey(&kTag), ccb::ContextKey(std::string("user")));
}

TEST(Context, NullKeysThrowInvalidArgument) {
  const char* no_text = nullptr;
  const int* no_tag = nullptr;
  EXPECT_THROW(ccb::with_value(ccb::background(), no_text, 1), ccb::InvalidArgument);
  EXPECT_THROW(ccb::with_value(ccb::background(), no_tag, 1), ccb::InvalidArgument);
  EXPECT_THROW(ccb::with_value(ccb::background(), ccb::ContextKey(), 1), ccb::InvalidArgument);
  EXPECT_FALSE(ccb::background().value(ccb::ContextKey()).has_value());
}

TEST(Context, ValuesWalkUpTheChainNearestFirst) {
  static const int kTag = 0;
  ccb::Context a = ccb::with_value(ccb::background(), std::string("user"), std::string("ann"));
  ccb::Context b = ccb::with_value(a, &kTag, 42);
  auto [c, cancel] = ccb::with_cancel(b);
  ccb::Context d = ccb::with_value(c, std::string("user"), std::string("bob"));
  EXPECT_EQ(std::any_cast<std::string>(d.value(std::string("user"))), "bob");
  EXPECT_EQ(std::any_cast<std::string>(c.value(std::string("user"))), "ann");
  EXPECT_EQ(std::any_cast<int>(d.value(&kTag)), 42);
  EXPECT_FALSE(d.value(std::string("missing")).has_value());
  static const int kOther = 0;
  EXPECT_FALSE(d.value(&kOther).has_value());
  cancel();
  EXPECT_EQ(d.err(), ccb::ContextError::Canceled);  // value nodes report their ancestor's state
  EXPECT_TRUE(is_closed(d));
}

TEST_P(ContextTest, FinishedChildrenAreUnlinkedFromTheParent) {
  run([] {
    auto [parent, cancel] = ccb::with_cancel(ccb::background());
    for (int i = 0; i < 100000; ++i) {
      auto [c, cf] = ccb::with_cancel(parent);
      if (i % 2) cf();  // cancelled: unlinked at once; otherwise unlinked when destroyed
    }
    EXPECT_EQ(parent.num_children(), 0u);
    auto [c1, f1] = ccb::with_cancel(parent);
    auto [c2, f2] = ccb::with_timeout(ccb::with_value(parent, std::string("k"), 1), 1h);
    EXPECT_EQ(parent.num_children(), 2u);
    f2();
    EXPECT_EQ(parent.num_children(), 1u);
    cancel();
    EXPECT_EQ(c1.err(), ccb::ContextError::Canceled);
    EXPECT_EQ(c2.err(), ccb::ContextError::Canceled);
  });
}

TEST_P(ContextTest, TimeoutCancelsWithDeadlineExceeded) {
  run([] {
    auto t0 = ccb::Clock::now();
    auto [ctx, cancel] = ccb::with_timeout(ccb::background(), 20ms);
    auto [child, cc] = ccb::with_cancel(ctx);
    ASSERT_TRUE(ctx.deadline().has_value());
    EXPECT_EQ(child.deadline(), ctx.deadline());
    EXPECT_FALSE(child.done().recv().has_value());
    EXPECT_GE(ccb::Clock::now() - t0, 20ms);
    EXPECT_EQ(ctx.err(), ccb::ContextError::DeadlineExceeded);
    EXPECT_EQ(child.err(), ccb::ContextError::DeadlineExceeded);
    EXPECT_STREQ(ccb::message(ctx.err()), "context deadline exceeded");
    cancel();  // no effect after the deadline: the first cause wins
    EXPECT_EQ(ctx.err(), ccb::ContextError::DeadlineExceeded);
  });
}

TEST_P(ContextTest, DeadlineRules) {
  run([] {
    auto [past, c1] = ccb::with_deadline(ccb::background(), ccb::Clock::now() - 1s);
    EXPECT_EQ(past.err(), ccb::ContextError::DeadlineExceeded);
    EXPECT_TRUE(is_closed(past));
    auto [outer, c2] = ccb::with_timeout(ccb::background(), 1h);
    auto [inner, c3] = ccb::with_timeout(outer, 2h);  // the parent's earlier deadline is kept
    EXPECT_EQ(inner.deadline(), outer.deadline());
    // Cancelled before the deadline: its timer is stopped, the cause stays Canceled. That holds
    // only if c4() returned within 10 ms of creating it: a longer preemption of this thread lets
    // another worker expire it first (DeadlineExceeded, correctly), so such an attempt is retried.
    for (int attempt = 0;; ++attempt) {
      ASSERT_LT(attempt, 20) << "cancel never came within 10 ms of with_timeout";
      const auto t0 = ccb::Clock::now();
      auto [early, c4] = ccb::with_timeout(ccb::background(), 10ms);
      c4();
      if (ccb::Clock::now() - t0 >= 10ms) continue;
      ccb::sleep_for(30ms);
      EXPECT_EQ(early.err(), ccb::ContextError::Canceled);
      break;
    }
    c3();
    auto [late, c5] = ccb::with_cancel(inner);  // child of a cancelled parent starts cancelled
    EXPECT_EQ(late.err(), ccb::ContextError::Canceled);
    EXPECT_TRUE(is_closed(late));
  });
}

// Go: "If Done is not yet closed, Err returns nil. If Done is closed, Err returns a non-nil error"
// (cancelCtx sets err and closes done under one mutex). A task that sees err() != None must find
// done() closed, and one woken by done() must see err(). The canceller used to publish err()
// before closing done(): chaos's yields at the close let the observer (spinning on err() with
// yields) run in between (seed 12345: 55 of 200 rounds failed at procs 1). Both the cancelled
// context and a child cancelled through it are watched.
TEST_P(ContextTest, ErrIsNoneExactlyUntilDoneIsClosed) {
  ccb::debug::set_chaos(true, 12345);
  struct ClearChaos {
    ~ClearChaos() { ccb::debug::clear_chaos(); }
  } clear_chaos;
  std::atomic<int> open_after_err{0}, no_err_after_done{0};
  run([&] {
    for (int i = 0; i < 200; ++i) {
      auto [ctx, cancel] = ccb::with_cancel(ccb::background());
      auto [child, child_cancel] = ccb::with_cancel(ctx);
      ccb::WaitGroup wg;
      wg.add(3);
      for (const ccb::Context& c : {ctx, child})
        ccb::go([&, c] {
          while (c.err() == ccb::ContextError::None) ccb::yield();
          if (!is_closed(c)) ++open_after_err;
          wg.done();
        });
      ccb::go([&, c = child] {
        c.done().recv();
        if (c.err() == ccb::ContextError::None) ++no_err_after_done;
        wg.done();
      });
      ccb::yield();
      cancel();
      wg.wait();
      EXPECT_EQ(child.err(), ccb::ContextError::Canceled);
    }
  });
  EXPECT_EQ(open_after_err, 0);
  EXPECT_EQ(no_err_after_done, 0);
}

// Go's WithCancel: the child's Done "is closed when ... the parent context's Done channel is
// closed" (propagateCancel reads the parent's err under the mutex that also closes its done), so
// a child made while its parent is being cancelled is never done before its parent. cancel() used
// to set the parent's err under its lock and close done after dropping it: a with_cancel() in
// between (chaos's yield there) saw the err, cancelled the new child at once, and the parent's
// done() was still open.
TEST_P(ContextTest, AChildIsNeverDoneBeforeItsParent) {
  ccb::debug::set_chaos(true, 12345);
  struct ClearChaos {
    ~ClearChaos() { ccb::debug::clear_chaos(); }
  } clear_chaos;
  std::atomic<int> child_first{0};
  run([&] {
    for (int i = 0; i < 200; ++i) {
      auto [parent, cancel] = ccb::with_cancel(ccb::background());
      ccb::WaitGroup wg;
      wg.add(1);
      ccb::go([&, parent = parent] {
        for (;;) {
          auto [child, child_cancel] = ccb::with_cancel(parent);
          if (child.err() != ccb::ContextError::None) {
            if (!is_closed(parent) || parent.err() == ccb::ContextError::None) ++child_first;
            break;
          }
          child_cancel();
          ccb::yield();
        }
        wg.done();
      });
      ccb::yield();
      cancel();
      wg.wait();
    }
  });
  EXPECT_EQ(child_first.load(), 0);
}

// context.hpp: cancel functions are safe to call from any thread. A task parked on done() is woken
// by a cancel from a std::thread (readied from outside the run, task_api.hpp), whether it parked
// before or after the cancel. detect_deadlock = false: the check cannot see the thread (run.hpp).
TEST_P(ContextTest, CancelFromAPlainThreadWakesTheWaitingTask) {
  ccb::Config c;
  c.procs = GetParam();
  c.detect_deadlock = false;
  ccb::run(c, [] {
    for (int i = 0; i < 200; ++i) {
      auto [ctx, cancel] = ccb::with_cancel(ccb::background());
      std::thread th([cancel = cancel, i] {
        std::this_thread::sleep_for(std::chrono::microseconds(i % 20 * 10));
        cancel();
      });
      EXPECT_FALSE(ctx.done().recv().has_value());
      EXPECT_EQ(ctx.err(), ccb::ContextError::Canceled);
      th.join();
    }
  });
}

// With the deadlock check on, a pending timer keeps the run alive while main waits for the thread.
TEST_P(ContextTest, CancelFromAPlainThreadWithAPendingTimer) {
  run([] {
    ccb::go([] { ccb::sleep_for(1h); });
    auto [ctx, cancel] = ccb::with_cancel(ccb::background());
    std::thread th([cancel = cancel] {
      std::this_thread::sleep_for(5ms);
      cancel();
    });
    ctx.done().recv();
    EXPECT_EQ(ctx.err(), ccb::ContextError::Canceled);
    th.join();
  });
}

// A timeout near nanoseconds::max() (or a deadline at time_point::max()) never expires; the deadline
// saturates instead of wrapping into the past. A deadline at time_point::min() expires at once.
TEST_P(ContextTest, HugeTimeoutsNeverExpire) {
  run([] {
    auto [a, ca] = ccb::with_timeout(ccb::background(), std::chrono::nanoseconds::max());
    auto [b, cb] = ccb::with_deadline(ccb::background(), ccb::Clock::time_point::max());
    auto [c, cc] = ccb::with_timeout(ccb::background(), std::chrono::hours(24 * 365 * 200));
    ASSERT_TRUE(a.deadline().has_value());
    EXPECT_GT(*a.deadline(), ccb::Clock::now() + std::chrono::hours(24 * 365 * 200));
    ccb::sleep_for(20ms);
    EXPECT_EQ(a.err(), ccb::ContextError::None);
    EXPECT_EQ(b.err(), ccb::ContextError::None);
    EXPECT_EQ(c.err(), ccb::ContextError::None);
    auto [past, cp] = ccb::with_deadline(ccb::background(), ccb::Clock::time_point::min());
    EXPECT_EQ(past.err(), ccb::ContextError::DeadlineExceeded);
    auto [neg, cn] = ccb::with_timeout(ccb::background(), std::chrono::nanoseconds::min());
    EXPECT_EQ(neg.err(), ccb::ContextError::DeadlineExceeded);
    ca();
    EXPECT_EQ(a.err(), ccb::ContextError::Canceled);
  });
}

TEST(Context, TimeoutOutsideATaskThrowsNotInTask) {
  EXPECT_THROW(ccb::with_timeout(ccb::background(), 1s), ccb::NotInTask);
}

}  // namespace
