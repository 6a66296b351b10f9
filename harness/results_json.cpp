// harness/results_json.cpp — see results_json.hpp.
#include "harness/results_json.hpp"

#include <cmath>

namespace ccb::harness {

namespace {

using ojson = nlohmann::ordered_json;

// number() returns `v` as a JSON number, or null with a note naming `field` when it is absent or
// not finite.
ojson number(std::optional<double> v, const char* field, std::vector<std::string>& notes,
             bool note_absent) {
  if (v && std::isfinite(*v)) return *v;
  if (v) notes.push_back(std::string(field) + " is null: the value was not finite");
  else if (note_absent) notes.push_back(std::string(field) + " is null: not computed");
  return nullptr;
}

ojson context_json(const RunInfo& info) {
  const MachineContext& m = info.machine;
  const BuildInfo& b = info.build;
  ojson caches = ojson::array();
  for (const auto& c : m.caches)
    caches.push_back({{"type", c.type}, {"level", c.level}, {"size", c.size}, {"num_sharing", c.num_sharing}});
  ojson c;
  c["schema_version"] = kSchemaVersion;
  c["ccbench_version"] = b.version;
  c["git_commit"] = b.git_commit;
  c["date"] = m.date;
  c["host_name"] = m.host_name;
  c["executable"] = m.executable;
  c["command_line"] = m.command_line;
  c["num_cpus"] = m.num_cpus;
  c["mhz_per_cpu"] = std::isfinite(m.mhz_per_cpu) ? m.mhz_per_cpu : 0.0;
  c["cpu_model"] = m.cpu_model;
  c["caches"] = caches;
  c["load_avg"] = {m.load_avg[0], m.load_avg[1], m.load_avg[2]};
  c["kernel"] = m.kernel;
  c["cpu_governor"] = m.cpu_governor ? ojson(*m.cpu_governor) : ojson(nullptr);
  c["library_build_type"] = b.build_type == "Debug" ? "debug" : "release";
  c["build_type"] = b.build_type;
  c["compiler"] = b.compiler;
  c["compiler_flags"] = b.compiler_flags;
  c["sanitizer"] = b.sanitizer;
  c["go_version"] = info.go_version ? ojson(*info.go_version) : ojson(nullptr);
  c["preset"] = info.preset ? ojson(*info.preset) : ojson(nullptr);
  c["repetitions"] = info.repetitions;
  c["warmup"] = info.warmup;
  c["warnings"] = info.warnings;
  return c;
}

ojson entry_json(const Entry& e) {
  std::vector<std::string> notes = e.notes;
  const bool ok = e.status == EntryStatus::Ok;
  const std::optional<Summary>& s = e.stats;
  auto stat = [&](double Summary::*field) -> std::optional<double> {
    return s ? std::optional<double>((*s).*field) : std::nullopt;
  };
  ojson params = ojson::object();
  for (const auto& p : e.params) {
    if (p.is_int) params[p.name] = std::stoll(p.value);
    else params[p.name] = p.value;
  }
  ojson samples = ojson::array();
  for (double x : e.samples_ns) samples.push_back(std::isfinite(x) ? ojson(x) : ojson(nullptr));

  ojson j;
  j["name"] = e.name;
  j["run_name"] = e.name;
  j["run_type"] = "iteration";
  j["iterations"] = e.iterations;
  j["repetitions"] = e.samples_ns.size();
  j["real_time"] = number(stat(&Summary::median), "real_time", notes, ok);
  j["cpu_time"] = number(e.cpu_ns_per_op, "cpu_time", notes, ok);
  j["time_unit"] = "ns";
  j["workload"] = e.workload;
  j["params"] = params;
  j["procs"] = e.procs;
  j["impl"] = e.impl;
  j["unit"] = e.unit;
  j["status"] = status_name(e.status);
  if (!ok) j["error"] = e.error;
  j["checked"] = ok && e.checked;
  j["samples_ns"] = samples;
  std::vector<std::string> quiet;  // the fields below repeat real_time's reason; note once
  j["median_ns"] = number(stat(&Summary::median), "median_ns", quiet, false);
  j["mean_ns"] = number(stat(&Summary::mean), "mean_ns", notes, false);
  j["stddev_ns"] = number(stat(&Summary::stddev), "stddev_ns", notes, false);
  j["min_ns"] = number(stat(&Summary::min), "min_ns", notes, false);
  j["max_ns"] = number(stat(&Summary::max), "max_ns", notes, false);
  j["cv"] = s ? number(s->cv, "cv", notes, false) : ojson(nullptr);
  if (s && !s->cv) notes.push_back("cv is null: one sample, or a mean of 0");
  j["ops_per_sec"] = number(e.ops_per_sec(), "ops_per_sec", quiet, false);
  j["cpu_ns_per_op"] = number(e.cpu_ns_per_op, "cpu_ns_per_op", quiet, false);
  j["ctx_switches_voluntary"] = e.ctx_voluntary;
  j["ctx_switches_involuntary"] = e.ctx_involuntary;
  j["max_rss_kb"] = e.max_rss_kb;
  ojson extra = ojson::object();
  for (const auto& [k, v] : e.extra) extra[k] = number(v, ("extra." + k).c_str(), quiet, false);
  j["extra"] = extra;
  j["notes"] = notes;
  return j;
}

}  // namespace

nlohmann::ordered_json results_to_json(const RunInfo& info, const std::vector<Entry>& entries) {
  ojson doc;
  doc["context"] = context_json(info);
  doc["benchmarks"] = ojson::array();
  for (const auto& e : entries) doc["benchmarks"].push_back(entry_json(e));
  return doc;
}

std::string results_json_text(const RunInfo& info, const std::vector<Entry>& entries) {
  return results_to_json(info, entries).dump(2) + "\n";
}

}  // namespace ccb::harness
