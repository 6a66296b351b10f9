// runtime/src/debug.cpp — ccb/debug.hpp: task dump and live-task count (reusing the scheduler's
// deadlock dump, Runtime::dump_blocked_tasks) and the chaos controls (chaos.cpp).
#include "ccb/debug.hpp"

#include <sstream>

#include "chaos.hpp"
#include "scheduler.hpp"

namespace ccb::detail {

// SchedulerAccess: the friend through which the debug API reaches the scheduler's private dump.
struct SchedulerAccess {
  static std::string blocked_tasks() { return Runtime::dump_blocked_tasks(); }
};

namespace {
struct Census {
  uint64_t runnable = 0, running = 0, parked = 0;
  uint64_t live() const { return runnable + running + parked; }
};

Census census() {
  Census c;
  for_each_task([&](Task& t) {
    switch (t.state.load(std::memory_order_acquire)) {
      case TaskState::Runnable: ++c.runnable; break;
      case TaskState::Running: ++c.running; break;
      case TaskState::Parked: ++c.parked; break;
      default: break;
    }
  });
  return c;
}
}  // namespace

}  // namespace ccb::detail

namespace ccb::debug {

std::string dump_tasks() {
  const detail::Census c = detail::census();
  std::ostringstream out;
  out << "live tasks: " << c.live() << " (" << c.running << " running, " << c.runnable
      << " runnable, " << c.parked << " blocked)\n";
  out << detail::SchedulerAccess::blocked_tasks();
  return out.str();
}

uint64_t live_tasks() {
  if (detail::Runtime* rt = detail::current_runtime()) {
    int64_t n = rt->live_tasks();
    return n > 0 ? static_cast<uint64_t>(n) : 0;
  }
  return detail::census().live();
}

void set_chaos(bool enabled, uint64_t seed) { detail::chaos::set_override(enabled, seed); }
void clear_chaos() { detail::chaos::clear_override(); }

ChaosState chaos_state() {
  const detail::chaos::State s = detail::chaos::state();
  ChaosState r;
  r.enabled = s.enabled;
  r.seed = s.seed;
  r.points = s.points;
  r.yields = s.yields;
  r.delays = s.delays;
  r.steals = s.steals;
  return r;
}

}  // namespace ccb::debug
