// harness/text_formats.cpp — the markdown and CSV writers declared in console_table.hpp.
// Markdown uses TableLayout's rows, so it matches the console table. CSV has one row per entry,
// numbers in the shortest form that reads back exactly (as the results JSON has them) and empty
// fields for absent values.
#include <charconv>
#include <cstdio>
#include <map>

#include "common/markdown.hpp"
#include "harness/console_table.hpp"

namespace ccb::harness {

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// num() is the shortest text that reads back as exactly *v (CSV is data: "%.6g" printed
// ops_per_sec 7871472.9 as 7.87147e+06), or "" for none.
std::string num(std::optional<double> v) {
  if (!v) return "";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, *v);
  return std::string(buf, r.ptr);
}

// count() is a count's decimal text, or "" for none (a Go child's usage that was not collected).
std::string count(const std::optional<long>& v) { return v ? std::to_string(*v) : ""; }

// md_row() writes one table row; every cell is escaped (common::md_text), so a `|` or a backtick
// in a point name or a parameter value stays inside its cell.
// `markers` (TableLayout's "[1][2]", ccbench's own text) follow the last cell unescaped.
void md_row(std::ostream& out, const std::vector<std::string>& cells, const std::string& markers = "") {
  out << '|';
  for (size_t i = 0; i < cells.size(); ++i)
    out << ' ' << common::md_text(cells[i]) << (i + 1 == cells.size() && !markers.empty() ? " " + markers : "") << " |";
  out << '\n';
}

}  // namespace

void write_markdown(std::ostream& out, const std::vector<Point>& points,
                    const std::vector<std::string>& impls, const std::vector<Entry>& entries) {
  TableLayout layout(points, impls);
  const std::vector<std::string> header = layout.header();
  md_row(out, header);
  out << '|';
  for (size_t i = 0; i < header.size(); ++i) out << (layout.right_aligned(i) ? "---:|" : "---|");
  out << '\n';
  // entries arrive grouped by point, in point order
  for (size_t i = 0; i < entries.size();) {
    size_t j = i;
    while (j < entries.size() && entries[j].base_name == entries[i].base_name) ++j;
    for (auto r : layout.rows({entries.begin() + static_cast<long>(i), entries.begin() + static_cast<long>(j)})) {
      std::string markers;
      if (r.size() > header.size()) {  // note markers: at the end of the last cell, not a column of their own
        markers = r.back();
        r.pop_back();
      }
      md_row(out, r, markers);
    }
    i = j;
  }
  std::vector<std::string> f = layout.footer();
  if (!f.empty()) {
    f[0] = "**geomean**";
    md_row(out, f);
  }
  if (!layout.legend().empty()) out << '\n' << layout.legend() << '\n';
  const std::vector<std::string> notes = layout.footnotes();
  if (!notes.empty()) out << "\nNotes:\n\n";
  for (const auto& n : notes) {  // "[N] " is ccbench's own marker; the note's text is escaped
    const size_t space = n.find(' ');
    out << "- " << n.substr(0, space + 1) << common::md_text(n.substr(space + 1)) << '\n';
  }
  const auto lat = latency_rows(entries);
  if (!lat.empty()) {
    out << "\nLatency per operation, ns (sampled):\n\n";
    md_row(out, lat.front());
    out << "|---|---|---:|---|---:|---:|---:|---:|---:|---:|\n";
    for (size_t i = 1; i < lat.size(); ++i) md_row(out, lat[i]);
  }
}

void write_csv(std::ostream& out, const std::vector<Entry>& entries) {
  out << "name,workload,params,procs,impl,unit,status,iterations,repetitions,median_ns,mean_ns,"
         "stddev_ns,min_ns,max_ns,cv,ops_per_sec,cpu_ns_per_op,ctx_switches_voluntary,"
         "ctx_switches_involuntary,max_rss_kb,outliers_low_mild,outliers_low_extreme,outliers_high_mild,"
         "outliers_high_extreme,latency_count,latency_p50_ns,latency_p90_ns,latency_p99_ns,latency_p99_9_ns,"
         "latency_max_ns,latency_overhead_pct,error,notes\n";
  for (const auto& e : entries) {
    const auto& s = e.stats;
    std::vector<std::string> f = {
        e.name, e.workload, e.params_text(), std::to_string(e.procs), e.impl, e.unit,
        status_name(e.status), std::to_string(e.iterations), std::to_string(e.samples_ns.size()),
        num(s ? std::optional(s->median) : std::nullopt), num(s ? std::optional(s->mean) : std::nullopt),
        num(s ? std::optional(s->stddev) : std::nullopt), num(s ? std::optional(s->min) : std::nullopt),
        num(s ? std::optional(s->max) : std::nullopt), num(s ? s->cv : std::nullopt),
        num(e.ops_per_sec()), num(e.cpu_ns_per_op), count(e.ctx_voluntary), count(e.ctx_involuntary),
        count(e.max_rss_kb)};
    const auto& o = e.outliers;
    for (int Outliers::*m : {&Outliers::low_mild, &Outliers::low_extreme, &Outliers::high_mild, &Outliers::high_extreme})
      f.push_back(o ? std::to_string((*o).*m) : "");
    const auto& l = e.latency;
    for (uint64_t LatencySummary::*m : {&LatencySummary::count, &LatencySummary::p50, &LatencySummary::p90,
                                        &LatencySummary::p99, &LatencySummary::p99_9, &LatencySummary::max})
      f.push_back(l ? std::to_string((*l).*m) : "");
    f.push_back(l ? num(l->overhead_pct) : "");
    f.push_back(e.error);
    std::string notes;
    for (const auto& n : e.notes) notes += (notes.empty() ? "" : "; ") + n;
    f.push_back(notes);
    for (size_t i = 0; i < f.size(); ++i) out << (i ? "," : "") << csv_field(f[i]);
    out << '\n';
  }
}

}  // namespace ccb::harness
