// common/sample_bounds.hpp — the values a sample (ns per op) of a results file may take
// (reports/SCHEMA.md): 0, or a number from kMinSampleNs to kMaxSampleNs. `run` fails a point whose
// repetition measures anything else, and the readers (compare, report) reject a file holding one,
// so `run` never writes a file its own readers refuse.
// Below 1e-6 ns (a million ops per ns) or above 1e15 ns (11.6 days per op) a sample is no
// measurement, and ratios of such medians leave the doubles' range (a subnormal 5e-324 ns made
// every ratio 0 or Inf).
#pragma once

#include <cmath>

namespace ccb::common {

inline constexpr double kMinSampleNs = 1e-6;
inline constexpr double kMaxSampleNs = 1e15;

// sample_in_range() is true for 0 and for a number from kMinSampleNs to kMaxSampleNs.
inline bool sample_in_range(double ns) { return ns == 0 || (ns >= kMinSampleNs && ns <= kMaxSampleNs); }

}  // namespace ccb::common
