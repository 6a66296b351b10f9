// reports/report_html.cpp — page structure, style and chart embedding of index.html (contract in
// report_html.hpp); the tables come from report_tables.cpp.
#include "reports/report_html.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/count_text.hpp"
#include "common/visible_text.hpp"
#include "reports/compare_format.hpp"
#include "reports/format_util.hpp"
#include "reports/report_tables.hpp"

namespace ccb::reports {
namespace {

std::string esc(const std::string& s) { return fmt::html(s); }

// The style sheet: system fonts only (nothing is fetched), readable tables, print-friendly.
constexpr const char* kCss = R"css(
:root { --fg:#111827; --muted:#6b7280; --line:#e5e7eb; --bg:#ffffff; --panel:#f9fafb; --accent:#6d28d9; }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color:var(--fg); background:var(--bg); }
main { max-width: 1240px; margin: 0 auto; padding: 0 24px 48px; }
header { background: linear-gradient(90deg, #4c1d95, #6d28d9); color:#fff; padding: 22px 24px; }
header h1 { margin:0 auto; max-width:1192px; font-size: 24px; letter-spacing: .2px; }
header p { margin:4px auto 0; max-width:1192px; opacity:.9; }
nav { margin: 18px 0 8px; font-size: 13px; }
nav a { color: var(--accent); text-decoration:none; margin-right: 14px; white-space: nowrap; }
h2 { font-size: 19px; margin: 34px 0 10px; padding-bottom: 6px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 24px 0 8px; }
h3 small { color: var(--muted); font-weight: normal; }
code { font: 12.5px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; background:#f3f4f6; padding: 0 3px; border-radius:3px; }
table { border-collapse: collapse; margin: 8px 0 16px; }
table.kv th { text-align:left; color: var(--muted); font-weight: 500; padding: 3px 18px 3px 0; vertical-align: top; }
table.kv td { padding: 3px 0; }
table.data { width:100%; font-size: 13px; }
table.data th { text-align:left; background: var(--panel); border-bottom: 2px solid var(--line); padding: 6px 8px; white-space: nowrap; }
table.data td { border-bottom: 1px solid var(--line); padding: 5px 8px; }
table.data tbody tr:hover { background: #f5f3ff; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.badge { display:inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; font-weight: 600; }
.badge.ok, .badge.unchanged { background:#e5e7eb; color:#374151; }
.badge.improved { background:#dcfce7; color:#166534; }
.badge.regressed, .badge.failed { background:#fee2e2; color:#991b1b; }
.badge.noisy, .badge.not_applicable { background:#fef3c7; color:#92400e; }
tr.v-regressed td { background: #fef2f2; }
tr.v-improved td { background: #f0fdf4; }
.better { color:#166534; font-weight:600; } .worse { color:#991b1b; font-weight:600; }
.notice { border-left: 4px solid #f59e0b; background: #fffbeb; padding: 10px 14px; margin: 16px 0; }
ul.warnings { border-left: 4px solid #f59e0b; background: #fffbeb; margin: 8px 0; padding: 8px 14px 8px 32px; }
p.summary { font-size: 15px; font-weight: 600; }
p.gate.failed b { color:#991b1b; } p.gate.passed b { color:#166534; }
p.method, figcaption, footer { color: var(--muted); font-size: 12.5px; }
ul.notes { color: var(--muted); font-size: 12.5px; list-style: none; padding-left: 0; margin: 4px 0 12px; }
figure { margin: 12px 0 22px; padding: 10px; border: 1px solid var(--line); border-radius: 8px; background:#fff; }
figure img { display:block; max-width:100%; height:auto; margin: 0 auto; }
figcaption { margin-top: 6px; }
figcaption a { color: var(--accent); }
.files { display:grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 8px 28px; }
footer { margin-top: 40px; border-top: 1px solid var(--line); padding-top: 10px; }
details summary { cursor: pointer; font-weight: 600; margin: 6px 0; }
@media print { header { background: none; color: var(--fg); } figure { break-inside: avoid; } }
)css";

std::string figure(const ChartInfo& c) {
  return "<figure id=\"chart-" + esc(c.id) + "\"><img src=\"" + esc(c.svg) + "\" alt=\"" + esc(c.title) +
         "\"><figcaption><b>" + esc(c.title) + "</b>. " + esc(c.caption) + " Download: <a href=\"" + esc(c.png) +
         "\">PNG</a> \u00b7 <a href=\"" + esc(c.svg) + "\">SVG</a></figcaption></figure>\n";
}

std::vector<std::string> workloads_in_order(const std::vector<Results>& results) {
  std::vector<std::string> out;
  for (const Results& r : results) {
    for (const Point& p : r.benchmarks) {
      if (std::find(out.begin(), out.end(), p.workload) == out.end()) out.push_back(p.workload);
    }
  }
  return out;
}

std::string unit_of(const std::vector<Results>& results, const std::string& workload) {
  for (const Results& r : results) {
    for (const Point& p : r.benchmarks) {
      if (p.workload == workload) return p.unit;
    }
  }
  return "op";
}

// section_ids() gives each workload the id of its section: "wl-" and its name made safe as charts.py
// makes a chart id (Writer.safe_id): each code point but [A-Za-z0-9_-] -> '_', at most 100
// characters, "_2", "_3", … on a clash. The name itself, HTML-escaped, put a newline of a workload
// name into the nav link (href="#wl-ping\npong" reaches no section).
std::map<std::string, std::string> section_ids(const std::vector<std::string>& workloads) {
  std::map<std::string, std::string> ids;
  std::set<std::string> used;
  for (const std::string& w : workloads) {
    std::string base;
    for (std::size_t i = 0; i < w.size() && base.size() < 100;) {
      const std::size_t at = i;
      const long cp = common::decode_utf8(w, i);
      const bool keep = cp >= 0 && cp < 0x80 && (std::isalnum(static_cast<unsigned char>(cp)) || cp == '_' || cp == '-');
      base += keep ? w[at] : '_';
    }
    if (base.empty()) base = "workload";
    std::string id = base;
    for (int n = 2; !used.insert(id).second; ++n) id = base + "_" + std::to_string(n);
    ids[w] = "wl-" + id;
  }
  return ids;
}

bool valid_chart_path(const std::string& p, const char* ext) {
  const std::string e = ext;
  return p.rfind("charts/", 0) == 0 && p.find("..") == std::string::npos && p.size() > e.size() + 7 &&
         p.compare(p.size() - e.size(), e.size(), e) == 0;
}

}  // namespace

std::vector<ChartInfo> read_chart_manifest(const std::string& path, std::string& notice) {
  std::vector<ChartInfo> charts;
  std::ifstream in(path);
  if (!in) {
    notice = "charts not drawn: " + path + " is missing";
    return charts;
  }
  try {
    const nlohmann::json doc = nlohmann::json::parse(in);
    for (const auto& c : doc.at("charts")) {
      ChartInfo info{c.at("id").get<std::string>(),      c.at("kind").get<std::string>(),
                     c.value("workload", nlohmann::json()).is_string() ? c.at("workload").get<std::string>() : "",
                     c.at("title").get<std::string>(),   c.at("caption").get<std::string>(),
                     c.at("png").get<std::string>(),     c.at("svg").get<std::string>()};
      if (!valid_chart_path(info.png, ".png") || !valid_chart_path(info.svg, ".svg")) {
        throw std::runtime_error("chart path outside charts/: " + info.png);
      }
      charts.push_back(std::move(info));
    }
    // Charts that charts.py could not draw (the others were drawn): the notice names the first.
    if (auto it = doc.find("failed"); it != doc.end() && it->is_array() && !it->empty()) {
      const auto& first = (*it)[0];
      notice = "some charts not drawn: " + (first.is_string() ? first.get<std::string>() : first.dump()) +
               (it->size() > 1 ? " (and " + std::to_string(it->size() - 1) + " more)" : "");
    }
  } catch (const std::exception& e) {
    charts.clear();
    notice = "charts not drawn: cannot read " + path + ": " + e.what();
  }
  return charts;
}

std::string render_index_html(const ReportPage& page) {
  const std::vector<std::string> workloads = workloads_in_order(page.results);
  const std::map<std::string, std::string> ids = section_ids(workloads);
  std::size_t points = 0;
  for (const Results& r : page.results) points += r.benchmarks.size();
  const Context& first = page.results.front().context;
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src 'self' file: data:; "
       "style-src 'unsafe-inline'\">\n"
    << "<title>ccbench report \u2014 " << esc(first.host_name) << ", " << esc(first.date) << "</title>\n"
    << "<style>" << kCss << "</style>\n</head>\n<body>\n<header><h1>ccbench report</h1><p>"
    << esc(first.host_name) << " \u00b7 " << esc(first.cpu_model) << " \u00b7 " << page.results.size()
    << " results file" << (page.results.size() == 1 ? "" : "s") << ", " << common::count_text(points, "point")
    << (page.comparison ? " \u00b7 compared with baseline" : "") << "</p></header>\n<main>\n<nav>"
    << "<a href=\"#machine\">Machine</a>" << (page.comparison ? "<a href=\"#comparison\">Comparison</a>" : "")
    << "<a href=\"#overview\">Overview</a>";
  for (const std::string& w : workloads) h << "<a href=\"#" << ids.at(w) << "\">" << esc(w) << "</a>";
  h << "</nav>\n";
  if (!page.notice.empty()) h << "<div class=\"notice\">" << esc(page.notice) << "</div>\n";
  if (!page.warnings.empty()) {
    h << "<ul class=\"warnings\">\n";
    for (const std::string& w : page.warnings) h << "<li>" << esc(w) << "</li>\n";
    h << "</ul>\n";
  }

  h << "<section id=\"machine\"><h2>Machine and build</h2>\n<div class=\"files\">\n";
  for (const Results& r : page.results) {
    h << "<div><h3>" << esc(r.file) << "</h3>\n" << html::context_table(r) << "</div>\n";
  }
  if (page.baseline != nullptr) {
    h << "<div><h3>" << esc(page.baseline->file) << " <small>(baseline)</small></h3>\n"
      << html::context_table(*page.baseline) << "</div>\n";
  }
  h << "</div></section>\n";

  if (page.comparison) {
    h << "<section id=\"comparison\"><h2>Comparison with baseline</h2>\n"
      << "<p class=\"method\"><b>First verdicts, not confirmed:</b> as <code>ccbench compare --confirm 0</code>. "
         "The report re-runs nothing; <code>ccbench compare</code> re-measures each suspect point in rounds of "
         "back-to-back runs before calling it regressed, and may call unchanged a point marked regressed here.</p>\n"
      << html::comparison_summary(*page.comparison);
    for (const ChartInfo& c : page.charts) {
      if (c.kind == "change") h << figure(c);
    }
    h << html::comparison_table(*page.comparison) << "</section>\n";
  }

  h << "<section id=\"overview\"><h2>Overview</h2>\n";
  bool any_overview = false;
  for (const ChartInfo& c : page.charts) {
    if (c.kind == "ratio" || c.kind == "counter" || c.kind == "spawn") {
      h << figure(c);
      any_overview = true;
    }
  }
  if (!any_overview) {
    // Some charts may be drawn while others failed (the notice names them): "unavailable" is only
    // true when none was.
    h << "<p class=\"method\">"
      << (page.notice.empty()   ? "No cross-workload chart applies to these results."
          : page.charts.empty() ? "Charts are unavailable; see the notice above."
                                : "No cross-workload chart was drawn; see the notice above.")
      << "</p>\n";
  }
  h << "</section>\n";

  for (const std::string& w : workloads) {
    h << "<section id=\"" << ids.at(w) << "\"><h2>" << esc(w) << " <small>(ns per " << esc(unit_of(page.results, w))
      << "; lower is better)</small></h2>\n";
    for (const ChartInfo& c : page.charts) {
      if (c.kind == "scaling" && c.workload == w) h << figure(c);
    }
    h << html::workload_table(page.results, w) << html::latency_table(page.results, w) << "</section>\n";
  }
  h << "<footer>Generated by <code>ccbench report</code> from results schema version 1. Medians, CV (stddev/mean) "
       "and ranges are computed from each point's repetition samples. This page and its charts load nothing from "
       "the network.</footer>\n</main>\n</body>\n</html>\n";
  return h.str();
}

}  // namespace ccb::reports
