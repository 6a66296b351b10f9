// harness/dry_run.hpp — what `ccbench run --dry-run` prints: the points and implementations a run
// would measure, their count and the least time the measured runs take. Writes only to `out`.
#pragma once

#include <ostream>
#include <vector>

#include "harness/impl_runner.hpp"
#include "harness/matrix.hpp"
#include "harness/runner.hpp"

namespace ccb::harness {

// print_dry_run() lists what `run --dry-run` would measure: one line per point with its
// implementations, and the reason of each one known not to apply (Workload::threads_needed, which
// the run records as not applicable without running it); then the totals and the least time the
// measured runs take, leaving those out (every repetition is sized to last at least --min-time,
// unless 1000 runs of the workload cannot fill it: README, "Presets"; warm-ups, set-up and
// workload runs longer than that add to it).
void print_dry_run(std::ostream& out, const std::vector<Point>& points, const RunSettings& settings,
                   Backends& backends);

}  // namespace ccb::harness
