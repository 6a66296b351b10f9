// tests/runtime/context_settle_test.cpp — a cancellation is whole once it shows (ccb/context.hpp):
// once err() is not None, or a cancel function has returned, every descendant is cancelled, even
// while another canceller (the deadline's timer, another task or thread) is still walking the
// tree. Go gives this by holding cancelCtx.mu while it cancels the children.
// Regression (session 48's review, program cancelrace.cpp): a with_timeout parent with 200000
// children; main waited for parent.err() != None, called cancel() and found all 200000 children
// still not cancelled: the second cancel() returned at once, and err() was published before the
// walk. Each check below counts the descendants whose err() is still None, right after the event.
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <thread>
#include <vector>

#include <ccb/runtime.hpp>

#include "procs_fixture.hpp"

namespace {

using namespace std::chrono_literals;

class ContextSettle : public Procs {};
INSTANTIATE_TEST_SUITE_P(Procs, ContextSettle, ::testing::Values(1, 2),
                         [](const ::testing::TestParamInfo<int>& i) { return "procs" + std::to_string(i.param); });

// Tree: `wide` children of root, each with one grandchild (the walk claims a node, then goes on
// to its children: both levels are in flight while it runs).
struct Tree {
  std::vector<ccb::WithCancel> nodes;
  Tree(const ccb::Context& root, int wide) {
    nodes.reserve(2 * static_cast<std::size_t>(wide));
    for (int i = 0; i < wide; ++i) {
      nodes.push_back(ccb::with_cancel(root));
      nodes.push_back(ccb::with_cancel(nodes.back().ctx));
    }
  }
  std::size_t not_cancelled() const {
    std::size_t k = 0;
    for (const auto& n : nodes) k += n.ctx.err() == ccb::ContextError::None;
    return k;
  }
};

bool done_closed(const ccb::Context& c) {
  auto [ready, v] = c.done().try_recv();
  return ready && !v.has_value();
}

// racing() starts a plain thread that calls in_thread, waits until watched's done is closed (that
// walk is under way: done closes as a node is claimed, before its children), then calls here. The
// thread is joined when the returned jthread goes, after the caller's checks.
std::jthread racing(ccb::CancelFunc in_thread, const ccb::Context& watched, const ccb::CancelFunc& here) {
  std::jthread t(std::move(in_thread));
  while (!done_closed(watched)) ccb::yield();
  here();
  return t;
}

constexpr int kWide = kManyTasks;  // 100000 children and as many grandchildren (500 under TSan)

TEST_P(ContextSettle, ErrShowsTheDeadlineOnlyOnceEveryDescendantIsCancelled) {
  run([] {
    auto [root, cancel] = ccb::with_timeout(ccb::background(), 50ms);
    Tree tree(root, kWide);
    // At procs 2 the deadline's timer fires on the other worker and walks the tree there.
    while (root.err() == ccb::ContextError::None) ccb::yield();
    EXPECT_EQ(tree.not_cancelled(), 0u);
    EXPECT_EQ(root.err(), ccb::ContextError::DeadlineExceeded);
  });
}

TEST_P(ContextSettle, ACancelThatFindsTheDeadlineCancellingReturnsOnceItIsDone) {
  run([] {
    auto [root, cancel] = ccb::with_timeout(ccb::background(), 50ms);
    Tree tree(root, kWide);
    while (!done_closed(root)) ccb::yield();  // done closes as the walk starts, before the children
    cancel();
    EXPECT_EQ(tree.not_cancelled(), 0u);
    EXPECT_EQ(root.err(), ccb::ContextError::DeadlineExceeded);  // the first cause stays
  });
}

TEST_P(ContextSettle, ACancelRacingAPlainThreadsCancelReturnsOnceItIsDone) {
  for (int round = 0; round < 20 / kTsanDivisor + 1; ++round) {
    run([] {
      auto [root, cancel] = ccb::with_cancel(ccb::background());
      Tree tree(root, kWide / 10);
      auto t = racing(cancel, root, cancel);  // most rounds: the thread's walk is under way
      EXPECT_EQ(tree.not_cancelled(), 0u);
    });
  }
}

TEST_P(ContextSettle, AnAncestorsCancelWaitsForADescendantAnotherCancellerClaimed) {
  // Two cancellers at once: a plain thread cancels `mid` (with its own wide subtree) while this
  // task cancels the root above it. When the root's walk reaches mid after the thread claimed it,
  // mid's subtree is the thread's to cancel, and the root's cancel() must wait for it.
  for (int round = 0; round < 20 / kTsanDivisor + 1; ++round) {
    run([] {
      auto [root, cancel] = ccb::with_cancel(ccb::background());
      auto [mid, mid_cancel] = ccb::with_cancel(root);
      Tree tree(mid, kWide / 10);
      auto t = racing(mid_cancel, mid, cancel);
      EXPECT_EQ(tree.not_cancelled(), 0u);
      EXPECT_EQ(mid.err(), ccb::ContextError::Canceled);
    });
  }
}

}  // namespace
