// tests/runtime/exception_state_test.cpp — a task's C++ exception state (the exceptions it is
// handling, std::uncaught_exceptions()) is its own across parks and migrations between workers
// (runtime/src/eh_globals.hpp), at procs 1, 2 and 8.
#include <gtest/gtest.h>

#include <ccb/runtime.hpp>
#include <atomic>
#include <exception>
#include <stdexcept>
#include <string>

#include "procs_fixture.hpp"

namespace {

class ExceptionState : public Procs {};
INSTANTIATE_TEST_SUITE_P(, ExceptionState, ::testing::Values(1, 2, 8),
                         [](const ::testing::TestParamInfo<int>& i) { return "procs" + std::to_string(i.param); });

// Regression: the state was the worker thread's. Tasks parked inside their catch blocks stacked
// their exceptions on one thread's list, so a `throw;` after the park rethrew another task's
// exception, or (moved to a thread with none) died: "terminate called without an active
// exception" (procs 2, 8 tasks x 200 rounds).
TEST_P(ExceptionState, ARethrowAfterAParkInsideTheHandlerRethrowsTheTasksOwnException) {
  std::atomic<long> handled{0}, wrong{0};
  run([&] {
    ccb::Chan<int> ch(0);
    ccb::WaitGroup wg;
    constexpr int kTasks = 8, kRounds = 200 / kTsanDivisor;
    for (int i = 0; i < kTasks; ++i) {
      wg.add(1);
      ccb::go([&, i] {
        for (int k = 0; k < kRounds; ++k) {
          const std::string msg = std::to_string(i) + ":" + std::to_string(k);
          try {
            throw std::runtime_error(msg);
          } catch (const std::exception& e) {
            if (i % 2 != 0) ch.send(k); else (void)ch.recv();  // parks inside the handler
            if (std::uncaught_exceptions() != 0 || e.what() != msg) ++wrong;
            try {
              throw;
            } catch (const std::runtime_error& again) {
              if (again.what() != msg) ++wrong;
            }
            ++handled;
          }
          if (std::current_exception() != nullptr) ++wrong;  // the handler ended: none
        }
        wg.done();
      });
    }
    wg.wait();
  });
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(handled.load(), 8L * (200 / kTsanDivisor));
}

// A destructor that parks while its task's exception propagates still sees that exception in
// flight when it resumes (std::uncaught_exceptions() == 1), and the tasks that ran meanwhile on
// its worker saw none; the exception then reaches the task's handler.
TEST_P(ExceptionState, UncaughtExceptionsStayWithTheTaskWhoseExceptionIsInFlight) {
  std::atomic<int> in_dtor{-1}, others_saw{0}, reached_handler{0};
  run([&] {
    ccb::Chan<int> go_on(0);
    ccb::WaitGroup wg;
    wg.add(2);
    ccb::go([&] {
      struct ParkOnExit {
        ccb::Chan<int>& ch;
        std::atomic<int>& seen;
        ~ParkOnExit() {
          (void)ch.recv();
          seen = std::uncaught_exceptions();
        }
      };
      try {
        ParkOnExit p{go_on, in_dtor};
        throw std::logic_error("in flight");
      } catch (const std::logic_error&) {
        ++reached_handler;
      }
      wg.done();
    });
    ccb::go([&] {
      for (int i = 0; i < 50; ++i) {
        others_saw += std::uncaught_exceptions();
        ccb::yield();
      }
      go_on.send(1);
      wg.done();
    });
    wg.wait();
  });
  EXPECT_EQ(in_dtor.load(), 1);
  EXPECT_EQ(others_saw.load(), 0);
  EXPECT_EQ(reached_handler.load(), 1);
}

// ccb::run called from inside a catch block: the caller's exception is still the one being handled
// after the run, and no task saw it.
TEST(ExceptionStateOutside, RunInsideAHandlerKeepsTheCallersException) {
  try {
    throw std::runtime_error("caller's");
  } catch (const std::runtime_error&) {
    bool task_saw = true;
    ccb::Config c;
    c.procs = 2;
    ccb::run(c, [&] {
      task_saw = std::current_exception() != nullptr;
      ccb::sleep_for(std::chrono::milliseconds(1));
    });
    EXPECT_FALSE(task_saw);
    try {
      throw;
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "caller's");
    }
  }
}

}  // namespace
