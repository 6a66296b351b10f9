// harness/resume.cpp — see resume.hpp.
#include "harness/resume.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>

#include "common/visible_text.hpp"
#include "harness/errors.hpp"
#include "harness/list_syntax.hpp"
#include "harness/stats.hpp"

namespace ccb::harness {

namespace {

using json = nlohmann::json;

std::optional<double> number_or_null(const json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return j.at(key).get<double>();
}

EntryStatus status_of(const std::string& s) {
  if (s == "ok") return EntryStatus::Ok;
  if (s == "failed") return EntryStatus::Failed;
  if (s == "not_applicable") return EntryStatus::NotApplicable;
  throw std::invalid_argument("status \"" + s + "\" is none of ok, failed, not_applicable");
}

// The note runner.cpp writes with below_min_time (the flag itself is not in the JSON).
constexpr std::string_view kShortNote = "shortest repetition took ";

}  // namespace

Entry entry_from_json(const json& j) {
  Entry e;
  e.name = j.at("name").get<std::string>();
  e.workload = j.at("workload").get<std::string>();
  e.impl = j.at("impl").get<std::string>();
  const std::string suffix = "/impl:" + e.impl;
  if (e.name.size() <= suffix.size() || e.name.compare(e.name.size() - suffix.size(), suffix.size(), suffix) != 0)
    throw std::invalid_argument("name \"" + e.name + "\" does not end in " + suffix);
  e.base_name = e.name.substr(0, e.name.size() - suffix.size());
  for (const auto& [k, v] : j.at("params").items()) {
    if (v.is_number_integer()) e.params.push_back({k, std::to_string(v.get<long long>()), true});
    else e.params.push_back({k, v.get<std::string>(), false});
  }
  // procs as a wider integer first: get<int>() would wrap 10^12 to a negative count
  const long long procs = j.at("procs").get<long long>();
  if (procs < 1 || procs > std::numeric_limits<int>::max())
    throw std::invalid_argument("procs " + std::to_string(procs) + " is out of range");
  e.procs = static_cast<int>(procs);
  e.unit = j.at("unit").get<std::string>();
  e.status = status_of(j.at("status").get<std::string>());
  if (e.status != EntryStatus::Ok) e.error = j.at("error").get<std::string>();
  e.checked = j.at("checked").get<bool>();
  e.iterations = j.at("iterations").get<uint64_t>();
  e.runs_per_repetition = j.value("runs_per_repetition", 0);
  e.samples_ns = j.at("samples_ns").get<std::vector<double>>();
  e.stats = summarize(e.samples_ns);
  e.outliers = tukey_outliers(e.samples_ns);
  e.cpu_ns_per_op = number_or_null(j, "cpu_ns_per_op");
  const auto count = [&](const char* key) {
    return j.at(key).is_null() ? std::nullopt : std::optional<long>(j.at(key).get<long>());
  };
  e.ctx_voluntary = count("ctx_switches_voluntary");
  e.ctx_involuntary = count("ctx_switches_involuntary");
  e.max_rss_kb = count("max_rss_kb");
  if (j.contains("disturbance")) {
    const json& d = j.at("disturbance");
    e.disturbance = Disturbance{d.at("other_cpus").get<double>(), d.at("steal_cpus").get<double>(),
                                d.at("wall_s").get<double>()};
  }
  if (j.contains("latency")) {
    const json& l = j.at("latency");
    LatencySummary s;
    s.count = l.at("count").get<uint64_t>();
    s.mean = l.at("mean_ns").get<double>();
    s.min = l.at("min_ns").get<uint64_t>();
    s.p50 = l.at("p50_ns").get<uint64_t>();
    s.p90 = l.at("p90_ns").get<uint64_t>();
    s.p99 = l.at("p99_ns").get<uint64_t>();
    s.p99_9 = l.at("p99_9_ns").get<uint64_t>();
    s.max = l.at("max_ns").get<uint64_t>();
    s.sample_every = number_or_null(l, "sample_every");
    s.overhead_pct = number_or_null(l, "overhead_pct");
    s.repetitions = l.at("repetitions").get<int>();
    e.latency = s;
  }
  for (const auto& [k, v] : j.at("extra").items())
    e.extra[k] = v.is_null() ? std::nullopt : std::optional<double>(v.get<double>());
  e.notes = j.at("notes").get<std::vector<std::string>>();
  for (const auto& n : e.notes) e.below_min_time |= n.rfind(kShortNote, 0) == 0;
  return e;
}

namespace {

// differs() throws the UsageError that names one setting FILE was measured with otherwise.
[[noreturn]] void differs(const std::string& file, const std::string& what) {
  throw UsageError("--resume " + file + ": " + what +
                   "; its points cannot be mixed with this run's (run without --resume, or with the same settings)");
}

// text_of() is a JSON value as a message shows it: a string without quotes, 0.5 not 0.5000.
std::string text_of(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) {
    std::ostringstream out;
    out << v.get<double>();
    return out.str();
  }
  return v.dump();
}

// go_env_text() names the Go runtime settings that `warnings` record as set (go_env): "GOGC=off,
// GODEBUG=x", or "Go's defaults".
std::string go_env_text(const std::vector<EnvWarning>& warnings) {
  std::vector<std::string> set;
  for (const EnvWarning& w : warnings)
    if (w.code == "go_env") set.push_back(w.message.substr(0, w.message.find(" is set")));
  if (set.empty()) return "Go's defaults";
  std::sort(set.begin(), set.end());
  return join(set, ", ");
}

// warnings_of() reads context.environment_warnings.
std::vector<EnvWarning> warnings_of(const json& coded) {
  std::vector<EnvWarning> out;
  for (const json& w : coded) out.push_back({w.at("code").get<std::string>(), w.at("message").get<std::string>()});
  return out;
}

// mismatch() says how entry `e`, found under point `p`'s name, does not describe a measurement of
// that point as this run would make it (a file merged from two runs, an edited one), or "" when it
// does: its workload, procs and parameters are the point's, and an ok entry has one finite sample
// > 0 per repetition (session 51's CLI review: a merged file's entry of 6 samples was taken into
// a run of 3 repetitions, and samples of -1 or none were printed as results).
std::string mismatch(const Entry& e, const Point& p, const RunInfo& info) {
  if (e.workload != p.workload->name) return "its workload is \"" + e.workload + "\"";
  if (e.procs != p.procs) return "its procs is " + std::to_string(e.procs);
  std::map<std::string, std::string> theirs, mine(p.params.begin(), p.params.end());
  for (const EntryParam& q : e.params) theirs[q.name] = q.value;
  if (theirs != mine) {
    std::vector<std::string> shown;
    for (const auto& [k, v] : theirs) shown.push_back(k + "=" + v);
    return "its params are {" + join(shown, " ") + "}";
  }
  for (const EntryParam& q : e.params)  // a number for an Int parameter, a string for a Choice
    for (const auto& spec : p.workload->params)
      if (spec.name == q.name && (spec.type == ccb::workloads::ParamType::Int) != q.is_int)
        return "its param " + q.name + " is a JSON " + (q.is_int ? "number" : "string");
  if (e.status != EntryStatus::Ok) return "";
  if (e.samples_ns.size() != static_cast<size_t>(info.repetitions))
    return "it has " + std::to_string(e.samples_ns.size()) + " samples for " + std::to_string(info.repetitions) +
           " repetitions";
  for (double v : e.samples_ns)
    if (!std::isfinite(v) || v <= 0) return "it has a sample of " + text_of(json(v)) + " ns";
  return "";
}

}  // namespace

