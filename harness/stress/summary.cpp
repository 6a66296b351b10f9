// harness/stress/summary.cpp — see summary.hpp.
#include "harness/stress/summary.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

#include "common/json_text.hpp"
#include "harness/atomic_file.hpp"

namespace ccb::stress {

namespace {
std::string mib(uint64_t kib) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(kib) / 1024.0);
  return buf;
}
}  // namespace

void print_header(std::ostream& out) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%-9s %5s %8s %13s %12s %13s %10s %10s %10s  %s\n", "scenario", "procs",
                "seconds", "ops", "ops/s", "checks", "rss0_MiB", "rss1_MiB", "peak_MiB", "result");
  out << buf;
}

void print_result_line(std::ostream& out, const RunResult& r) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%-9s %5d %8.2f %13llu %12.0f %13llu %10s %10s %10s  %s\n", r.scenario.c_str(),
                r.procs, r.seconds, static_cast<unsigned long long>(r.ops), r.ops_per_second(),
                static_cast<unsigned long long>(r.checks), mib(r.rss_start_kib).c_str(), mib(r.rss_end_kib).c_str(),
                mib(r.peak_rss_kib).c_str(), r.passed ? "passed" : "FAILED");
  out << buf;
  out.flush();
}

std::string json_summary(const StressSettings& s, const std::vector<RunResult>& results) {
  nlohmann::json doc;
  doc["format"] = "ccbench-stress";
  doc["version"] = 1;
  doc["seed"] = s.seed;
  doc["seed_text"] = std::to_string(s.seed);  // exact for readers holding numbers as doubles (jq 1.6)
  doc["scenarios"] = s.scenarios;
  doc["duration_seconds"] = std::chrono::duration<double>(s.duration).count();
  doc["stall_limit_seconds"] = std::chrono::duration<double>(s.stall_limit).count();
  doc["tasks"] = s.tasks;
  doc["chaos"] = s.chaos || s.chaos_env;  // on through --chaos or CCB_CHAOS=1
  doc["procs"] = s.procs;
  bool passed = true;
  nlohmann::json runs = nlohmann::json::array();
  for (const RunResult& r : results) {
    nlohmann::json j;
    j["scenario"] = r.scenario;
    j["procs"] = r.procs;
    j["seed"] = r.seed;
    j["seed_text"] = std::to_string(r.seed);
    j["seconds"] = r.seconds;
    j["ops"] = r.ops;
    j["ops_per_second"] = r.ops_per_second();
    j["checks_passed"] = r.checks;
    j["rss_start_kib"] = r.rss_start_kib;
    j["rss_end_kib"] = r.rss_end_kib;
    j["peak_rss_kib"] = r.peak_rss_kib;
    j["chaos_yields"] = r.chaos_yields;
    j["passed"] = r.passed;
    if (!r.passed) j["failure"] = r.failure;
    passed = passed && r.passed;
    runs.push_back(std::move(j));
  }
  // The runs after a failure (or after the run in progress, in the provisional file) never ran.
  nlohmann::json not_run = nlohmann::json::array();
  std::size_t index = 0;
  for (const std::string& scenario : s.scenarios)
    for (int procs : s.procs)
      if (index++ >= results.size()) not_run.push_back({{"scenario", scenario}, {"procs", procs}});
  doc["passed"] = passed && not_run.empty();
  doc["runs"] = std::move(runs);
  doc["not_run"] = std::move(not_run);
  return common::json_text(doc);
}

void write_json(const StressSettings& s, const std::vector<RunResult>& results) {
  harness::write_file_atomically(*s.out, json_summary(s, results), "--out");
}

}  // namespace ccb::stress
