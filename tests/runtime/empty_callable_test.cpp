// tests/runtime/empty_callable_test.cpp — an API that takes a callable and is given an empty one (an
// empty std::function, a null function pointer) throws ccb::InvalidArgument at the call, naming the
// call, before it changes anything; before, the empty callable was called later (in a new task, a
// timer's task, a worker task) and the run ended with std::bad_function_call or a SIGSEGV.
#include <gtest/gtest.h>

#include <ccb/runtime.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "thrown_text.hpp"

using namespace std::chrono_literals;

namespace {

constexpr const char* kEmpty = " is empty (an empty std::function or a null function pointer)";

// invalid_argument_text() runs f and returns the message of the ccb::InvalidArgument it throws.
template <class F>
std::string invalid_argument_text(F&& f) {
  return thrown_text<ccb::InvalidArgument>(f);
}

TEST(EmptyCallable, GoThrowsAtTheCall) {
  int ran = 0;
  ccb::run(ccb::Config{.procs = 1}, [&] {
    EXPECT_EQ(invalid_argument_text([] { ccb::go(std::function<void()>{}); }),
              std::string("ccb::go: f") + kEmpty);
    EXPECT_EQ(invalid_argument_text([] { ccb::go(static_cast<void (*)(int)>(nullptr), 1); }),
              std::string("ccb::go: f") + kEmpty);
    std::function<void(int&)> add = [](int& r) { ++r; };
    ccb::go(add, std::ref(ran));  // a non-empty std::function still runs
    while (ran == 0) ccb::yield();
  });
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(ccb::stats().tasks_spawned, 2u);  // main and `add`: the refused calls made no task
}

TEST(EmptyCallable, AfterFuncThrowsAtTheCall) {
  ccb::run(ccb::Config{.procs = 1}, [] {
    ccb::Timer t;
    EXPECT_EQ(invalid_argument_text([&] { t = ccb::after_func(1ms, {}); }),
              std::string("ccb::after_func: f") + kEmpty);
    ccb::sleep_for(5ms);  // before: the timer's task called the empty f meanwhile
    EXPECT_FALSE(t.stop());  // t stayed inert
  });
}

TEST(EmptyCallable, ErrGroupGoThrowsAndLeavesTheGroupUsable) {
  ccb::run(ccb::Config{.procs = 1}, [] {
    ccb::ErrGroup g;
    EXPECT_EQ(invalid_argument_text([&] { g.go({}); }), std::string("ccb::ErrGroup::go: fn") + kEmpty);
    EXPECT_FALSE(g.wait());  // the refused go() did not count: wait() returns, nil
  });
}

TEST(EmptyCallable, WorkerPoolAndStageThrowAtConstruction) {
  ccb::run(ccb::Config{.procs = 1}, [] {
    EXPECT_EQ(invalid_argument_text([] { ccb::WorkerPool<int, int> p(2, {}); }),
              std::string("ccb::WorkerPool: fn") + kEmpty);
    ccb::Chan<int> in(1);
    EXPECT_EQ(invalid_argument_text([&] { (void)ccb::stage(ccb::background(), ccb::RecvChan<int>(in),
                                                          std::function<int(int)>{}); }),
              std::string("ccb::stage: fn") + kEmpty);
    in.send(1);  // before: a pump called the empty fn on it
    for (int i = 0; i < 10; ++i) ccb::yield();
  });
  EXPECT_EQ(ccb::stats().tasks_spawned, 1u);  // no worker task was started
}

TEST(EmptyCallable, OnceCallThrowsAndStaysNotDone) {
  ccb::run(ccb::Config{.procs = 1}, [] {
    ccb::Once once;
    EXPECT_EQ(invalid_argument_text([&] { once.call(std::function<void()>{}); }),
              std::string("ccb::Once::call: f") + kEmpty);
    EXPECT_FALSE(once.done());
    int ran = 0;
    once.call([&] { ++ran; });
    EXPECT_EQ(ran, 1);
  });
}

TEST(EmptyCallable, SelectCaseThrowsBeforeTheOperation) {
  ccb::run(ccb::Config{.procs = 1}, [] {
    ccb::Chan<int> ch(1);
    ch.send(5);
    EXPECT_EQ(invalid_argument_text(
                  [&] { ccb::select(ccb::recv_case(ch, std::function<void(std::optional<int>)>{})); }),
              std::string("ccb::recv_case: fn") + kEmpty);
    EXPECT_EQ(ch.len(), 1u);  // the value was not received (and lost)
    EXPECT_EQ(invalid_argument_text([&] { ccb::select(ccb::send_case(ch, 6, std::function<void()>{})); }),
              std::string("ccb::send_case: fn") + kEmpty);
    EXPECT_EQ(ch.recv(), 5);
    EXPECT_FALSE(ch.try_recv().first);  // nor was 6 sent
    EXPECT_EQ(invalid_argument_text(
                  [&] { ccb::select(ccb::recv_case(ch), ccb::default_case(std::function<void()>{})); }),
              std::string("ccb::default_case: fn") + kEmpty);
  });
}

}  // namespace
