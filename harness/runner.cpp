// harness/runner.cpp — see runner.hpp.
#include "harness/runner.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "harness/gbench_engine.hpp"

namespace ccb::harness {

namespace {

using ccb::workloads::NotApplicable;
using ccb::workloads::ParamType;
using ccb::workloads::WorkloadFailed;

// Slot: one implementation's state during a point.
struct Slot {
  std::string impl;
  std::unique_ptr<ImplRunner> runner;
  bool active = false;  // started and not failed
  Entry entry;
  std::vector<RepRecord> reps;  // successful repetitions, in run order
};

std::string fmt_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g s", s);
  return buf;
}

Entry make_entry(const Point& p, const std::string& impl) {
  Entry e;
  e.name = p.name(impl);
  e.base_name = p.base_name;
  e.workload = p.workload->name;
  e.procs = p.procs;
  e.impl = impl;
  e.unit = p.workload->unit;
  for (const auto& [k, v] : p.params) {
    bool is_int = true;
    for (const auto& spec : p.workload->params)
      if (spec.name == k) is_int = spec.type == ParamType::Int;
    e.params.push_back({k, v, is_int});
  }
  return e;
}

void mark(Slot& s, EntryStatus status, const std::string& error, const std::string& when) {
  s.active = false;
  s.entry.status = status;
  s.entry.error = error.empty() ? "(no message)" : error;
  s.entry.notes.push_back((status == EntryStatus::Failed ? "failed " : "not applicable ") + when);
}

// summarise() fills the numbers of an entry whose repetitions all passed.
void summarise(Slot& s, const PointUsage& usage, const RunSettings& settings) {
  Entry& e = s.entry;
  e.max_rss_kb = usage.max_rss_kb;
  long vol = 0, invol = 0;
  for (const auto& r : s.reps) vol += r.ctx_voluntary, invol += r.ctx_involuntary;
  e.ctx_voluntary = usage.ctx_voluntary.value_or(vol);
  e.ctx_involuntary = usage.ctx_involuntary.value_or(invol);
  for (const auto& n : usage.notes) e.notes.push_back(n);
  if (e.status != EntryStatus::Ok) return;

  e.checked = true;
  e.iterations = static_cast<uint64_t>(s.reps.front().ops);
  std::vector<double> cpu;
  double shortest = s.reps.front().elapsed_ns;
  bool ops_vary = false;
  std::map<std::string, std::vector<double>> extra;
  for (const auto& r : s.reps) {
    e.samples_ns.push_back(r.elapsed_ns / r.ops);
    cpu.push_back(r.cpu_ns / r.ops);
    shortest = std::min(shortest, r.elapsed_ns);
    ops_vary |= r.ops != s.reps.front().ops;
    for (const auto& [k, v] : r.extra) extra[k].push_back(v);
  }
  e.stats = summarize(e.samples_ns);
  if (s.runner->cpu_is_this_process()) {
    e.cpu_ns_per_op = median(cpu);
  } else if (usage.cpu_ns_total && usage.cpu_ops_total && *usage.cpu_ops_total > 0) {
    e.cpu_ns_per_op = *usage.cpu_ns_total / *usage.cpu_ops_total;
  } else {
    e.notes.push_back("cpu_time unavailable for this implementation");
  }
  for (auto& [k, values] : extra) {
    std::vector<double> finite;
    for (double v : values)
      if (std::isfinite(v)) finite.push_back(v);
    e.extra[k] = median(finite);
    if (!e.extra[k]) e.notes.push_back("extra." + k + " is null: the workload reported no finite value");
  }
  if (ops_vary) e.notes.push_back("ops per repetition varied; iterations is the first repetition's");
  e.below_min_time = shortest < settings.min_time_s * 1e9;
  if (e.below_min_time)
    e.notes.push_back("shortest repetition took " + fmt_seconds(shortest * 1e-9) + ", under --min-time " +
                      fmt_seconds(settings.min_time_s) + ": timings may be noisy; raise the size with --set");
}

}  // namespace

std::vector<std::string> impls_for(const Point& p, const RunSettings& settings, Backends& backends) {
  std::vector<std::string> out;
  for (const auto& impl : settings.impls) {
    auto it = backends.find(impl);
    if (it != backends.end() && it->second->supports(*p.workload)) out.push_back(impl);
  }
  return out;
}

std::vector<Entry> run_points(const std::vector<Point>& points, const RunSettings& settings,
                              Backends& backends, RunObserver& observer) {
  GbenchEngine engine;
  std::vector<Entry> all;
  for (const Point& p : points) {
    std::vector<Slot> slots;
    for (const auto& impl : impls_for(p, settings, backends)) {
      Slot s;
      s.impl = impl;
      s.runner = backends.at(impl)->make_runner(p);
      s.entry = make_entry(p, impl);
      slots.push_back(std::move(s));
    }
    for (Slot& s : slots) {
      try {
        s.runner->start(settings.warmup);
        s.active = true;
      } catch (const WorkloadFailed& e) {
        mark(s, EntryStatus::Failed, e.what(), "during start-up or warm-up");
      } catch (const NotApplicable& e) {
        mark(s, EntryStatus::NotApplicable, e.what(), "during start-up or warm-up");
      }
      // a slot that did not start skips its repetitions: count them as done for the progress line
      observer.on_step(p, s.impl, settings.warmup + (s.active ? 0 : settings.repetitions));
    }
    std::vector<std::pair<std::string, ImplRunner*>> registered;
    for (Slot& s : slots)
      if (s.active) registered.emplace_back(s.impl, s.runner.get());
    engine.begin_point(p, registered);
    for (int rep = 0; rep < settings.repetitions; ++rep) {
      for (Slot& s : slots) {
        if (!s.active) continue;
        RepRecord r = engine.run_rep(s.impl);
        const std::string when = "at repetition " + std::to_string(rep + 1) + " of " +
                                 std::to_string(settings.repetitions);
        int skipped = 0;
        if (r.status == RepRecord::Status::Ok) {
          s.reps.push_back(std::move(r));
        } else {
          mark(s, r.status == RepRecord::Status::Failed ? EntryStatus::Failed : EntryStatus::NotApplicable,
               r.error, when);
          skipped = settings.repetitions - rep - 1;
        }
        observer.on_step(p, s.impl, 1 + skipped);
      }
    }
    engine.end_point();
    std::vector<Entry> entries;
    for (Slot& s : slots) {
      summarise(s, s.runner->finish(), settings);
      if (s.entry.status != EntryStatus::Ok) s.entry.samples_ns.clear();
      entries.push_back(std::move(s.entry));
    }
    observer.on_point_done(p, entries);
    all.insert(all.end(), entries.begin(), entries.end());
  }
  return all;
}

}  // namespace ccb::harness
