// harness/run_interrupts.hpp — `ccbench run` stopping cleanly on SIGINT, SIGTERM or SIGHUP.
//
// While a RunInterrupts is in scope (the measurement of `ccbench run`):
//  - the three signals are blocked in the thread that made it, and so in every thread started
//    afterwards (the runtime's workers, the threads implementation's threads): no measured code
//    sees a signal handler or an EINTR. A signal that was ignored when the scope began (nohup, a
//    background job of a non-interactive shell) stays ignored and is left alone.
//  - a watcher thread takes them with sigtimedwait(). The first one sets flag() (before
//    anything else) and prints one line to stderr; the runner (runner.hpp, RunSettings::stop)
//    stops after the workload run in progress and `ccbench run` writes what finished (a run still
//    going kStopGrace after it is abandoned: hang_watch.hpp, go_impl.hpp). A second
//    signal restores the default action and re-raises it: the process dies of it at once (its Go
//    children die with it, workloads/go/parent_death.go). The same signal sent again by the same
//    process (kill(2), the same si_pid) within 1 s is not a second signal: coreutils' timeout(1)
//    sends its signal to the process and then to its process group, and that made `timeout 1h
//    ccbench run …` die writing nothing.
//  - child processes must not inherit the blocked mask: child::spawn() starts every child with
//    an empty signal mask.
// finish() (or the destructor) ends the scope: it stops the watcher (within ~50 ms), takes a
// signal still pending (it counts as received) and restores the thread's mask; a signal that
// arrives after it has its default action again.
// Concurrency: flag() is an atomic; one RunInterrupts at a time per process.
#pragma once

#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

namespace ccb::harness {

// kStopGrace: how long a run of a workload may go on after a stop was asked, before it is
// abandoned (hang_watch.hpp for the in-process runs, go_impl.hpp for a Go child). The longest
// single run of the full preset takes ~2 s (skynet at procs 1 on this machine), so a run still
// going 10 s after the signal hangs, or is one the user made that long and now asks to stop.
inline constexpr std::chrono::seconds kStopGrace{10};

class RunInterrupts {
 public:
  RunInterrupts();
  ~RunInterrupts();
  RunInterrupts(const RunInterrupts&) = delete;
  RunInterrupts& operator=(const RunInterrupts&) = delete;

  // flag() is 0 until the first signal, then its number (what RunSettings::stop points to).
  const std::atomic<int>& flag() const { return signal_; }
  // finish() ends the scope (see above) and returns the first signal received, or 0. Idempotent.
  int finish();

 private:
  void watch();

  sigset_t handled_{};   // the signals this scope takes (those not ignored at its start)
  sigset_t old_mask_{};  // the creating thread's mask before the scope
  std::atomic<int> signal_{0};
  std::atomic<bool> done_{false};
  std::thread watcher_;
};

// signal_name() is "SIGINT", "SIGTERM", "SIGHUP" or "signal N" (inline: go_impl.cpp, in a library
// of its own, names the signal too).
inline const char* signal_name(int sig) noexcept {
  switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
  }
  static thread_local char buf[24];
  std::snprintf(buf, sizeof buf, "signal %d", sig);
  return buf;
}

}  // namespace ccb::harness
