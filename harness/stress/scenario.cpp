// harness/stress/scenario.cpp — ScenarioContext and the scenario table (see scenario.hpp).
#include "harness/stress/scenario.hpp"

#include <ccb/debug.hpp>

#include <algorithm>

namespace ccb::stress {

void ScenarioContext::fail(const std::string& message) { record_failure(message, nullptr); }

void ScenarioContext::fail(const std::string& message, const std::string& dump) { record_failure(message, &dump); }

void ScenarioContext::record_failure(const std::string& message, const std::string* dump) {
  {
    std::lock_guard<std::mutex> g(failure_mu_);
    if (failure_.empty()) {
      failure_ = message;
      dump_ = dump != nullptr ? *dump : ccb::debug::dump_tasks();  // taken now unless given
    }
  }
  failed_.store(true, std::memory_order_release);
  request_stop();
}

void ScenarioContext::join(ccb::WaitGroup& wg) {
  while (wg.count() > 0) {
    if (failed()) halt();
    ccb::sleep_for(std::chrono::microseconds(200));
  }
  wg.wait();  // the last done() may still be inside wg: wait() returns once it has left
}

namespace {
std::atomic<int> g_outside_threads{0};
}  // namespace

OutsideThread::OutsideThread() noexcept { g_outside_threads.fetch_add(1, std::memory_order_acq_rel); }

OutsideThread::~OutsideThread() {
  if (live_) g_outside_threads.fetch_sub(1, std::memory_order_acq_rel);
}

int OutsideThread::live() noexcept { return g_outside_threads.load(std::memory_order_acquire); }

void ScenarioContext::halt() {
  for (;;) ccb::Chan<int>().recv();  // a nil channel: blocks until the run ends and unwinds us
}

ScenarioContext::BoundedWait::BoundedWait(ScenarioContext& ctx, std::chrono::nanoseconds d) noexcept
    : ctx_(ctx), deadline_(ccb::Clock::now() + d) {
  ctx_.wait_end_.store(deadline_.time_since_epoch().count(), std::memory_order_relaxed);
}

ScenarioContext::BoundedWait::~BoundedWait() {
  const ccb::Clock::time_point end = std::min(ccb::Clock::now(), deadline_);
  ctx_.wait_end_.store(end.time_since_epoch().count(), std::memory_order_relaxed);
}

std::string ScenarioContext::failure() const {
  std::lock_guard<std::mutex> g(failure_mu_);
  return failure_;
}

std::string ScenarioContext::failure_dump() const {
  std::lock_guard<std::mutex> g(failure_mu_);
  return dump_;
}

std::shared_ptr<ScenarioContext> ScenarioContext::add_part(const std::string& name, uint64_t seed, int tasks) {
  auto part = std::make_shared<ScenarioContext>(seed, tasks, hook, false);
  std::lock_guard<std::mutex> g(parts_mu_);
  parts_.push_back(Part{name, part});
  return part;
}

std::vector<ScenarioContext::Part> ScenarioContext::parts() const {
  std::lock_guard<std::mutex> g(parts_mu_);
  return parts_;
}

void run_stall(ScenarioContext& ctx) {
  (void)ctx;
  ccb::Mutex mu;
  mu.lock();
  for (int i = 0; i < 3; ++i) ccb::go([&mu] { mu.lock(); });
  ccb::Chan<int> never(0);
  never.recv();
}

const std::vector<ScenarioInfo>& scenarios() {
  static const std::vector<ScenarioInfo> list = {
      {"channels", "buffered/unbuffered channels, many producers and consumers, owner closes racing "
                   "sends: no message lost or duplicated, per-producer order kept", &run_channels},
      {"select", "selects over random channel subsets with sends, receives, defaults and timeouts: "
                 "totals conserved, payloads intact", &run_select},
      {"sync", "Mutex, RWMutex, WaitGroup, Once and Cond under contention: exclusion, exactly-once, "
               "exact counters", &run_sync},
      {"cancel", "context trees cancelled mid-operation, after_func/Timer stop and reset racing "
                 "their firing, Tickers reset and stopped: every task exits, no timer fires twice or "
                 "early, no tick early or after stop", &run_cancel},
      {"churn", "tasks spawned and exiting continuously: live tasks return to the baseline, RSS stays "
                "bounded", &run_churn},
      {"ratelimit", "a token bucket drawn from by allow, reserve/cancel and wait with deadlines while its "
                    "rate and burst change; fixed and sliding windows: no more granted than rate and "
                    "burst allow, no window over its limit", &run_ratelimit},
      {"patterns", "WorkerPool, merge, stage and ErrGroup, cancelled at random moments: every job and item "
                   "delivered once and intact, order kept per producer, the first error cancels the group, "
                   "every output closes and no task is left", &run_patterns},
      {"mixed", "all of the above at once in one run", &run_mixed},
  };
  return list;
}

}  // namespace ccb::stress
