// harness/stress/watchdog.hpp — the stall watchdog of `ccbench stress`.
//
// A Watchdog owns one thread for its lifetime. Every 50 ms it reads the scenario's progress
// counter (ScenarioContext::progress); when the counter has not moved for longer than `limit`,
// it writes to `err`: which scenario stalled and for how long, the runtime's task dump
// (ccb::debug::dump_tasks(), taken from this non-task thread while the run is stuck), and the
// `footer` (seed and the exact command to reproduce); then it flushes and ends the process with
// exit code 1 (std::_Exit: a stalled run cannot be unwound, and its tasks may hold locks).
// Destroying the Watchdog stops and joins the thread (it never fires after that).
// Concurrency: the thread only reads the context's atomics; stop_ is guarded by mu_.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

#include "harness/stress/scenario.hpp"

namespace ccb::stress {

class Watchdog {
 public:
  Watchdog(const ScenarioContext& ctx, std::chrono::nanoseconds limit, std::string what, std::string footer,
           std::ostream& err);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  void loop();
  [[noreturn]] void fire(std::chrono::nanoseconds stalled);

  const ScenarioContext& ctx_;
  const std::chrono::nanoseconds limit_;
  const std::string what_, footer_;
  std::ostream& err_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace ccb::stress
