// harness/stress/watchdog.cpp — see watchdog.hpp.
#include "harness/stress/watchdog.hpp"

#include <ccb/debug.hpp>

#include <algorithm>
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
  Track whole{ctx_.progress(), Clock::now()};
  std::vector<Track> parts;  // parallel to ctx_.parts(), which is only ever appended to
  std::unique_lock<std::mutex> lk(mu_);
  while (!stop_) {
    cv_.wait_for(lk, std::chrono::milliseconds(50));
    if (stop_) return;
    const Clock::time_point now = Clock::now();
    const std::vector<ScenarioContext::Part> current = ctx_.parts();
    Clock::time_point excused = ctx_.wait_end();  // the scenario waits while any part does
    for (std::size_t i = 0; i < current.size(); ++i) {
      const ScenarioContext& part = *current[i].ctx;
      if (i == parts.size()) parts.push_back(Track{part.progress(), now});
      // A finished part has stopped on purpose; a failed one is being reported by the body.
      if (part.finished() || part.failed()) continue;
      watch(part, parts[i], now, part.wait_end(), current[i].name);
      excused = std::max(excused, part.wait_end());
    }
    watch(ctx_, whole, now, excused, "");
  }
}

void Watchdog::watch(const ScenarioContext& c, Track& t, Clock::time_point now, Clock::time_point excused,
                     const std::string& part) {
  const uint64_t progress = c.progress();
  if (progress != t.last) {
    t.last = progress;
    t.since = now;
    return;
  }
  // A bounded wait reports its own failure: the stall clock restarts when it ends.
  const Clock::time_point from = std::max(t.since, excused);
  if (now - from > limit_) fire(part, now - from, progress);
}

void Watchdog::fire(const std::string& part, std::chrono::nanoseconds stalled, uint64_t ops) {
  const double s = std::chrono::duration<double>(stalled).count();
  err_ << "\nccbench stress: FAILED: WATCHDOG: " << what_ << (part.empty() ? "" : ": part " + part)
       << " made no progress for " << s << " s (limit " << std::chrono::duration<double>(limit_).count()
       << " s) after " << ops << " operations";
  if (!part.empty()) err_ << " (the scenario as a whole: " << ctx_.progress() << ")";
  err_ << "\nwhat every task is doing (ccb::debug::dump_tasks):\n" << ccb::debug::dump_tasks() << footer_;
  err_.flush();
  std::fflush(nullptr);
  std::_Exit(1);
}

}  // namespace ccb::stress
