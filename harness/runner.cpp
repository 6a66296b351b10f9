// harness/runner.cpp — see runner.hpp.
#include "harness/runner.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <memory>
#include <new>
#include <system_error>

#include "common/disturbance.hpp"
#include "common/sample_bounds.hpp"
#include "harness/errors.hpp"
#include "harness/gbench_engine.hpp"

namespace ccb::harness {

namespace {

using ccb::workloads::NotApplicable;
using ccb::workloads::ParamType;
using ccb::workloads::WorkloadFailed;

// StopRequested: RunSettings::stop became nonzero; run_points() turns it into RunInterrupted.
struct StopRequested {};

bool stop_requested(const RunSettings& settings) {
  return settings.stop != nullptr && settings.stop->load(std::memory_order_acquire) != 0;
}

void check_stop(const RunSettings& settings) {
  if (stop_requested(settings)) throw StopRequested{};
}

// Slot: one implementation's state during a point.
struct Slot {
  std::string impl;
  std::unique_ptr<ImplRunner> runner;
  bool active = false;  // started and not failed
  Entry entry;
  std::vector<RepRecord> reps;  // successful repetitions, in run order
  int runs_per_rep = 0;         // workload runs per repetition; 0 until the first repetition sized it
  DisturbanceMeter disturbance;  // around each measured repetition (cpu_accounting.hpp)
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
  // The entry keeps the point's parameters, so that implementations line up by point; a capped
  // run says so (the audit found threads' counter k=1000000 run at k=20000 without a word).
  if (const std::string capped = p.capped_sizes(impl); !capped.empty())
    e.notes.push_back(impl + " runs this point at " + capped +
                      ", its capped sizes (workloads/CONTRACT.md); ns per op is over the ops it did");
  return e;
}

void mark(Slot& s, EntryStatus status, const std::string& error, const std::string& when) {
  s.active = false;
  s.entry.status = status;
  s.entry.error = error.empty() ? "(no message)" : error;
  // Not applicable: the reason is known and short (a workload's NotApplicable text, e.g. "needs
  // 25000 OS threads, more than the 20000 this implementation attempts"), and it is what the
  // table's note is read for; when it was found says nothing. (Before, the note read "not
  // applicable at repetition 1 of 1", and the reason was only on stderr, which --quiet drops:
  // session 48's CLI review.) A failure keeps its moment: its error can be long (a Go child's
  // output), and goes to stderr and the JSON.
  if (status == EntryStatus::Failed) s.entry.notes.push_back("failed " + when);
  else s.entry.notes.push_back("not applicable: " + s.entry.error);
}

// summarise_latency() merges the repetitions' latency histograms into e.latency.
void summarise_latency(const Slot& s, Entry& e) {
  std::optional<ccb::workloads::LatencyHistogram> merged;
  int with = 0;
  std::vector<double> every, overhead;
  for (const auto& r : s.reps) {
    if (!r.latency) continue;
    ++with;
    if (!merged) merged.emplace();
    merged->merge(*r.latency);
    if (auto it = r.extra.find("latency_sample_every"); it != r.extra.end() && std::isfinite(it->second))
      every.push_back(it->second);
    if (auto it = r.extra.find("latency_overhead_pct"); it != r.extra.end() && std::isfinite(it->second))
      overhead.push_back(it->second);
  }
  if (!merged) return;
  LatencySummary l = summarize_latency(*merged);
  l.repetitions = with;
  l.sample_every = median(every);
  l.overhead_pct = median(overhead);
  e.latency = l;
  if (with != static_cast<int>(s.reps.size()))
    e.notes.push_back("latency from " + std::to_string(with) + " of " + std::to_string(s.reps.size()) +
                      " repetitions (the others reported no histogram)");
}

// summarise() fills the numbers of an entry whose repetitions all passed.
void summarise(Slot& s, const PointUsage& usage, const RunSettings& settings) {
  Entry& e = s.entry;
  if (usage.failure && e.status == EntryStatus::Ok) mark(s, EntryStatus::Failed, *usage.failure, "when it ended");
  e.max_rss_kb = usage.max_rss_kb;
  long vol = 0, invol = 0;
  for (const auto& r : s.reps) vol += r.ctx_voluntary, invol += r.ctx_involuntary;
  e.ctx_voluntary = usage.ctx_voluntary.value_or(vol);
  e.ctx_involuntary = usage.ctx_involuntary.value_or(invol);
  // Not applicable: nothing was measured, and the process's high-water mark and 0 switches read
  // as if the point had run (helper-80).
  if (usage.usage_unknown || e.status == EntryStatus::NotApplicable)
    e.max_rss_kb = e.ctx_voluntary = e.ctx_involuntary = std::nullopt;
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
  e.runs_per_repetition = s.runs_per_rep;
  e.stats = summarize(e.samples_ns);
  e.outliers = tukey_outliers(e.samples_ns);
  summarise_latency(s, e);
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
  e.disturbance = s.disturbance.result();
  if (e.disturbed())
    e.notes.push_back("disturbed: other processes kept " + common::cpus_text(e.disturbance->other_cpus) +
                      " busy on average while this point was measured (from " +
                      common::cpus_text(common::kDisturbedOtherCpus) + " on, timings may be off); rerun it on a quieter machine");
  if (ops_vary) e.notes.push_back("ops per repetition varied; iterations is the first repetition's");
  const double min_ns = settings.min_time_s * 1e9;
  e.below_min_time = shortest < min_ns && (s.runs_per_rep >= kMaxRunsPerRep || shortest < 0.5 * min_ns);
  if (e.below_min_time)
    e.notes.push_back("shortest repetition took " + fmt_seconds(shortest * 1e-9) + ", under --min-time " +
                      fmt_seconds(settings.min_time_s) + " even with " + std::to_string(s.runs_per_rep) +
                      " runs per repetition: timings may be noisy; raise the size with --set");
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

uint64_t ShuffleRng::below(uint64_t n) {
  unsigned __int128 m = static_cast<unsigned __int128>(gen_()) * n;
  auto low = static_cast<uint64_t>(m);
  if (low < n) {
    const uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(gen_()) * n;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

std::vector<size_t> shuffled_order(const std::vector<int>& reps, ShuffleRng& rng) {
  std::vector<size_t> order;
  for (size_t i = 0; i < reps.size(); ++i)
    for (int r = 0; r < reps[i]; ++r) order.push_back(i);
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  return order;
}

namespace {

// start_slot() starts s's runner (its warm-ups), or marks s failed or not applicable.
void start_slot(Slot& s, const Point& p, const ccb::workloads::Params& params, const RunSettings& settings) {
  // Known before it runs (threads needing more than kMaxThreads OS threads): not started, so
  // that what `run --dry-run` lists as not applicable is what the run records.
  if (std::string why = ccb::workloads::known_not_applicable(*p.workload, s.impl, params); !why.empty()) {
    mark(s, EntryStatus::NotApplicable, why, "before start-up");
    return;
  }
  try {
    s.runner->start(settings.warmup);
    s.active = true;
  } catch (const WorkloadFailed& e) {
    mark(s, EntryStatus::Failed, e.what(), "during start-up or warm-up");
  } catch (const NotApplicable& e) {
    mark(s, EntryStatus::NotApplicable, e.what(), "during start-up or warm-up");
  } catch (const std::bad_alloc&) {
    mark(s, EntryStatus::Failed, out_of_memory_text(), "during start-up or warm-up");
  } catch (const std::system_error& e) {
    mark(s, EntryStatus::Failed, os_refused_text(e.what()), "during start-up or warm-up");
  }
}

void start_slots(const Point& p, std::vector<Slot>& slots, const RunSettings& settings, Backends& backends,
                 RunObserver& observer) {
  for (const auto& impl : impls_for(p, settings, backends)) {
    Slot s;
    s.impl = impl;
    s.runner = backends.at(impl)->make_runner(p);
    s.entry = make_entry(p, impl);
    slots.push_back(std::move(s));
  }
  const ccb::workloads::Params params = p.to_params();
  for (Slot& s : slots) {
    start_slot(s, p, params, settings);
    // Progress counts repetitions only: a warm-up is one run of the workload, a repetition runs it
    // until --min-time, so counting warm-ups as units made the ETA ~0 while the windows' warm-ups
    // (all started first) were "done". A slot that did not start skips its repetitions.
    if (s.active) observer.on_step(p, s.impl, 0);
    else observer.on_skipped(p, s.impl, settings.repetitions);
    check_stop(settings);
  }
}

// add_run() adds run `r` to repetition `acc`: ops, times and context switches add up, latency
// histograms merge, and `extra` keeps the values of the repetition's first run.
void add_run(RepRecord& acc, RepRecord&& r) {
  acc.ops += r.ops;
  acc.elapsed_ns += r.elapsed_ns;
  acc.cpu_ns += r.cpu_ns;
  acc.ctx_voluntary += r.ctx_voluntary;
  acc.ctx_involuntary += r.ctx_involuntary;
  if (acc.latency && r.latency) acc.latency->merge(*r.latency);
}

// run_repetition() runs one repetition of `s` (engine key `key`): s.runs_per_rep runs of the
// workload, or — the slot's first repetition — as many runs as it takes for their measured time
// to reach kSizingMargin x min_time_s (at most kMaxRunsPerRep), a count then fixed for its later
// repetitions.
// A failed or not-applicable run ends the repetition and is returned as it is.
RepRecord run_repetition(GbenchEngine& engine, Slot& s, const std::string& key, const RunSettings& settings) {
  const bool sizing = s.runs_per_rep == 0;
  const double target_ns = kSizingMargin * settings.min_time_s * 1e9;
  RepRecord acc;
  int runs = 0;
  s.runner->begin_repetition();
  for (;;) {
    RepRecord r = engine.run_rep(key);
    // even after a failed run: a signal may be why it failed (its window is dropped, and the
    // failure is named: RunInterrupted::dropped_failures)
    if (stop_requested(settings)) {  // one read of the flag: a failure is marked whenever the stop is seen
      if (r.status == RepRecord::Status::Failed) mark(s, EntryStatus::Failed, r.error, "after the stop");
      throw StopRequested{};
    }
    if (r.status != RepRecord::Status::Ok) return r;
    if (runs++ == 0) acc = std::move(r);
    else add_run(acc, std::move(r));
    if (sizing ? acc.elapsed_ns >= target_ns || runs >= kMaxRunsPerRep : runs >= s.runs_per_rep) break;
  }
  if (sizing) s.runs_per_rep = runs;
  return acc;
}

// run_one() runs the next repetition of `s` (whose engine key is `key`).
void run_one(GbenchEngine& engine, const Point& p, Slot& s, const std::string& key, const RunSettings& settings,
             RunObserver& observer) {
  s.disturbance.begin();
  RepRecord r = run_repetition(engine, s, key, settings);
  s.disturbance.end();
  const int rep = static_cast<int>(s.reps.size());
  const std::string when =
      "at repetition " + std::to_string(rep + 1) + " of " + std::to_string(settings.repetitions);
  int skipped = 0;
  if (r.status == RepRecord::Status::Ok && !common::sample_in_range(r.elapsed_ns / r.ops)) {
    // A Go child (or a broken clock) reporting an impossible time: no results file can hold it
    // (common/sample_bounds.hpp), and compare and report would reject the whole file.
    char buf[160];
    std::snprintf(buf, sizeof buf, "measured %.6g ns per op (%.6g ns for %.6g ops), outside 0 or %g to %g ns per op",
                  r.elapsed_ns / r.ops, r.elapsed_ns, r.ops, common::kMinSampleNs,
                  common::kMaxSampleNs);
    r.status = RepRecord::Status::Failed;
    r.error = buf;
  }
  if (r.status == RepRecord::Status::Ok) {
    s.reps.push_back(std::move(r));
  } else {
    mark(s, r.status == RepRecord::Status::Failed ? EntryStatus::Failed : EntryStatus::NotApplicable, r.error,
         when);
    skipped = settings.repetitions - rep - 1;
  }
  observer.on_step(p, s.impl, 1);
  if (skipped > 0) observer.on_skipped(p, s.impl, skipped);
}

std::vector<Entry> finish_slots(const Point& p, std::vector<Slot>& slots, const RunSettings& settings,
                                RunObserver& observer) {
  std::vector<Entry> entries;
  for (Slot& s : slots) {
    summarise(s, s.runner->finish(), settings);
    if (s.entry.status != EntryStatus::Ok) s.entry.samples_ns.clear();
    entries.push_back(std::move(s.entry));
  }
  observer.on_point_done(p, entries);
  return entries;
}

}  // namespace

size_t window_end(const std::vector<Point>& points, size_t first, const RunSettings& settings) {
  const size_t window = settings.shuffle ? static_cast<size_t>(std::max(settings.window, 1)) : 1;
  const size_t limit = std::min(points.size(), first + window);
  double held = 0;
  size_t last = first;
  if (points[first].workload != nullptr && points[first].workload->own_window) return first + 1;
  for (; last < limit; ++last) {
    const auto* w = points[last].workload;
    if (last > first && w != nullptr && w->own_window) break;
    const double hint = w != nullptr && w->resident_hint ? w->resident_hint(points[last].to_params()) : 0;
    if (last > first && settings.window_memory_bytes > 0 && held + hint > settings.window_memory_bytes) break;
    held += hint;
  }
  return last;  // > first whenever first < points.size(): the first point always fits
}

namespace {

// measure_window() starts the slots of points [first, first + slots.size()) (warm-ups run there)
// and runs all their repetitions, in shuffled or sequential order (see the header comment).
void measure_window(GbenchEngine& engine, const std::vector<Point>& points, size_t first,
                    std::vector<std::vector<Slot>>& slots, const RunSettings& settings, Backends& backends,
                    ShuffleRng& rng, RunObserver& observer) {
  for (size_t k = 0; k < slots.size(); ++k) start_slots(points[first + k], slots[k], settings, backends, observer);
  // flat list of (point, slot) with the engine key "<point index>/<impl>"
  std::vector<std::pair<size_t, size_t>> flat;
  engine.clear();
  for (size_t k = 0; k < slots.size(); ++k)
    for (size_t j = 0; j < slots[k].size(); ++j) {
      Slot& s = slots[k][j];
      flat.emplace_back(k, j);
      if (s.active) engine.add(std::to_string(k) + "/" + s.impl, points[first + k].name(s.impl), s.runner.get());
    }
  auto key = [&](size_t k, const Slot& s) { return std::to_string(k) + "/" + s.impl; };
  if (settings.shuffle) {
    std::vector<int> reps(flat.size(), settings.repetitions);
    for (size_t f : shuffled_order(reps, rng)) {
      auto [k, j] = flat[f];
      Slot& s = slots[k][j];
      if (s.active) run_one(engine, points[first + k], s, key(k, s), settings, observer);
    }
  } else {
    for (int rep = 0; rep < settings.repetitions; ++rep)
      for (auto [k, j] : flat) {
        Slot& s = slots[k][j];
        if (s.active) run_one(engine, points[first + k], s, key(k, s), settings, observer);
      }
  }
}

}  // namespace

std::vector<Entry> run_points(const std::vector<Point>& points, const RunSettings& settings,
                              Backends& backends, RunObserver& observer) {
  GbenchEngine engine;
  std::vector<Entry> all;
  ShuffleRng rng(settings.seed);
  for (size_t first = 0, last = 0; first < points.size(); first = last) {
    last = window_end(points, first, settings);
    std::vector<std::vector<Slot>> slots(last - first);
    try {
      check_stop(settings);
      measure_window(engine, points, first, slots, settings, backends, rng, observer);
    } catch (...) {
      engine.clear();
      // Asked to stop (or failed after a stop was asked, a signal may be the cause): the window in
      // progress is dropped whole; its runners go with `slots` (a Go child is killed and reaped).
      if (!stop_requested(settings)) throw;
      std::vector<Entry> failures;
      for (const auto& point_slots : slots)
        for (const Slot& s : point_slots)
          if (s.entry.status == EntryStatus::Failed) failures.push_back(s.entry);
      throw RunInterrupted(settings.stop->load(), first, std::move(all), std::move(failures));
    }
    engine.clear();
    for (size_t k = 0; k < slots.size(); ++k) {
      std::vector<Entry> entries = finish_slots(points[first + k], slots[k], settings, observer);
      all.insert(all.end(), std::make_move_iterator(entries.begin()), std::make_move_iterator(entries.end()));
    }
  }
  return all;
}

}  // namespace ccb::harness
