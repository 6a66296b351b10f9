// harness/runner.hpp — runs benchmark points and turns their repetitions into results entries.
//
// Two orders (RunSettings::shuffle):
//  - sequential (--shuffle=off): per point, every requested implementation the workload has gets
//    an ImplRunner; all are started (warm-ups run there), then repetition r of every implementation
//    runs before repetition r+1 of any (A B C A B C …, through GbenchEngine), then all are finished.
//  - shuffled (--shuffle=on): points are taken in windows of RunSettings::window consecutive points
//    (default kShuffleWindow = 8; the last window may be shorter). All runners of a window are
//    started in point order (warm-ups run there; a Go child per (point, go) stays alive for the
//    window), then every (point, implementation) repetition of the window runs in one seeded random
//    order — a Fisher–Yates shuffle of the multiset {slot x repetitions}, drawn from std::mt19937_64
//    seeded with RunSettings::seed and advanced window after window (shuffled_order()), so slow
//    drift spreads over the window's points and implementations instead of biasing one. Then the
//    window's runners are finished. Same seed, points and implementations -> same order.
//    W = 8 bounds the live Go children (one per point and window) and keeps every repetition of a
//    point within ~W points' time of each other. A window also ends before a point whose
//    Workload::resident_hint would take the window's summed hints over
//    RunSettings::window_memory_bytes (window_end(); a point over the budget alone is a window of
//    its own): a full run's eight spawn n=1000000 points held 8 Go children of 2.6 GB each and
//    the kernel's OOM killer ended the run. A point of a Workload::own_window workload is a
//    window of its own (its run would undo the warm-ups of the points beside it). The cut depends
//    only on the points and the budget, so the same seed, points, implementations and budget give
//    the same order.
// Guarantees (both orders):
//  - a WorkloadFailed or NotApplicable ends that implementation's point (status "failed" /
//    "not_applicable", error = the message, no numbers); its remaining repetitions are skipped;
//    the other implementations and points go on;
//  - warm-up repetitions are never in samples_ns, nor in the merged latency histogram;
//  - samples_ns is in run order; outliers (Tukey, stats.hpp) are counted, never removed;
//  - latency: the histograms of a point's measured repetitions are merged (LatencyHistogram::merge)
//    into Entry::latency; a point where only some repetitions reported one gets a note;
//  - repetition length: one repetition is R runs of the workload (ImplRunner::run_rep() R times;
//    ops, elapsed and CPU time summed, latency merged, `extra` from its first run), so that short
//    points are measured over at least RunSettings::min_time_s without changing their size (n is
//    never changed, so names stay stable). R is fixed per (point, implementation) by its first
//    measured repetition, which runs until its measured time reaches kSizingMargin x min_time_s
//    (R <= kMaxRunsPerRep),
//    and recorded as Entry::runs_per_repetition. --min-time 0 gives R = 1 (one run per repetition);
//  - disturbance: each measured repetition (not the warm-ups) runs between begin() and end() of
//    its slot's DisturbanceMeter, and an ok entry gets the meter's result, with a note when other
//    processes took common::kDisturbedOtherCpus or more (cpu_accounting.hpp);
//  - a note is added to an entry whose shortest repetition stayed under min_time_s because R hit
//    its cap, or lasted under half of it (R was chosen by a much slower first repetition); a later
//    repetition a little under min_time_s is normal (R is fixed) and gets no note;
//  - entries come in point order, implementations in RunSettings::impls order; an implementation
//    the workload lacks produces no entry (the caller announces the skip); on_point_done() is
//    called in point order once the point's window is done.
// Stopping: with RunSettings::stop, a stop request (a signal to `ccbench run`, run_interrupts.hpp)
// is seen after the workload run in progress and ends run_points() with RunInterrupted: the
// points of finished windows are kept, the window in progress is dropped whole.
// Errors: any other exception (e.g. a harness bug) propagates and aborts the run.
#pragma once

#include <atomic>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/impl_runner.hpp"
#include "harness/matrix.hpp"
#include "harness/results.hpp"

