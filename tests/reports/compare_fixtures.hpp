// tests/reports/compare_fixtures.hpp — inputs shared by the compare tests (compare_test.cpp,
// compare_failed_test.cpp): with_status() rewrites a checked-in fixture with some points failed or
// not applicable, synthetic_pair() builds two in-memory results of n "ok" points.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "cli_helper.hpp"
#include "reports/results_loader.hpp"

namespace ccb::reports::test_compare {

using test::data;

// with_status() writes fixture `fixture` to DIR/`out` with the named points' status replaced
// (as `ccbench run` writes them: "failed" keeps its samples and gains an error; "not_applicable" has
// no samples and null statistics) and returns the path.
inline std::string with_status(const std::string& dir, const std::string& out, const std::string& fixture,
                        const std::map<std::string, std::string>& status) {
  std::ifstream in(data(fixture));
  nlohmann::json j = nlohmann::json::parse(in);
  std::size_t changed = 0;
  for (auto& b : j["benchmarks"]) {
    const auto it = status.find(b["name"].get<std::string>());
    if (it == status.end()) continue;
    ++changed;
    b["status"] = it->second;
    b["checked"] = false;
    if (it->second == "failed") {
      b["error"] = "self-check failed: counter 41 != 42";
    } else if (it->second == "not_applicable") {
      b["error"] = "threads: the OS refused a thread";
      b["samples_ns"] = nlohmann::json::array();
      b["repetitions"] = 0;
      for (const char* k : {"real_time", "cpu_time", "median_ns", "mean_ns", "stddev_ns", "min_ns", "max_ns", "cv",
                            "ops_per_sec", "cpu_ns_per_op"})
        b[k] = nullptr;
      b.erase("outliers");
      b.erase("latency");
    }
  }
  EXPECT_EQ(changed, status.size()) << "a point name is not in " << fixture;
  const std::string path = dir + "/" + out;
  std::ofstream(path) << j.dump(1);
  return path;
}

inline const std::string kPingpong = "pingpong/cap=0/n=200000/procs:1/impl:ccbench";
inline const std::string kCounterGo = "counter/mode=channel/tasks=5/k=200000/procs:2/impl:go";

// synthetic_pair() is base and next files of n points "w/i=K/procs:1/impl:ccbench", status "ok"
// in both; base's samples are `samples`, next's the same unless `next_samples` is given.
inline std::pair<Results, Results> synthetic_pair(int n, const std::vector<double>& samples,
                                           const std::vector<double>& next_samples = {}) {
  Results base, next;
  base.file = "b.json";
  next.file = "n.json";
  for (int i = 0; i < n; ++i) {
    Point p;
    p.name = "w/i=" + std::to_string(i) + "/procs:1/impl:ccbench";
    p.status = "ok";
    p.samples_ns = samples;
    base.benchmarks.push_back(p);
    if (!next_samples.empty()) p.samples_ns = next_samples;
    next.benchmarks.push_back(p);
  }
  return {base, next};
}

}  // namespace ccb::reports::test_compare
