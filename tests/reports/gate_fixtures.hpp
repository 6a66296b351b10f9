// tests/reports/gate_fixtures.hpp — synthetic results for the gate tests (gate_quality_test.cpp,
// calibrate_test.cpp): make() builds a Results of "ok" points from (name, samples) pairs, around()
// n samples spread 1% around a centre, kA and kB two point names.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "reports/results_loader.hpp"

namespace ccb::reports::test_gate {

inline Results make(const std::string& file, const std::vector<std::pair<std::string, std::vector<double>>>& points) {
  Results r;
  r.file = file;
  r.context.host_name = "h";
  for (const auto& [name, samples] : points) {
    Point p;
    p.index = r.benchmarks.size();
    p.name = name;
    p.status = "ok";
    p.samples_ns = samples;
    p.repetitions = static_cast<std::int64_t>(samples.size());
    r.benchmarks.push_back(p);
  }
  return r;
}

inline std::vector<double> around(double center, int n, double spread = 0.01) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(center * (1 + spread * (i - n / 2) / n));
  return v;
}

inline const std::string kA = "w/n=1/procs:1/impl:ccbench";
inline const std::string kB = "w/n=2/procs:1/impl:ccbench";

}  // namespace ccb::reports::test_gate
