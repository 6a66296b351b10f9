// harness/stress/watchdog.cpp — see watchdog.hpp.
#include "harness/stress/watchdog.hpp"

#include <ccb/debug.hpp>

#include <cstdio>
#include <cstdlib>

namespace ccb::stress {

Watchdog::Watchdog(const ScenarioContext& ctx, std::chrono::nanoseconds limit, std::string what, std::string footer,
                   std::ostream& err)
    : ctx_(ctx), limit_(limit), what_(std::move(what)), footer_(std::move(footer)), err_(err) {
  thread_ = std::thread([this] { loop(); });
}

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> g(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Watchdog::loop() {
  using Clock = std::chrono::steady_clock;
  uint64_t last = ctx_.progress();
  Clock::time_point last_change = Clock::now();
  std::unique_lock<std::mutex> lk(mu_);
  while (!stop_) {
    cv_.wait_for(lk, std::chrono::milliseconds(50));
    if (stop_) return;
    const uint64_t now_progress = ctx_.progress();
    const Clock::time_point now = Clock::now();
    if (now_progress != last) {
      last = now_progress;
      last_change = now;
    } else if (now - last_change > limit_) {
      fire(now - last_change);
    }
  }
}

void Watchdog::fire(std::chrono::nanoseconds stalled) {
  const double s = std::chrono::duration<double>(stalled).count();
  err_ << "\nccbench stress: FAILED: WATCHDOG: " << what_ << " made no progress for " << s
       << " s (limit " << std::chrono::duration<double>(limit_).count() << " s) after " << ctx_.progress()
       << " operations\n"
       << "what every task is doing (ccb::debug::dump_tasks):\n"
       << ccb::debug::dump_tasks() << footer_;
  err_.flush();
  std::fflush(nullptr);
  std::_Exit(1);
}

}  // namespace ccb::stress
