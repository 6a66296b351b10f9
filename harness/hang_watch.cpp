// harness/hang_watch.cpp — see hang_watch.hpp.
#include "harness/hang_watch.hpp"

#include <algorithm>

namespace ccb::harness {

HangWatch::HangWatch(double timeout_s, OnHang on_hang, const std::atomic<int>* stop,
                     std::chrono::milliseconds stop_grace)
    : timeout_(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(timeout_s))),
      timeout_s_(timeout_s),
      on_hang_(std::move(on_hang)),
      stop_flag_(stop),
      stop_grace_(stop_grace),
      watcher_([this] { watch(); }) {}

HangWatch::~HangWatch() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  stop_cv_.notify_one();
  watcher_.join();
}

void HangWatch::arm(const std::string& what) {
  std::lock_guard lock(mutex_);
  armed_ = true;
  since_ = Clock::now();
  what_ = &what;
}

void HangWatch::disarm() {
  std::lock_guard lock(mutex_);
  armed_ = false;
}

void HangWatch::watch() {
  std::unique_lock lock(mutex_);
  const bool limited = timeout_ > std::chrono::nanoseconds::zero();
  Clock::time_point expected{};  // when the last wait was to end
  Clock::time_point stop_at{};   // when this watcher first saw the stop flag set
  int signal = 0;                // the flag's value then (0: no stop asked yet)
  while (!stop_) {
    const auto now = Clock::now();
    // A wake far behind its time: the process was stopped (Ctrl-Z, SIGSTOP, a frozen cgroup) or
    // starved, and steady_clock ran on meanwhile. That time is not the run's: the armed run's
    // clock (and the stop's grace) is moved past it, so a resumed run is not taken for a hang.
    if (expected != Clock::time_point{} && now - expected > kLateWake) {
      const auto gap = now - expected;
      if (armed_ && since_ < expected) since_ += gap;
      if (signal != 0 && stop_at < expected) stop_at += gap;
    }
    if (signal == 0 && stop_flag_ != nullptr && (signal = stop_flag_->load(std::memory_order_acquire)) != 0)
      stop_at = now;
    auto wake = now + std::chrono::seconds(1);
    if (armed_) {
      // on_hang runs with mutex_ held and does not return (hang_watch.hpp); if it did, the watch
      // would end with the run still armed. Once a stop is asked, its grace alone decides: the run
      // is the user's to stop, not a hang to report (the timeout could otherwise fire first).
      if (signal == 0 && limited && now - since_ >= timeout_) {
        on_hang_(*what_, timeout_s_, 0);
        return;
      }
      // The grace runs from the stop, not from the run's arm(): runs started after it (more
      // warm-ups of the point in progress) get none of their own.
      if (signal != 0 && now - stop_at >= stop_grace_) {
        on_hang_(*what_, std::chrono::duration<double>(stop_grace_).count(), signal);
        return;
      }
      // Not signalled on arm(): the run armed since `since_` is checked at its deadline, a run
      // armed after this wait began within a second of it.
      if (signal != 0) wake = std::min(wake, stop_at + stop_grace_);
      else if (limited) wake = std::min(wake, since_ + timeout_);
    }
    expected = wake;
    stop_cv_.wait_until(lock, wake);
  }
}

}  // namespace ccb::harness