namespace ccb::harness {

struct RunSettings {
  std::vector<std::string> impls;  // each has a backend in the Backends passed to run_points()
  int repetitions = 5;
  int warmup = 1;
  double min_time_s = 0.05;
  bool shuffle = false;  // see the header comment
  uint64_t seed = 0;     // shuffle seed
  int window = 8;        // points per shuffle window (>= 1)
  double window_memory_bytes = 0;  // budget for a window's summed resident hints; 0 = none
  // stop, when set, is checked after every run of a workload, warm-ups included: once it is
  // nonzero (a signal number, run_interrupts.hpp) run_points() throws RunInterrupted.
  const std::atomic<int>* stop = nullptr;
};

// RunInterrupted: run_points() stopped because *RunSettings::stop became nonzero. The window in
// progress is dropped whole (its runners finished, its Go children killed, none of its points
// reported to the observer); `entries` are those of the points finished before it, as run_points()
// would have returned them, and `points_done` counts those points. `dropped_failures` are the
// failed entries of the dropped window, for the caller to name (no numbers in them): a run
// that failed after the stop (a Go child killed kStopGrace after it) or before it (a shuffle
// window's other point), which would otherwise go unsaid.
class RunInterrupted : public std::runtime_error {
 public:
  RunInterrupted(int signal, size_t points_done, std::vector<Entry> entries, std::vector<Entry> dropped_failures)
      : std::runtime_error("run interrupted"),
        signal(signal),
        points_done(points_done),
        entries(std::move(entries)),
        dropped_failures(std::move(dropped_failures)) {}
  int signal;
  size_t points_done;
  std::vector<Entry> entries;
  std::vector<Entry> dropped_failures;
};

inline constexpr int kShuffleWindow = 8;
// kMaxRunsPerRep bounds R (see the header comment), and so the wall time of a repetition: each run
// also pays its set-up outside the measured time (a runtime start, its worker threads). Timers
// startstop, the shortest default point, measures ~80 us per run but takes ~0.9 ms of wall time at
// procs 8 (`run timers --set mode=startstop --procs 8 --min-time 0.5`: 2 repetitions of 1000
// runs, 0.08 s measured each, 1.8 s for the command). 1000 runs fill the quick preset's 50 ms; in
// the full preset that point's repetitions stay short (noted), where 10000 would take ~7 s each.
inline constexpr int kMaxRunsPerRep = 1000;
// kSizingMargin: the first repetition sizes R to 1.2 x min_time_s, so that later repetitions, which
// may be faster, still last min_time_s (quick run, skynet procs 2: first repetition 53 ms with R=1,
// later ones 46 ms without the margin).
inline constexpr double kSizingMargin = 1.2;

// window_end() returns one past the last point of the shuffle window that starts at `first`
// (see the header comment): at most settings.window points (1 when shuffle is off), and no more
// than fit in settings.window_memory_bytes by their resident hints, but always at least one.
size_t window_end(const std::vector<Point>& points, size_t first, const RunSettings& settings);

// ShuffleRng: the seeded generator of shuffled_order(), advanced across windows.
class ShuffleRng {
 public:
  explicit ShuffleRng(uint64_t seed) : gen_(seed) {}
  // below() returns a uniform draw in [0, n) (Lemire's unbiased method over mt19937_64, whose
  // output the C++ standard fixes, so the sequence is the same with every standard library).
  // Requires n > 0.
  uint64_t below(uint64_t n);

 private:
  std::mt19937_64 gen_;
};

// shuffled_order() returns slot indices: slot i appears reps[i] times, in the order drawn by a
// Fisher–Yates shuffle with `rng`.
std::vector<size_t> shuffled_order(const std::vector<int>& reps, ShuffleRng& rng);

// RunObserver: progress callbacks, all on the calling thread.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  // on_step() is called after each warm-up batch or repetition of one implementation;
  // `units` is how many measured repetitions that step covered (0 for warm-ups: a warm-up is one
  // run of the workload, far shorter than a repetition, so it does not count toward the ETA).
  virtual void on_step(const Point& p, const std::string& impl, int units) {
    (void)p, (void)impl, (void)units;
  }
  // on_skipped() is called when `units` repetitions of one implementation will not run: it
  // failed, or proved (or was known to be) not applicable, before them. They take no time, so
  // the progress display drops them from its total instead of counting them as done.
  virtual void on_skipped(const Point& p, const std::string& impl, int units) {
    (void)p, (void)impl, (void)units;
  }
  // on_point_done() is called with the point's entries once all its implementations finished.
  virtual void on_point_done(const Point& p, const std::vector<Entry>& entries) {
    (void)p, (void)entries;
  }
};

// impls_for() returns the implementations of `settings.impls` that `backends` support for `p`.
std::vector<std::string> impls_for(const Point& p, const RunSettings& settings, Backends& backends);

// run_points() runs every point and returns all entries. Throws RunInterrupted (see above).
std::vector<Entry> run_points(const std::vector<Point>& points, const RunSettings& settings,
                              Backends& backends, RunObserver& observer);

}  // namespace ccb::harness
