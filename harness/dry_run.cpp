// harness/dry_run.cpp — see dry_run.hpp.
#include "harness/dry_run.hpp"

#include <cmath>
#include <cstdio>
#include <string>

#include "common/count_text.hpp"
#include "harness/list_syntax.hpp"
#include "harness/progress.hpp"

namespace ccb::harness {

namespace {

// lower_bound_text() renders a least time without rounding it up: tenths of a second below 10 s
// ("0.3s" for 0.35 s), whole seconds from there (format_duration rounds to the nearest second:
// a dry run of 0.35 s read "at least 0s", one of 2.8 s "at least 3s").
std::string lower_bound_text(double s) {
  if (s < 10) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1fs", std::floor(s * 10) / 10);
    return buf;
  }
  return format_duration(std::floor(s));
}

}  // namespace

void print_dry_run(std::ostream& out, const std::vector<Point>& points, const RunSettings& settings,
                   Backends& backends) {
  size_t pairs = 0, not_applicable = 0;
  for (const auto& p : points) {
    const ccb::workloads::Params params = p.to_params();
    std::vector<std::string> measured, reasons;
    for (const auto& impl : impls_for(p, settings, backends)) {
      if (std::string why = ccb::workloads::known_not_applicable(*p.workload, impl, params); !why.empty())
        reasons.push_back(std::move(why));
      else
        measured.push_back(impl);
    }
    pairs += measured.size();
    not_applicable += reasons.size();
    out << p.base_name << "  " << (measured.empty() ? "-" : join(measured, ","));
    for (const auto& why : reasons) out << "; not applicable: " << why;
    out << "\n";
  }
  const double least_s = static_cast<double>(pairs) * settings.repetitions * settings.min_time_s;
  out << common::count_text(points.size(), "point") << ", " << common::count_text(pairs, "point-implementation pair");
  if (not_applicable > 0) out << " (and " << not_applicable << " not applicable, recorded as such without running)";
  out << ", each " << settings.repetitions << " repetitions sized to fill --min-time " << settings.min_time_s
      << " s (and " << settings.warmup << " warm-up run(s)): at least " << lower_bound_text(least_s)
      << " of measuring unless a workload cannot fill --min-time in 1000 runs; nothing was run\n";
}

}  // namespace ccb::harness