Resumed load_resume(const std::string& file, const RunInfo& info, const std::vector<Point>& points,
                    const std::function<std::vector<std::string>(const Point&)>& impls_of) {
  // Only a regular file: a directory threw from the read (exit 3, "internal error"), /dev/zero
  // was read until memory ran out and a FIFO without a writer blocked for ever (session 51's review).
  if (file.empty()) throw UsageError("--resume: empty file name");  // it said "--resume : cannot be read"
  std::error_code ec;
  const std::filesystem::file_status st = std::filesystem::status(file, ec);
  if (!ec && std::filesystem::exists(st) && !std::filesystem::is_regular_file(st))
    throw UsageError("--resume " + file + ": not a regular file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw UsageError("--resume " + file + ": cannot be read");
  std::string text;
  try {
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::exception& ex) {
    throw UsageError("--resume " + file + ": cannot be read (" + ex.what() + ")");
  }
  if (in.bad()) throw UsageError("--resume " + file + ": cannot be read");
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // a UTF-8 byte order mark
  json doc;
  try {
    doc = json::parse(text);
  } catch (const std::exception& ex) {
    throw UsageError("--resume " + file + ": not JSON (" + ex.what() + ")");
  }
  Resumed out;
  out.file = file;
  std::map<std::string, std::map<std::string, Entry>> ok;  // base_name -> impl -> finished entry
  try {
    const json& c = doc.at("context");
    if (c.at("schema_version") != kSchemaVersion)
      throw UsageError("--resume " + file + ": schema_version " + text_of(c.at("schema_version")) + ", not " +
                       std::to_string(kSchemaVersion));
    if (!c.contains("invocation") || c.at("invocation").at("argv").size() < 2 ||
        c.at("invocation").at("argv").at(1) != "run")
      throw UsageError("--resume " + file + ": not written by `ccbench run` (no context.invocation of a run)");
    out.date = c.at("date").get<std::string>();
    const MachineContext& m = info.machine;
    if (c.at("host_name") != m.host_name)
      differs(file, "it was measured on host \"" + text_of(c.at("host_name")) + "\", not this one");
    const json& inv = c.at("invocation");
    const auto same_number = [](const json& v, const std::optional<long long>& mine) {
      return mine && v.is_number_integer() && v.get<long long>() == *mine;
    };
    if (c.at("executable") != m.executable || !same_number(inv.at("executable_size"), m.executable_size) ||
        !same_number(inv.at("executable_mtime_ns"), m.executable_mtime_ns))
      differs(file, "it was measured by another ccbench binary (" + text_of(c.at("executable")) + ", size " +
                        text_of(inv.at("executable_size")) + ", modified at " + text_of(inv.at("executable_mtime_ns")) +
                        " ns), not this one");
    const auto setting = [&](const char* key, const json& mine, const std::string& option) {
      if (c.at(key) != mine)
        differs(file, "it was measured with " + option + " " + text_of(c.at(key)) + ", this run has " + text_of(mine));
    };
    setting("preset", info.preset ? json(*info.preset) : json(nullptr), "--preset");
    setting("repetitions", info.repetitions, "--repetitions");
    setting("warmup", info.warmup, "--warmup");
    setting("min_time_s", info.min_time_s, "--min-time");
    if (c.at("pin").at("requested") != info.pin.requested)
      differs(file, std::string("it was measured with --pin ") + (info.pin.requested ? "off" : "on") +
                        ", this run has --pin " + (info.pin.requested ? "on" : "off"));
    // Workers pinned to other CPUs (a taskset or cpuset since): the numbers would mix two
    // settings as much as another --repetitions would (session 49's review: taskset -c 0 then
    // none gave pin.cpus [0,1] and dropped the oversubscribed warning of the entries run on CPU 0).
    const json& pin = c.at("pin");
    if (pin.at("effective").get<bool>() && info.pin.effective && pin.at("cpus") != json(info.pin.cpus))
      differs(file, "its workers were pinned to CPUs " + pin.at("cpus").dump() + ", this run's are " +
                        json(info.pin.cpus).dump() + " (another taskset or cpuset)");
    if (!c.at("injection").is_null() || !c.at("chaos").is_null())
      differs(file, "it was measured under a test hook (context.injection or context.chaos): its numbers are not real");
    if (info.inject || info.chaos)
      differs(file, "this run has a test hook (CCB_INJECT_* or CCB_CHAOS) set");
    std::map<std::string, const Point*> in_matrix;
    std::set<std::string> outside, seen;
    for (const Point& p : points) in_matrix.emplace(p.base_name, &p);
    for (const json& b : doc.at("benchmarks")) {
      Entry e = entry_from_json(b);
      const auto point = in_matrix.find(e.base_name);
      if (point == in_matrix.end()) {
        outside.insert(e.base_name);
        continue;
      }
      const std::string shown = "entry \"" + common::visible_text(e.name) + "\"";
      if (!seen.insert(e.name).second)
        throw UsageError("--resume " + file + ": " + shown + " appears twice (a merged or edited file?)");
      if (const std::string why = mismatch(e, *point->second, info); !why.empty())
        throw UsageError("--resume " + file + ": " + shown + " is not a measurement of its point by this run's " +
                         "settings: " + common::visible_text(why));
      // Not applicable is a finished verdict too (threads at 1M tasks, say): a point whose threads
      // entry says so is reused like one measured ok, not measured again on every resume.
      if (e.status != EntryStatus::Failed) ok[e.base_name].emplace(e.impl, std::move(e));
    }
    out.outside = outside.size();
    bool go_reused = false;
    for (const Point& p : points) {
      const auto found = ok.find(p.base_name);
      if (found == ok.end()) continue;
      std::vector<Entry> entries;
      for (const std::string& impl : impls_of(p)) {
        const auto it = found->second.find(impl);
        if (it == found->second.end()) break;
        entries.push_back(it->second);
      }
      if (entries.empty() || entries.size() != impls_of(p).size()) {
        ++out.partial;
        continue;
      }
      for (const Entry& e : entries) go_reused |= e.impl == "go";
      out.points.emplace(p.base_name, std::move(entries));
    }
    if (go_reused) {  // null (not recorded, unreadable) only matches null
      const json& g = c.at("go_binary");
      const json theirs = g.is_null() ? json(nullptr) : g.at("fnv1a64");
      const json mine = info.go_binary_fnv1a64 ? json(*info.go_binary_fnv1a64) : json(nullptr);
      if (theirs != mine)
        differs(file, "its Go points ran another ccbench-go build (fnv1a64 " + text_of(theirs) + ", this run's " +
                          text_of(mine) + ")");
      // GOGC, GOMEMLIMIT or GODEBUG set for one run and not the other (the go_env warnings)
      const std::string their_env = go_env_text(warnings_of(c.at("environment_warnings")));
      const std::string my_env = go_env_text(info.warnings);
      if (their_env != my_env)
        differs(file, "its Go points ran with " + their_env + ", this run's Go child with " + my_env);
    }
  } catch (const UsageError&) {
    throw;
  } catch (const std::exception& ex) {
    throw UsageError("--resume " + file + ": not a results file of `ccbench run` (" + ex.what() + ")");
  }
  return out;
}

std::string resume_note(const Resumed& r, size_t points, size_t to_measure) {
  std::string note = "--resume: " + std::to_string(r.points.size()) + " of " + std::to_string(points) +
                     " points taken from " + r.file + " (its run started " + r.date + "), " +
                     std::to_string(to_measure) + " to measure";
  if (r.partial)
    note += " (" + std::to_string(r.partial) +
            " of them held there for only some implementations: measured again whole)";
  if (r.outside)
    note += "; " + std::to_string(r.outside) + " point(s) of " + r.file +
            " are not in this run's matrix and are left out";
  return note;
}

std::vector<Entry> in_matrix_order(const std::vector<Point>& points, std::map<std::string, std::vector<Entry>> reused,
                                   std::vector<Entry> measured) {
  std::map<std::string, std::vector<Entry>> by_point = std::move(reused);
  for (Entry& e : measured) by_point[e.base_name].push_back(std::move(e));
  std::vector<Entry> out;
  for (const Point& p : points)
    if (auto it = by_point.find(p.base_name); it != by_point.end())
      for (Entry& e : it->second) out.push_back(std::move(e));
  return out;
}

}  // namespace ccb::harness
