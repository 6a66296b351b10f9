// harness/console_table.hpp — the results table, as printed live by `ccbench run` and, in the
// same layout, as markdown.
//
// Layout: with one implementation, one row per entry: workload, params, procs, impl, ns/op
// (median), ±CV, ops/s. With several, one row per point: workload, params, procs, then
// "<impl> ns/op" and "±CV" for each implementation, then the ratios ccbench/go and
// ccbench/threads (median ns/op of ccbench divided by the other's; < 1 means ccbench is faster);
// the footer row holds the geometric mean of each ratio column over the points where both sides
// succeeded. A failed entry shows FAILED, a not-applicable one n/a, a missing one "-".
// Guarantees: column widths are fixed from the whole matrix before the first row, so the live
// table lines up; widths and padding count display columns, not bytes (common::display_width: "ö"
// takes 1, a wide CJK character 2, an invalid UTF-8 byte 1), here and in the latency and spawn
// tables; rows are printed as soon as their point finishes.
// Notes: an entry's notes (what the numbers do not show: threads ran the point at its capped
// sizes, repetitions shorter than --min-time, …) are numbered once per distinct "impl: note" text
// in the order they first appear; a row with any gets their markers ("[1][2]") after its last
// column, outside the fixed widths, and footnotes() lists them under the table (the row "n=100000"
// of threads ran n=20000, and nothing said so). Notes about cpu_time, which no table shows, are
// left to the JSON (common/table_notes.hpp).
// Latency (latency-shaped workloads): a second table after the main one, one row per entry that
// has a latency summary: workload, params, procs, impl, p50, p90, p99, p99.9, max (ns, sampled
// operations) and the recording overhead; at most ~90 columns for the quick preset's params.
// Spawn (the seeds' table): a third table of the spawn entries' extras (write_spawn_table).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "harness/matrix.hpp"
#include "harness/results.hpp"

namespace ccb::harness {

class TableLayout {
 public:
  // TableLayout() sizes the columns for `points` run with `impls`.
  TableLayout(const std::vector<Point>& points, const std::vector<std::string>& impls);

  std::vector<std::string> header() const;
  // rows() returns the rows of one point (its entries, in any order); a row whose entries have notes
  // has one cell more than header(), its note markers.
  std::vector<std::vector<std::string>> rows(const std::vector<Entry>& point_entries) const;
  // footnotes() returns "[N] impl: note" for every note of the rows produced so far.
  std::vector<std::string> footnotes() const;
  // legend() explains the ratio columns ("" when there are none).
  std::string legend() const;
  // footer() returns the geometric-mean row of all rows produced so far (multi-impl only; empty
  // otherwise or when no ratio could be computed).
  std::vector<std::string> footer() const;
  const std::vector<size_t>& widths() const { return widths_; }
  // right_aligned() is true for numeric columns.
  bool right_aligned(size_t column) const { return column >= 2 && !(single() && column == 3); }

 private:
  bool single() const { return impls_.size() == 1; }
  std::vector<std::string> impls_;
  std::vector<std::string> ratio_of_;  // "go", "threads": ratio columns ccbench/<impl>
  std::vector<size_t> widths_;
  mutable std::vector<std::vector<double>> ratios_;  // per ratio column, for the footer
  mutable std::vector<std::string> notes_;           // "impl: note" of marker [i + 1]
  // markers() numbers the notes of `es` (new ones appended to notes_): "[1][3]", or "".
  std::string markers(const std::vector<const Entry*>& es) const;
};

// ConsoleTable prints a TableLayout live to `out`; print_footer() also prints the footnotes.
class ConsoleTable {
 public:
  ConsoleTable(std::ostream& out, TableLayout layout) : out_(out), layout_(std::move(layout)) {}
  void print_header();
  void print_point(const std::vector<Entry>& point_entries);
  void print_footer();

 private:
  void print_row(const std::vector<std::string>& cells);
  std::ostream& out_;
  TableLayout layout_;
};

// write_markdown() writes all entries as a markdown table in the TableLayout's layout (note
// markers at the end of a row's last cell, the footnotes as a list under the table); every cell
// is escaped (common::md_text: `|` -> `\|`, backtick -> "\`"), so no name or parameter value can
// add a column or open a code span.
void write_markdown(std::ostream& out, const std::vector<Point>& points,
                    const std::vector<std::string>& impls, const std::vector<Entry>& entries);

// latency_rows() returns the latency table (header first), or nothing when no entry has latency.
std::vector<std::vector<std::string>> latency_rows(const std::vector<Entry>& entries);

// write_latency_table() prints latency_rows() aligned (nothing when there are none).
void write_latency_table(std::ostream& out, const std::vector<Entry>& entries);

// spawn_table_rows() / write_spawn_table(): spawn's seeds' table — creation ns/task (median),
// switch_ns, rss_per_task_bytes, max_tasks_1gib and why it stopped (the extras of CONTRACT.md's
// "spawn: the seeds' table"), one row per ok spawn entry; "-" where an extra is absent.
std::vector<std::vector<std::string>> spawn_table_rows(const std::vector<Entry>& entries);
void write_spawn_table(std::ostream& out, const std::vector<Entry>& entries);

// write_csv() writes one RFC 4180 row per entry (header first), with latency and outlier columns
// (empty when absent) and, last, the entry's notes joined by "; ".
void write_csv(std::ostream& out, const std::vector<Entry>& entries);

// Number formatting shared by the table writers.
// Ordinary values print in fixed point; a huge one (a broken measurement) keeps a few significant
// digits with an exponent rather than printing a dozen digits: ns/op from 1e9 ("1.235e+09"),
// ratios from 1e4 ("1.00e+12x"), ops/s from 1e12 ("1.00e+15"), percentages from 1e6.
std::string format_ns(double ns);         // 4 significant digits
std::string format_rate(double per_sec);  // 1.23k / 4.56M / 7.89G
std::string format_cv(const Entry& e);    // "±1.2%" or "-"

}  // namespace ccb::harness
