// harness/results.cpp — see results.hpp.
#include "harness/results.hpp"

namespace ccb::harness {

const char* status_name(EntryStatus s) {
  switch (s) {
    case EntryStatus::Ok: return "ok";
    case EntryStatus::Failed: return "failed";
    case EntryStatus::NotApplicable: return "not_applicable";
  }
  return "failed";
}

std::optional<double> Entry::ops_per_sec() const {
  if (!stats || !(stats->median > 0)) return std::nullopt;
  return 1e9 / stats->median;
}

std::string Entry::params_text() const {
  std::string out;
  for (const auto& p : params) {
    if (!out.empty()) out += ' ';
    out += p.name + "=" + p.value;
  }
  return out;
}

}  // namespace ccb::harness

namespace ccb::harness {

LatencySummary summarize_latency(const ccb::workloads::LatencyHistogram& h) {
  LatencySummary s;
  s.count = h.count();
  s.mean = h.mean();
  s.min = h.min();
  s.p50 = h.percentile(50);
  s.p90 = h.percentile(90);
  s.p99 = h.percentile(99);
  s.p99_9 = h.percentile(99.9);
  s.max = h.max();
  return s;
}

}  // namespace ccb::harness
