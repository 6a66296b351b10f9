// workloads/threads/latency_sampling.hpp — per-operation latency sampling shared by the `ccbench`
// and `threads` implementations of the latency-shaped workloads (pingpong, select, context,
// timers); mirrors workloads/go/latency.go. It sits in threads/ for the reason checks.hpp does.
//
// Sampling: a recorder (one per task, so no lock) times one op in every K — K a power of two per
// workload (kEvery* below), chosen so that a clock-read pair plus LatencyHistogram::record() costs
// well under 5% of K ops at today's speeds. due() is a counter increment and a mask test on every op.
// Overhead: record_cost_ns() calibrates, once per process, the cost of one sample (two steady_clock
// reads and a record()) as the median of 7 batches of 4096; attach() reports
// latency_overhead_pct = samples × cost / elapsed × 100 — an upper bound for recorders that read
// the clock once per sample (context).
// Concurrency: a Sampler belongs to one task/thread while it records; merge after joining.
// record_cost_ns() is thread-safe (a function-local static).
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <utility>

#include "workloads/latency_histogram.hpp"
#include "workloads/registry.hpp"

namespace ccb::workloads::latency {

// Sampling periods (one op in every K), the same in the Go reference (workloads/go/latency.go).
inline constexpr uint32_t kEveryPingpong = 64;   // a round trip: ~0.1–10 µs
inline constexpr uint32_t kEverySelect = 32;     // one consumer select call: ~0.1–5 µs
inline constexpr uint32_t kEveryContext = 8;     // one waiter (one clock read per sample)
inline constexpr uint32_t kEveryStartStop = 64;  // timers startstop: ~50–500 ns
inline constexpr uint32_t kEverySleep = 1;       // timers sleep: >= 20 µs

inline uint64_t now_ns() noexcept {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

// record_cost_ns() is the calibrated cost of one sample in ns (see the file comment).
inline double record_cost_ns() {
  static const double cost = [] {
    LatencyHistogram scratch;
    constexpr int kBatch = 4096;
    std::array<double, 7> per{};
    for (double& c : per) {
      const uint64_t t0 = now_ns();
      for (int i = 0; i < kBatch; ++i) {
        const uint64_t s = now_ns();
        scratch.record(now_ns() - s);
      }
      c = static_cast<double>(now_ns() - t0) / kBatch;
    }
    std::nth_element(per.begin(), per.begin() + 3, per.end());
    return per[3];
  }();
  return cost;
}

// Sampler: one recorder's period counter and histogram.
class Sampler {
 public:
  explicit Sampler(uint32_t every) : mask_(every - 1) {}
  bool due() noexcept { return (n_++ & mask_) == 0; }
  void record(uint64_t ns) noexcept { hist_.record(ns); }
  LatencyHistogram& histogram() noexcept { return hist_; }

 private:
  uint64_t mask_;
  uint64_t n_ = 0;
  LatencyHistogram hist_;
};

// attach() stores h as r's latency with the sampling period and the overhead estimate.
inline void attach(RunResult& r, LatencyHistogram h, uint32_t every) {
  const double cost = record_cost_ns();
  r.extra["latency_sample_every"] = every;
  r.extra["latency_overhead_pct"] =
      r.elapsed_ns > 0 ? static_cast<double>(h.count()) * cost / r.elapsed_ns * 100.0 : 0.0;
  r.latency = std::move(h);
}

}  // namespace ccb::workloads::latency
