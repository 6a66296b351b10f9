// tests/runtime/go_semantics_test.cpp — Go 1.19 behaviours checked with a Go program (its output is
// quoted with each test) and pinned here where no other test did: selects that can never proceed,
// a send case on a closed channel among ready cases, a Once whose f panics, and how an expired
// context's error reaches its children.
#include <gtest/gtest.h>

#include <ccb/runtime.hpp>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

#include "thrown_text.hpp"

using namespace std::chrono_literals;

namespace {

// Go: `select {}`, a select over nil channels only, and a send and a receive on the same
// unbuffered channel (a goroutine cannot meet itself) each end the program with "fatal error: all
// goroutines are asleep - deadlock!" (go1.19). ccb::run throws Deadlock for each.
TEST(GoSemantics, SelectsThatCanNeverProceedAreDeadlocks) {
  EXPECT_THROW(ccb::run([] { ccb::select(); }), ccb::Deadlock);
  EXPECT_THROW(ccb::run([] {
                 ccb::Chan<int> nil;
                 ccb::select(ccb::recv_case(nil), ccb::send_case(nil, 1));
               }),
               ccb::Deadlock);
  EXPECT_THROW(ccb::run([] {
                 ccb::Chan<int> c(0);
                 ccb::select(ccb::recv_case(c), ccb::send_case(c, 1));
               }),
               ccb::Deadlock);
  // With a default case, nil channels make the select non-blocking instead.
  ccb::run([] {
    ccb::Chan<int> nil;
    EXPECT_EQ(ccb::select(ccb::recv_case(nil), ccb::send_case(nil, 1), ccb::default_case()), 2);
  });
}

// Go's selectgo polls the cases in a random order and panics at a send case on a closed channel
// only if it reaches it before a ready case: with one other ready case, about half the selects
// panic. Go (2000 selects): "closed send among ready: panics 983 recvs 1017".
TEST(GoSemantics, SendCaseOnAClosedChannelPanicsOnlyWhenPolledBeforeAReadyCase) {
  ccb::run([] {
    ccb::Chan<int> closed(1), ready(1);
    closed.close();
    int panics = 0, recvs = 0;
    for (int i = 0; i < 2000; ++i) {
      ready.send(1);
      try {
        ccb::select(ccb::send_case(closed, 1), ccb::recv_case(ready, [&] { ++recvs; }));
      } catch (const ccb::SendOnClosedChannel&) {
        ++panics;
        ready.try_recv();
      }
    }
    EXPECT_EQ(panics + recvs, 2000);
    EXPECT_GT(panics, 700);  // binomial(2000, 1/2): sd ~22, so 700 and 1300 are > 13 sd away
    EXPECT_GT(recvs, 700);
  });
}

// Go: "If f panics, Do considers it to have returned; future calls of Do return without calling
// f" (sync/once.go). Go: the panic reaches the first caller ("recovered: f failed") and
// "once: f ran 1 times". A caller waiting while f runs returns without running f either.
TEST(GoSemantics, OnceWhoseFThrowsIsDone) {
  ccb::run([] {
    ccb::Once once;
    int ran = 0;
    bool waiter_returned = false;
    ccb::WaitGroup wg;
    wg.add(1);
    EXPECT_EQ(thrown_text<std::runtime_error>([&] {
                once.call([&] {
                  ++ran;
                  ccb::go([&] {  // queued on the Once's mutex while f is still running
                    once.call([&] { ++ran; });
                    waiter_returned = true;
                    wg.done();
                  });
                  ccb::yield();
                  throw std::runtime_error("f failed");
                });
              }),
              "f failed");
    EXPECT_TRUE(once.done());
    once.call([&] { ++ran; });
    wg.wait();
    EXPECT_TRUE(waiter_returned);
    EXPECT_EQ(ran, 1);
  });
}

// Go: a context's children take its error: children of an expired context, made before or after
// it expired (a later timeout and a value child included), all report DeadlineExceeded; a past
// deadline under an already cancelled parent stays Canceled (propagateCancel runs first); a child's
// later timeout keeps the parent's earlier deadline. Go: "before: context deadline exceeded |
// after: context deadline exceeded | timeout child: context deadline exceeded | value child:
// context deadline exceeded", "past deadline under a cancelled parent: context canceled",
// "timeout child keeps the parent's earlier deadline: true".
TEST(GoSemantics, ChildrenTakeTheirParentsError) {
  ccb::run([] {
    auto [parent, parent_cancel] = ccb::with_timeout(ccb::background(), 1ms);
    auto [before, before_cancel] = ccb::with_cancel(parent);
    parent.done().recv();
    // Go closes the parent's done before it cancels the children (cancelCtx.cancel), and so does
    // detail::cancel, which readies the parent's waiters first: at procs >= 2 this task may run on
    // another worker while the expiring one, preempted, has not reached `before` yet. Its done is
    // closed by the same cancel: wait for it, boundedly, before reading its error.
    ASSERT_EQ(ccb::select(ccb::recv_case(before.done()), ccb::recv_case(ccb::after(5s))), 0)
        << "a child of the expired context was never closed";
    auto [after, after_cancel] = ccb::with_cancel(parent);
    auto [later, later_cancel] = ccb::with_timeout(parent, 1h);
    ccb::Context value = ccb::with_value(parent, "k", 1);
    for (const ccb::Context& c : {before, after, later, value})
      EXPECT_EQ(c.err(), ccb::ContextError::DeadlineExceeded);
    EXPECT_EQ(later.deadline(), parent.deadline());
    auto [q, q_cancel] = ccb::with_cancel(ccb::background());
    q_cancel();
    auto [past, past_cancel] = ccb::with_deadline(q, ccb::Clock::now() - 1s);
    EXPECT_EQ(past.err(), ccb::ContextError::Canceled);
    later_cancel();  // a cancel after the cause was set changes nothing
    EXPECT_EQ(later.err(), ccb::ContextError::DeadlineExceeded);
  });
}

}  // namespace
