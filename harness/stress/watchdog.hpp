// harness/stress/watchdog.hpp — the stall watchdog of `ccbench stress`.
//
// A Watchdog owns one thread for its lifetime. Every 50 ms it reads the scenario's progress
// counter (ScenarioContext::progress) and that of each of its parts (ScenarioContext::parts, the
// parts of `mixed`) that has neither finished nor failed; when one of these counters has not
// moved for longer than `limit`, it writes to `err`: which scenario (and part) stalled and for
// how long, the runtime's task dump (ccb::debug::dump_tasks(), taken from this non-task thread
// while the run is stuck), and the `footer` (seed and the exact command to reproduce); then it
// flushes and ends the process with exit code 1 (std::_Exit: a stalled run cannot be unwound,
// and its tasks may hold locks). So one stuck part is reported within `limit` even while the
// other parts keep the scenario's total moving. A bounded wait (ScenarioContext::BoundedWait: a
// wait that reports its own failure, e.g. tasks still alive 10 s after their round) is not a
// stall, up to its deadline: the stall clock of its context, and of the scenario while one of its
// parts waits, restarts when the wait ends.
// Destroying the Watchdog stops and joins the thread (it never fires after that).
// Concurrency: the thread only reads the contexts' atomics and parts() snapshots (the contexts
// are owned by shared_ptr, so a part outlives the body that added it); stop_ is guarded by mu_.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

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
  using Clock = std::chrono::steady_clock;
  // Track: one counter's last value and when it last moved (owned by the thread).
  struct Track {
    uint64_t last = 0;
    Clock::time_point since;
  };
  void loop();
  // watch() updates t from c and fires when c has not moved for longer than limit_, counted from
  // `excused` (the end of the bounded waits that apply) if that is later.
  void watch(const ScenarioContext& c, Track& t, Clock::time_point now, Clock::time_point excused,
             const std::string& part);
  [[noreturn]] void fire(const std::string& part, std::chrono::nanoseconds stalled, uint64_t ops);

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
