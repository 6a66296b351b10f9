// harness/runner.hpp — runs benchmark points and turns their repetitions into results entries.
//
// Per point: every requested implementation the workload has gets an ImplRunner; all are started
// (warm-ups run there), then repetition r of every implementation runs before repetition r+1 of
// any (A B C A B C …, through GbenchEngine), then all are finished and summarised.
// Guarantees:
//  - a WorkloadFailed or NotApplicable ends that implementation's point (status "failed" /
//    "not_applicable", error = the message, no numbers); the other implementations and points go on;
//  - warm-up repetitions are never in samples_ns;
//  - a repetition shorter than RunSettings::min_time_s adds a note to its entry (n is never changed);
//  - entries come in point order, implementations in RunSettings::impls order; an implementation
//    the workload lacks produces no entry (the caller announces the skip).
// Errors: any other exception (e.g. a harness bug) propagates and aborts the run.
#pragma once

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
};

// RunObserver: progress callbacks, all on the calling thread.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  // on_step() is called after each warm-up batch or repetition of one implementation;
  // `units` is how many repetitions (warm-ups included) that step covered.
  virtual void on_step(const Point& p, const std::string& impl, int units) {
    (void)p, (void)impl, (void)units;
  }
  // on_point_done() is called with the point's entries once all its implementations finished.
  virtual void on_point_done(const Point& p, const std::vector<Entry>& entries) {
    (void)p, (void)entries;
  }
};

// impls_for() returns the implementations of `settings.impls` that `backends` support for `p`.
std::vector<std::string> impls_for(const Point& p, const RunSettings& settings, Backends& backends);

// run_points() runs every point and returns all entries.
std::vector<Entry> run_points(const std::vector<Point>& points, const RunSettings& settings,
                              Backends& backends, RunObserver& observer);

}  // namespace ccb::harness
