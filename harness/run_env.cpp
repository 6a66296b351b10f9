// harness/run_env.cpp — see run_env.hpp.
#include "harness/run_env.hpp"

#include <cmath>
#include <cstdlib>
#include <string>

#include "harness/errors.hpp"
#include "harness/list_syntax.hpp"
#include "harness/progress.hpp"
#include "harness/run_command.hpp"
#include "workloads/registry.hpp"

namespace ccb::harness {

// inject_from_env() reads the CCB_INJECT_DELAY_NS / CCB_INJECT_SLOWDOWN test hooks (see
// run_command.hpp); setting both is a UsageError (one deliberate change at a time), and so is
// CCB_INJECT_WORKLOAD without either (it would silently inject nothing).
std::optional<InjectDelay> inject_from_env() {
  const char* delay = std::getenv("CCB_INJECT_DELAY_NS");
  const char* slow = std::getenv("CCB_INJECT_SLOWDOWN");
  const bool has_delay = delay != nullptr && *delay != '\0';
  const bool has_slow = slow != nullptr && *slow != '\0';
  if (!has_delay && !has_slow) {
    // alone it would limit nothing to one workload: a forgotten DELAY/SLOWDOWN, or a leftover
    if (const char* w = std::getenv("CCB_INJECT_WORKLOAD"); w != nullptr && *w != '\0')
      throw UsageError(std::string("CCB_INJECT_WORKLOAD=") + w +
                       " is set without CCB_INJECT_DELAY_NS or CCB_INJECT_SLOWDOWN: it only limits one of "
                       "them to a workload (set one, or unset it)");
    return std::nullopt;
  }
  if (has_delay && has_slow) throw UsageError("CCB_INJECT_DELAY_NS and CCB_INJECT_SLOWDOWN are both set: use one");
  InjectDelay d;
  if (has_delay) {
    char* end = nullptr;
    const double ns = std::strtod(delay, &end);
    if (end == delay || *end != '\0' || !std::isfinite(ns) || ns < 0 || ns > 1e9)
      throw UsageError(std::string("CCB_INJECT_DELAY_NS: expected a number of ns per op from 0 to 1e9, got '") +
                       delay + "'");
    d.ns_per_op = ns;
  } else {
    // "10%" or "0.1"; 0..1000%
    std::string text(slow);
    const bool pct = !text.empty() && text.back() == '%';
    if (pct) text.pop_back();
    char* end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    if (pct) v /= 100;
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) || v < 0 || v > 10)
      throw UsageError(std::string("CCB_INJECT_SLOWDOWN: expected a slowdown such as 10% or 0.1, 0 to 1000%, got '") +
                       slow + "'");
    d.slowdown = v;
    d.is_slowdown = true;
  }
  if (const char* w = std::getenv("CCB_INJECT_WORKLOAD"); w != nullptr && *w != '\0') {
    if (ccb::workloads::find_workload(w) == nullptr)
      throw UsageError(std::string("CCB_INJECT_WORKLOAD: unknown workload '") + w + "' (see `ccbench list`)");
    d.workload = w;
  }
  return d;
}

// progress_interval_from_env() is the heartbeat interval of the plain progress lines:
// CCB_PROGRESS_INTERVAL=SECONDS (0..3600, e.g. 0 or 0.5) when set, else kHeartbeatSeconds. It only
// paces the lines (printed between repetitions, outside the timed runs): nothing measured changes.
double progress_interval_from_env() {
  const char* v = std::getenv("CCB_PROGRESS_INTERVAL");
  if (v == nullptr || *v == '\0') return kHeartbeatSeconds;
  return parse_seconds(v, "CCB_PROGRESS_INTERVAL", 3600);
}

// run_timeout_from_env() is the hang watchdog's limit on one run of an in-process workload
// (hang_watch.hpp): CCB_RUN_TIMEOUT=SECONDS (0.001 to 86400, or 0: no limit; the watch then only
// bounds a run still going after a stop signal, kStopGrace)
// when set, else kDefaultRunTimeoutSeconds (as CCB_GO_TIMEOUT's default for a Go child's reply).
double run_timeout_from_env() {
  const char* v = std::getenv("CCB_RUN_TIMEOUT");
  if (v == nullptr || *v == '\0') return kDefaultRunTimeoutSeconds;
  const double s = parse_seconds(v, "CCB_RUN_TIMEOUT", 86400);
  // A limit under a millisecond is no limit a run could meet (below a nanosecond it would even
  // read as 0 ns): refused, not taken as "every run hangs".
  if (s > 0 && s < 0.001)
    throw UsageError(std::string("CCB_RUN_TIMEOUT: '") + v + "' is under a millisecond; give 0.001 to 86400 seconds, or 0 to turn the watchdog off");
  return s;
}

}  // namespace ccb::harness
