// harness/hang_watch.cpp — see hang_watch.hpp.
#include "harness/hang_watch.hpp"

#include <algorithm>

namespace ccb::harness {

HangWatch::HangWatch(double timeout_s, OnHang on_hang)
    : timeout_(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(timeout_s))),
      timeout_s_(timeout_s),
      on_hang_(std::move(on_hang)),
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
  Clock::time_point expected{};  // when the last wait was to end
  while (!stop_) {
    const auto now = Clock::now();
    // A wake far behind its time: the process was stopped (Ctrl-Z, SIGSTOP, a frozen cgroup) or
    // starved, and steady_clock ran on meanwhile. That time is not the run's: the armed run's
    // clock is moved past it, so a resumed run is not taken for a hang.
    if (expected != Clock::time_point{} && now - expected > kLateWake && armed_ && since_ < expected)
      since_ += now - expected;
    if (armed_ && now - since_ >= timeout_) {
      on_hang_(*what_, timeout_s_);  // with mutex_ held; does not return (hang_watch.hpp)
      return;                       // (if it did, the watch ends: the run stays armed)
    }
    // Not signalled on arm(): the run armed since `since_` is checked at its deadline, a run armed
    // after this wait began within a second of it.
    const auto wake = armed_ ? std::min(since_ + timeout_, now + std::chrono::seconds(1)) : now + std::chrono::seconds(1);
    expected = wake;
    stop_cv_.wait_until(lock, wake);
  }
}

}  // namespace ccb::harness
