// harness/results_json.cpp — see results_json.hpp.
#include "harness/results_json.hpp"

#include <algorithm>
#include <cmath>

#include "common/json_text.hpp"

namespace ccb::harness {

namespace {

using ojson = nlohmann::ordered_json;

// number() returns `v` as a JSON number, or null with a note naming `field` when it is absent or
// not finite.
ojson number(std::optional<double> v, const std::string& field, std::vector<std::string>& notes,
             bool note_absent) {
  if (v && std::isfinite(*v)) return *v;
  if (v) notes.push_back(field + " is null: the value was not finite");
  else if (note_absent) notes.push_back(field + " is null: not computed");
  return nullptr;
}

// finite_or_null() returns `v`, or null plus a "not_finite" warning naming `field`.
ojson finite_or_null(double v, const std::string& field, std::vector<EnvWarning>& warnings) {
  if (std::isfinite(v)) return v;
  warnings.push_back({"not_finite", std::string("context.") + field + " is null: the value was not finite"});
  return nullptr;
}

ojson context_json(const RunInfo& info) {
  std::vector<EnvWarning> warnings = info.warnings;
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
  c["invocation"] = {{"argv", m.argv},
                     {"executable_size", m.executable_size ? ojson(*m.executable_size) : ojson(nullptr)},
                     {"executable_mtime_ns", m.executable_mtime_ns ? ojson(*m.executable_mtime_ns) : ojson(nullptr)}};
  c["num_cpus"] = m.num_cpus;
  c["memory_bytes"] = m.memory_bytes ? ojson(*m.memory_bytes) : ojson(nullptr);
  c["mhz_per_cpu"] = finite_or_null(m.mhz_per_cpu, "mhz_per_cpu", warnings);
  c["cpu_model"] = m.cpu_model;
  c["caches"] = caches;
  c["load_avg"] = ojson::array();
  for (int i = 0; i < 3; ++i)
    c["load_avg"].push_back(finite_or_null(m.load_avg[static_cast<size_t>(i)],
                                           "load_avg[" + std::to_string(i) + "]", warnings));
  c["kernel"] = m.kernel;
  c["cpu_governor"] = m.cpu_governor ? ojson(*m.cpu_governor) : ojson(nullptr);
  c["library_build_type"] = b.build_type == "Debug" ? "debug" : "release";
  c["build_type"] = b.build_type;
  c["compiler"] = b.compiler;
  c["compiler_flags"] = b.compiler_flags;
  c["sanitizer"] = b.sanitizer;
  c["go_version"] = info.go_version ? ojson(*info.go_version) : ojson(nullptr);
  c["go_binary"] = info.go_binary ? ojson{{"path", info.go_binary->path},
                                           {"size", info.go_binary->size},
                                           {"mtime_ns", info.go_binary->mtime_ns},
                                           {"fnv1a64", info.go_binary_fnv1a64 ? ojson(*info.go_binary_fnv1a64)
                                                                              : ojson(nullptr)}}
                                    : ojson(nullptr);
  c["preset"] = info.preset ? ojson(*info.preset) : ojson(nullptr);
  c["repetitions"] = info.repetitions;
  c["warmup"] = info.warmup;
  c["min_time_s"] = info.min_time_s;
  ojson pin;
  pin["requested"] = info.pin.requested;
  pin["effective"] = info.pin.effective;
  pin["cpus"] = info.pin.cpus;
  pin["impls"] = ojson::object();
  for (const auto& [impl, what] : info.pin.impls) pin["impls"][impl] = what;
  pin["failures"] = info.pin.failures;
  c["pin"] = pin;
  // seed_text: the seed as a string too, since readers that hold JSON numbers as doubles (jq <= 1.6,
  // JavaScript) round integers above 2^53
  c["shuffle"] = {{"enabled", info.shuffle.enabled}, {"seed", info.shuffle.seed},
                  {"seed_text", std::to_string(info.shuffle.seed)}, {"window", info.shuffle.window},
                  {"window_memory_bytes", info.shuffle.window_memory_bytes}};
  if (info.inject) {
    ojson inj;
    inj["delay_ns_per_op"] = finite_or_null(info.inject->ns_per_op, "injection.delay_ns_per_op", warnings);
    inj["slowdown"] = finite_or_null(info.inject->slowdown, "injection.slowdown", warnings);
    inj["workload"] = info.inject->workload ? ojson(*info.inject->workload) : ojson(nullptr);
    inj["impl"] = "ccbench";
    c["injection"] = inj;
  } else {
    c["injection"] = nullptr;
  }
  if (info.chaos) {
    ojson ch;
    ch["seed"] = info.chaos->seed ? ojson(*info.chaos->seed) : ojson(nullptr);
    ch["impl"] = "ccbench";
    c["chaos"] = ch;
  } else {
    c["chaos"] = nullptr;
  }
  if (info.interrupted) {
    c["interrupted"] = {{"signal", info.interrupted->signal},
                        {"points_done", info.interrupted->points_done},
                        {"points_planned", info.interrupted->points_planned}};
  } else {
    c["interrupted"] = nullptr;
  }
  c["resumed"] = info.resumed ? ojson{{"file", info.resumed->file}, {"date", info.resumed->date},
                                      {"points", info.resumed->points}}
                              : ojson(nullptr);
  ojson texts = ojson::array(), coded = ojson::array();
  for (const auto& w : warnings) {
    texts.push_back(w.message);
    coded.push_back({{"code", w.code}, {"message", w.message}});
  }
  c["warnings"] = texts;
  c["environment_warnings"] = coded;
  return c;
}

ojson entry_json(const Entry& e) {
  std::vector<std::string> notes = e.notes;
  const std::optional<Summary>& s = e.stats;
  // An ok entry must carry numbers (schema): one whose statistics are not finite is written as
  // failed, with the reason, rather than as ok with nulls.
  const bool finite_stats = s && std::isfinite(s->median) && std::isfinite(s->mean) && std::isfinite(s->stddev) &&
                            std::isfinite(s->min) && std::isfinite(s->max);
  const bool ok = e.status == EntryStatus::Ok && finite_stats;
  const EntryStatus status = e.status == EntryStatus::Ok && !finite_stats ? EntryStatus::Failed : e.status;
  const std::string error = e.status == EntryStatus::Ok && !finite_stats
                                ? "the statistics of this point are not finite (a repetition reported a "
                                  "non-finite time)"
                                : e.error;
  auto stat = [&](double Summary::*field) -> std::optional<double> {
    return s ? std::optional<double>((*s).*field) : std::nullopt;
  };
  ojson params = ojson::object();
  for (const auto& p : e.params) {
    if (p.is_int) params[p.name] = std::stoll(p.value);
    else params[p.name] = p.value;
  }
  ojson samples = ojson::array();
  for (size_t i = 0; i < e.samples_ns.size(); ++i) {
    if (std::isfinite(e.samples_ns[i])) samples.push_back(e.samples_ns[i]);
    else notes.push_back("samples_ns: repetition " + std::to_string(i + 1) + " left out: its value was not finite");
  }

  ojson j;
  j["name"] = e.name;
  j["run_name"] = e.name;
  j["run_type"] = "iteration";
  j["iterations"] = e.iterations;
  j["repetitions"] = samples.size();
  if (ok && e.runs_per_repetition > 0) j["runs_per_repetition"] = e.runs_per_repetition;
  j["real_time"] = number(stat(&Summary::median), "real_time", notes, ok);
  j["cpu_time"] = number(e.cpu_ns_per_op, "cpu_time", notes, ok);
  j["time_unit"] = "ns";
  j["workload"] = e.workload;
  j["params"] = params;
  j["procs"] = e.procs;
  j["impl"] = e.impl;
  j["unit"] = e.unit;
  j["status"] = status_name(status);
  if (!ok) j["error"] = error;
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
  j["ops_per_sec"] = number(ok ? e.ops_per_sec() : std::nullopt, "ops_per_sec", quiet, false);
  j["cpu_ns_per_op"] = number(e.cpu_ns_per_op, "cpu_ns_per_op", quiet, false);
  const auto count = [](const std::optional<long>& v) { return v ? ojson(*v) : ojson(nullptr); };
  j["ctx_switches_voluntary"] = count(e.ctx_voluntary);
  j["ctx_switches_involuntary"] = count(e.ctx_involuntary);
  j["max_rss_kb"] = count(e.max_rss_kb);
  if (const auto& d = e.disturbance;
      ok && d && std::isfinite(d->other_cpus) && std::isfinite(d->steal_cpus) && std::isfinite(d->wall_s))
    j["disturbance"] = {{"other_cpus", d->other_cpus}, {"steal_cpus", d->steal_cpus}, {"wall_s", d->wall_s}};
  if (e.outliers) {
    const Outliers& o = *e.outliers;
    ojson out;
    out["method"] = "tukey";
    out["q1_ns"] = number(o.q1, "outliers.q1_ns", notes, false);
    out["q3_ns"] = number(o.q3, "outliers.q3_ns", notes, false);
    out["low_mild"] = o.low_mild;
    out["low_extreme"] = o.low_extreme;
    out["high_mild"] = o.high_mild;
    out["high_extreme"] = o.high_extreme;
    j["outliers"] = out;
  }
  if (e.latency) {
    const LatencySummary& l = *e.latency;
    ojson lat;
    lat["count"] = l.count;
    lat["mean_ns"] = number(l.mean, "latency.mean_ns", notes, false);
    lat["min_ns"] = l.min;
    lat["p50_ns"] = l.p50;
    lat["p90_ns"] = l.p90;
    lat["p99_ns"] = l.p99;
    lat["p99_9_ns"] = l.p99_9;
    lat["max_ns"] = l.max;
    lat["sample_every"] = number(l.sample_every, "latency.sample_every", notes, false);
    lat["overhead_pct"] = number(l.overhead_pct, "latency.overhead_pct", notes, false);
    lat["repetitions"] = l.repetitions;
    j["latency"] = lat;
  }
  ojson extra = ojson::object();
  for (const auto& [k, v] : e.extra) extra[k] = number(v, ("extra." + k).c_str(), notes, false);
  j["extra"] = extra;
  // The notes derived above (a null field's reason) are added once: an entry read back from a
  // results file (--resume) carries them already, and writing it again gives the same object
  // (resume.hpp). A field's reason is known by its "X is null: " subject (a re-read null
  // cpu_time would otherwise add "not computed" beside "the value was not finite").
  const auto subject = [](const std::string& n) {
    const size_t at = n.find(" is null: ");
    return at == std::string::npos ? n : n.substr(0, at);
  };
  std::vector<std::string> written(e.notes);
  for (size_t i = e.notes.size(); i < notes.size(); ++i)
    if (std::none_of(written.begin(), written.end(), [&](const std::string& w) { return subject(w) == subject(notes[i]); }))
      written.push_back(notes[i]);
  j["notes"] = written;
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
  // argv (context.invocation) holds the --out path and every other argument as given: any bytes
  return common::json_text(results_to_json(info, entries));
}

}  // namespace ccb::harness
