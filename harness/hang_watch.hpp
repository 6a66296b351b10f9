// harness/hang_watch.hpp — the watchdog of `ccbench run` for runs of in-process workloads.
//
// A run of the "ccbench" or "threads" implementation happens on the harness's main thread and
// cannot be stopped from outside it: a lost message in a threads workload, or a lost wake-up the
// runtime's deadlock detector cannot see (a plain thread waiting, a livelock), would hold the run
// for ever, and a CI job would end at its own time limit with no results. (The Go implementation
// has its own timeout, CCB_GO_TIMEOUT, because its child process can be killed.)
//
// HangWatch: the in-process runner arms the watch around each run of a workload, warm-ups included
// (HangWatch::Armed, in_process_backend.cpp). A watcher thread sees a run armed for longer than the
// timeout within about a second of it, and calls on_hang(what, timeout_s, 0) on the watcher thread,
// once. on_hang must not return: `ccbench run` writes the points finished and exits 1
// (run_command.cpp, CCB_RUN_TIMEOUT).
// A stop asked by a signal (the `stop` flag, RunInterrupts::flag()) lets the run in progress end
// first, as the runner stops only between runs; a run still armed kStopGrace after the watcher saw
// the flag (whenever it was armed) is abandoned: on_hang(what, kStopGrace, signal), and `ccbench
// run` writes the points finished as for the signal and exits 128 + signal. From the stop on, the
// timeout no longer applies. Before, a run that hung after a first Ctrl-C held the process until
// the timeout, and then said "hang".
// Concurrency: arm(), disarm() and the watcher share mutex_, and on_hang runs with mutex_ held, so
//  - everything the main thread wrote before its last arm() (finished entries, the run's context,
//    what it printed) happens-before on_hang, which may read it;
//  - a run that ends while on_hang runs blocks in disarm(): the main thread prints and writes
//    nothing more (on_hang ends the process).
// Time the process spends stopped (Ctrl-Z, SIGSTOP) does not count: a watcher's wake more than
// kLateWake behind its time moves the armed run's start past the gap (so a watcher starved for
// that long also stops counting).
// The cost on the measured path is one uncontended lock before and one after each run, outside
// the workload's own timing: nothing is allocated or signalled, and the watcher wakes once a second
// (and at the armed run's deadline, when that comes sooner); it reads the stop flag at each wake.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "harness/run_interrupts.hpp"

namespace ccb::harness {

class HangWatch {
 public:
  // on_hang(what, limit_s, signal): signal 0: the run `what` has not ended after the timeout
  // (limit_s); otherwise the flag's value: the run had not ended limit_s (kStopGrace) after it.
  using OnHang = std::function<void(const std::string& what, double limit_s, int signal)>;

  // Starts the watcher thread. timeout_s >= 0 (0: no time limit, only the stop's grace); stop:
  // null, or a flag that becomes nonzero (a signal's number) when a stop is asked; stop_grace:
  // kStopGrace (run_interrupts.hpp) but in tests.
  HangWatch(double timeout_s, OnHang on_hang, const std::atomic<int>* stop = nullptr,
            std::chrono::milliseconds stop_grace = kStopGrace);
  // Stops and joins the watcher thread.
  ~HangWatch();
  HangWatch(const HangWatch&) = delete;
  HangWatch& operator=(const HangWatch&) = delete;

  // Armed: arms the watch for one run named `what` (e.g. an entry name; it must outlive the
  // scope) for its scope. A null watch arms nothing.
  class Armed {
   public:
    Armed(HangWatch* watch, const std::string& what) : watch_(watch) {
      if (watch_) watch_->arm(what);
    }
    Armed(HangWatch* watch, std::string&& what) = delete;  // a temporary would not outlive the scope
    ~Armed() {
      if (watch_) watch_->disarm();
    }
    Armed(const Armed&) = delete;
    Armed& operator=(const Armed&) = delete;

   private:
    HangWatch* watch_;
  };

  void arm(const std::string& what);  // `what` must live until disarm()
  void arm(std::string&&) = delete;
  void disarm();

 private:
  using Clock = std::chrono::steady_clock;
  // A watcher's wake more than this late means the process did not run meanwhile (watch()).
  static constexpr std::chrono::seconds kLateWake{2};
  void watch();

  const std::chrono::nanoseconds timeout_;
  const double timeout_s_;
  const OnHang on_hang_;
  const std::atomic<int>* const stop_flag_;
  const std::chrono::milliseconds stop_grace_;
  std::mutex mutex_;
  std::condition_variable stop_cv_;  // signalled by the destructor only
  // guarded by mutex_:
  bool stop_ = false;
  bool armed_ = false;
  Clock::time_point since_{};
  const std::string* what_ = nullptr;  // the armed run's name (its owner's string: no copy per run)
  std::thread watcher_;  // last: started once the rest is ready
};

}  // namespace ccb::harness
