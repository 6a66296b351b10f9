// harness/run_live.cpp — see run_live.hpp.
#include "harness/run_live.hpp"

#include "common/disturbance.hpp"

namespace ccb::harness {

Live::Live(const Io& io, bool table, bool quiet, ProgressMode progress, double progress_interval_s,
           const std::vector<Point>& points, const std::vector<std::string>& impls, size_t total_units)
    : io_(io),
      progress_(io.err, progress, points.size(), total_units, progress_interval_s),
      table_(io.out, TableLayout(points, impls)),
      show_table_(table),
      quiet_(quiet) {
  for (size_t i = 0; i < points.size(); ++i) index_[points[i].base_name] = i;
}

void Live::begin() {
  if (show_table_) table_.print_header();
}

void Live::on_step(const Point& p, const std::string& impl, int units) {
  progress_.step(index_[p.base_name], p.name(impl), static_cast<size_t>(units));
}

void Live::on_skipped(const Point&, const std::string&, int units) { progress_.skip(static_cast<size_t>(units)); }

void Live::on_point_done(const Point&, const std::vector<Entry>& entries) {
  progress_.point_done();
  progress_.clear();
  for (const auto& e : entries) {
    if (e.status == EntryStatus::Failed)
      io_.err << "ccbench: error: " << e.name << " failed: " << e.error << "\n";
    else if (e.status == EntryStatus::NotApplicable && !quiet_)
      io_.err << "ccbench: note: " << e.name << " not applicable: " << e.error << "\n";
    else if (e.disturbed() && !quiet_)
      // said as the point ends, not only in the summary: on a long run the person at the
      // terminal can stop what disturbs it, or the run
      io_.err << "ccbench: warning: " << e.name << " was measured while other processes kept "
              << common::cpus_text(e.disturbance->other_cpus) << " busy (disturbed: see its note)\n";
  }
  if (show_table_ && !entries.empty()) table_.print_point(entries);
}

void Live::end() {
  progress_.clear();
  if (show_table_) table_.print_footer();
}

}  // namespace ccb::harness
