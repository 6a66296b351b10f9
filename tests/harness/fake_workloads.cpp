// tests/harness/fake_workloads.cpp — see fake_workloads.hpp.
#include "fake_workloads.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <new>
#include <stdexcept>

#include "workloads/registry.hpp"

namespace ccb::test {

namespace {

using ccb::workloads::NotApplicable;
using ccb::workloads::ParamSpec;
using ccb::workloads::ParamType;
using ccb::workloads::Params;
using ccb::workloads::RunResult;
using ccb::workloads::Workload;
using ccb::workloads::WorkloadFailed;

int& fail_second_calls() {
  static int n = 0;
  return n;
}

RunResult timed_sum(uint64_t count) {
  const auto t0 = std::chrono::steady_clock::now();
  volatile uint64_t sum = 0;
  for (uint64_t i = 0; i < count; ++i) sum = sum + i;
  const auto t1 = std::chrono::steady_clock::now();
  if (sum != count * (count - 1) / 2) throw WorkloadFailed("fake_sum: wrong sum");
  RunResult r;
  r.ops = count;
  r.elapsed_ns = std::max(1.0, static_cast<double>(std::chrono::nanoseconds(t1 - t0).count()));
  return r;
}

ccb::workloads::RunFn sum_impl(std::string name) {
  return [name](const Params& p, int) {
    call_log().push_back(name);
    return timed_sum(static_cast<uint64_t>(p.get_int("n") * p.get_int("k")));
  };
}

RunResult fail_impl(const Params& p, int) {
  call_log().push_back("ccbench");
  const std::string& mode = p.get("mode");
  if (mode == "fail") throw WorkloadFailed("fake_fail: sum mismatch (expected 45, got 44)");
  if (mode == "na") throw NotApplicable("fake_fail: cannot start that many threads here");
  if (mode == "crash") throw std::runtime_error("fake_fail: unexpected internal error");
  if (mode == "oom") throw std::bad_alloc();
  if (mode == "fail_second" && ++fail_second_calls() == 2)
    throw WorkloadFailed("fake_fail: second repetition lost a message");
  if (mode == "miscount") return timed_sum(static_cast<uint64_t>(p.get_int("n")) + 1);  // checked, but ops != n
  return timed_sum(static_cast<uint64_t>(p.get_int("n")));
}

Workload fake_sum() {
  Workload w;
  w.name = "fake_sum";
  w.description = "Sums 0..n*k-1 in a loop and checks the result";
  w.unit = "item";
  w.params = {ParamSpec{"n", ParamType::Int, "items per k", 1, 1000000, {}, {"2000"}, {"2000", "4000"}},
              ParamSpec{"k", ParamType::Int, "multiplier", 1, 4, {}, {"1", "2"}, {"1", "2", "4"}}};
  w.quick_procs = {1, 2};
  w.full_procs = {1, 2, 4};
  w.impls = {{"ccbench", sum_impl("ccbench")}, {"threads", sum_impl("threads")}};
  w.check_params = [](const Params& p) {
    const int64_t nk = p.get_int("n") * p.get_int("k");
    return nk <= 2000000 ? std::string() : "n*k=" + std::to_string(nk) + " must be at most 2000000";
  };
  w.ops = [](const Params& p) { return static_cast<uint64_t>(p.get_int("n") * p.get_int("k")); };
  return w;
}

Workload fake_fail() {
  Workload w;
  w.name = "fake_fail";
  w.description = "Fails, is not applicable or crashes on request";
  w.unit = "item";
  w.params = {ParamSpec{"mode", ParamType::Choice, "what to do", 0, 0,
                        {"ok", "fail", "na", "crash", "fail_second", "miscount", "oom"}, {"ok"}, {"ok"}},
              ParamSpec{"n", ParamType::Int, "items", 1, 100, {}, {"10"}, {"10"}}};
  w.quick_procs = {1};
  w.full_procs = {1};
  // threads caps n at 6, like the real workloads' threads_sizes; with mode=miscount it reports the
  // uncapped n, which the harness must catch.
  w.threads_sizes = [](const Params& p) { return p.with("n", std::min<int64_t>(p.get_int("n"), 6)); };
  w.impls = {{"ccbench", fail_impl}, {"threads", [sizes = w.threads_sizes](const Params& p, int) {
                call_log().push_back("threads");
                const int64_t n = p.get("mode") == "miscount" ? p.get_int("n") : sizes(p).get_int("n");
                return timed_sum(static_cast<uint64_t>(n));
              }}};
  w.ops = [](const Params& p) { return static_cast<uint64_t>(p.get_int("n")); };
  // threads "needs" 1000 OS threads per item: from n=21 it is not applicable, known ahead
  w.threads_needed = [](const Params& p) { return 1000 * p.get_int("n"); };
  return w;
}

Workload fake_extra() {
  Workload w;
  w.name = "fake_extra";
  w.description = "Reports extra metrics";
  w.unit = "task";
  w.quick_procs = {1};
  w.full_procs = {1};
  w.impls = {{"ccbench", [](const Params&, int) {
                call_log().push_back("ccbench");
                RunResult r = timed_sum(100);
                r.extra = {{"rss_per_task_bytes", 2800.0}, {"weird", std::nan("")}};
                return r;
              }}};
  return w;
}

Workload fake_latency() {
  Workload w;
  w.name = "fake_latency";
  w.description = "Records latencies 1..1000 ns into a histogram";
  w.unit = "op";
  w.quick_procs = {1};
  w.full_procs = {1};
  w.impls = {{"ccbench", [](const Params&, int) {
                call_log().push_back("ccbench");
                RunResult r = timed_sum(1000);
                r.latency.emplace();
                for (uint64_t v = 1; v <= 1000; ++v) r.latency->record(v);
                r.extra = {{"latency_sample_every", 4.0}, {"latency_overhead_pct", 1.5}};
                return r;
              }}};
  return w;
}

[[maybe_unused]] const bool kRegistered = ccb::workloads::register_workload(fake_sum()) &&
                                          ccb::workloads::register_workload(fake_fail()) &&
                                          ccb::workloads::register_workload(fake_extra()) &&
                                          ccb::workloads::register_workload(fake_latency());

}  // namespace

std::vector<std::string>& call_log() {
  static std::vector<std::string> log;
  return log;
}

void reset_fakes() {
  call_log().clear();
  fail_second_calls() = 0;
}

}  // namespace ccb::test
