// reports/report_tables.cpp — HTML tables of the report: machine context, per-workload results and
// the comparison verdicts (see report_tables.hpp).
#include "reports/report_tables.hpp"

#include <algorithm>
#include <map>

#include "common/count_text.hpp"
#include "common/table_notes.hpp"
#include "reports/compare_format.hpp"
#include "reports/format_util.hpp"
#include "reports/stats.hpp"

namespace ccb::reports::html {
namespace {

const char* kDash = "\u2013";

std::string esc(const std::string& s) { return fmt::html(s); }

std::string row(const std::string& key, const std::string& value_html) {
  return "<tr><th>" + esc(key) + "</th><td>" + value_html + "</td></tr>\n";
}

std::string caches_text(const std::vector<Cache>& caches) {
  std::string out;
  for (const Cache& c : caches) {
    std::string size = c.size >= (1 << 20) ? std::to_string(c.size >> 20) + " MiB" : std::to_string(c.size >> 10) + " KiB";
    const std::string type = c.type == "Data" ? "d" : c.type == "Instruction" ? "i" : "";
    if (!out.empty()) out += ", ";
    out += std::string("L") + std::to_string(c.level) + type + " " + size;
    if (c.num_sharing > 1) out += " (\u00d7" + std::to_string(c.num_sharing) + " sharing)";
  }
  return out.empty() ? kDash : out;
}

std::string params_text(const Point& p) {
  std::string out;
  for (const auto& [k, v] : p.params) out += (out.empty() ? "" : ", ") + k + "=" + v;
  return out.empty() ? "defaults" : out;
}

// point_key() identifies a point without its implementation: workload/params/procs.
std::string point_key(const Point& p) {
  return p.workload + "|" + params_text(p) + "|" + std::to_string(p.procs);
}

std::string status_cell(const Point& p) {
  if (p.ok()) return "<span class=\"badge ok\">ok</span>";
  return "<span class=\"badge " + esc(p.status) + "\">" + esc(p.status) + "</span> " + esc(p.error);
}

std::string verdict_badge(Verdict v) {
  const std::string s = to_string(v);
  return "<span class=\"badge " + s + "\">" + s + "</span>";
}

}  // namespace

std::string context_table(const Results& r) {
  const Context& c = r.context;
  std::string load;
  for (const auto& l : c.load_avg) load += (load.empty() ? "" : " / ") + (l ? fmt::fixed(*l, 2) : kDash);
  std::string t = "<table class=\"kv\">\n";
  t += row("host", esc(c.host_name));
  t += row("CPU", esc(c.cpu_model) + " \u00b7 " + std::to_string(c.num_cpus) + " CPUs" +
                      (c.mhz_per_cpu ? " \u00b7 " + fmt::fixed(*c.mhz_per_cpu, 0) + " MHz" : ""));
  t += row("caches", esc(caches_text(c.caches)));
  t += row("load average (1/5/15 min)", load.empty() ? kDash : load);
  t += row("kernel", esc(c.kernel));
  t += row("CPU governor", c.cpu_governor ? esc(*c.cpu_governor) : "unknown");
  t += row("build", esc(c.build_type) + " (library " + esc(c.library_build_type) + ")" +
                        (c.sanitizer.empty() ? "" : ", sanitizer <b>" + esc(c.sanitizer) + "</b>"));
  t += row("compiler", esc(c.compiler) + " <code>" + esc(c.compiler_flags) + "</code>");
  t += row("Go", (c.go_version ? esc(*c.go_version) : "not run") +
                     (c.go_binary ? " \u00b7 <code>" + esc(c.go_binary->path) + "</code>" : ""));
  t += row("ccbench", esc(c.ccbench_version) + " @ <code>" + esc(c.git_commit) + "</code>");
  t += row("run", esc(c.date) + " \u00b7 preset " + (c.preset ? esc(*c.preset) : "none") + " \u00b7 " +
                      std::to_string(c.repetitions) + " repetitions + " + std::to_string(c.warmup) + " warm-up");
  t += row("command", "<code>" + esc(c.command_line) + "</code>");
  if (c.pin_effective) t += row("CPU pinning", *c.pin_effective ? "on" : "off (not requested or refused)");
  if (c.shuffle_seed) t += row("order", "shuffled, seed <code>" + std::to_string(*c.shuffle_seed) + "</code>");
  if (c.injection) t += row("test hook", "<b>a CCB_INJECT_* test hook was active: these numbers are deliberately slowed</b>");
  if (c.chaos) t += row("fault injection", "<b>CCB_CHAOS=1 was set: the runtime's fault injection perturbed these numbers</b>");
  if (c.interrupted) {
    // "hang after 1 of 2 points" is the hang watchdog's stop (SCHEMA.md): "stopped by hang" read oddly
    const std::string& why = *c.interrupted;
    const std::string by = why.starts_with("hang ") ? "the hang watchdog (CCB_RUN_TIMEOUT) " + why.substr(5) : why;
    t += row("interrupted", "<b>the run was stopped by " + esc(by) + ": only those points are here</b>");
  }
  if (c.resumed) t += row("resumed", "took " + esc(*c.resumed) + " (run --resume); it measured the others");
  t += "</table>\n";
  if (!c.warnings.empty()) {
    t += "<ul class=\"warnings\">\n";
    for (const std::string& w : c.warnings) t += "<li>" + esc(w) + "</li>\n";
    t += "</ul>\n";
  }
  return t;
}

namespace {

// medians_of() is the median of every usable point of `impl` in `workload`, by (file, point key).
std::map<std::string, double> medians_of(const std::vector<Results>& results, const std::string& workload,
                                         const std::string& impl) {
  std::map<std::string, double> out;
  for (std::size_t f = 0; f < results.size(); ++f)
    for (const Point& p : results[f].benchmarks)
      if (p.workload == workload && p.impl == impl && p.ok() && !p.samples_ns.empty())
        out[std::to_string(f) + "|" + point_key(p)] = stats::median(p.samples_ns);
  return out;
}

// ratio_cell() is ccbench's median over the other implementation's, coloured by the number shown
// (1.004 printed "1.00x" in red as if ccbench were slower), or a dash. Small ratios keep two
// significant digits (fmt::ratio): 0.0039 printed "0.00x", as if ccbench took no time.
std::string ratio_cell(double m, const std::map<std::string, double>& other, const std::string& key) {
  auto it = other.find(key);
  if (it == other.end() || !(it->second > 0)) return kDash;
  const double r = m / it->second;
  const std::string shown = fmt::ratio(r);
  const char* cls = shown == "1.00" ? "tie" : r < 1 ? "better" : "worse";
  return "<span class=\"" + std::string(cls) + "\">" + shown + "\u00d7</span>";
}

// extra_text() is a point's workload metrics (`extra`, e.g. spawn's rss_per_task_bytes), or a dash.
std::string extra_text(const Point& p) {
  std::string t;
  for (const auto& [name, value] : p.extra)
    t += (t.empty() ? "" : "<br>") + esc(name) + " " + (value ? fmt::sig(*value) : std::string(kDash));
  return t.empty() ? kDash : t;
}

}  // namespace

std::string workload_table(const std::vector<Results>& results, const std::string& workload) {
  // ccbench's ratio to each other implementation measured here: a column only when some ccbench
  // point has that implementation's point beside it in the same file (ratios are per file). A column
  // whenever the other implementation ran showed only dashes for files of ccbench and of go apart,
  // or no ccbench at all; such an implementation is named below the table instead.
  std::vector<std::pair<std::string, std::map<std::string, double>>> others;
  std::vector<std::string> unpaired;
  const std::map<std::string, double> ccbench = medians_of(results, workload, "ccbench");
  for (const char* impl : {"go", "threads"}) {
    auto m = medians_of(results, workload, impl);
    const bool paired = std::any_of(ccbench.begin(), ccbench.end(), [&](const auto& kv) { return m.count(kv.first); });
    if (paired) others.emplace_back(impl, std::move(m));
    else if (!m.empty() && !ccbench.empty()) unpaired.emplace_back(impl);
  }
  bool extras = false;
  for (const Results& r : results)
    for (const Point& p : r.benchmarks) extras = extras || (p.workload == workload && !p.extra.empty());
  const bool many_files = results.size() > 1;
  std::string t = "<table class=\"data\">\n<thead><tr>" + std::string(many_files ? "<th>file</th>" : "") +
                  "<th>parameters</th><th class=\"num\">procs</th><th>impl</th><th class=\"num\">median / op</th>"
                  "<th class=\"num\">ops/s</th><th class=\"num\">CV</th><th class=\"num\">min \u2013 max</th>"
                  "<th class=\"num\">samples</th>";
  for (const auto& [impl, medians] : others) t += "<th class=\"num\">ccbench / " + impl + "</th>";
  if (extras) t += "<th class=\"num\">workload metrics</th>";
  t += "<th>status</th></tr></thead>\n<tbody>\n";
  std::vector<std::string> notes;  // footnote i + 1: a note of a point, each distinct text once
  for (std::size_t f = 0; f < results.size(); ++f) {
    for (const Point& p : results[f].benchmarks) {
      if (p.workload != workload) continue;
      std::string marks;
      for (const std::string& n : p.notes) {
        if (!common::note_for_tables(n)) continue;
        auto it = std::find(notes.begin(), notes.end(), n);
        if (it == notes.end()) it = notes.insert(notes.end(), n);
        const std::string m = "[" + std::to_string(it - notes.begin() + 1) + "]";
        if (marks.find(m) == std::string::npos) marks += m;
      }
      std::string median = kDash, ops = kDash, cv = kDash, range = kDash;
      std::vector<std::string> ratios(others.size(), kDash);
      if (!p.samples_ns.empty()) {
        const double m = stats::median(p.samples_ns);
        median = fmt::ns(m);
        if (m > 0) ops = fmt::si(1e9 / m);
        if (auto v = stats::cv(p.samples_ns)) cv = fmt::pct(*v);
        double lo = p.samples_ns[0], hi = p.samples_ns[0];
        for (double x : p.samples_ns) lo = std::min(lo, x), hi = std::max(hi, x);
        range = fmt::ns(lo) + " \u2013 " + fmt::ns(hi);
        if (p.impl == "ccbench" && p.ok())
          for (std::size_t k = 0; k < others.size(); ++k)
            ratios[k] = ratio_cell(m, others[k].second, std::to_string(f) + "|" + point_key(p));
      }
      t += "<tr class=\"impl-" + esc(p.impl) + "\">" + (many_files ? "<td>" + esc(results[f].file) + "</td>" : "") +
           "<td>" + esc(params_text(p)) + (marks.empty() ? "" : " <sup class=\"note\">" + marks + "</sup>") +
           "</td><td class=\"num\">" + std::to_string(p.procs) + "</td><td>" +
           esc(p.impl) + "</td><td class=\"num\">" + median + "</td><td class=\"num\">" + ops +
           "</td><td class=\"num\">" + cv + "</td><td class=\"num\">" + range + "</td><td class=\"num\">" +
           std::to_string(p.samples_ns.size()) + "</td>";
      for (const std::string& r : ratios) t += "<td class=\"num\">" + r + "</td>";
      if (extras) t += "<td class=\"num\">" + extra_text(p) + "</td>";
      t += "<td>" + status_cell(p) + "</td></tr>\n";
    }
  }
  t += "</tbody></table>\n";
  for (const std::string& impl : unpaired)
    t += "<p class=\"unpaired\">No ccbench / " + impl + " column: no file holds ccbench and " + impl +
         " at the same point (a ratio compares the two within one file).</p>\n";
  if (!notes.empty()) {
    t += "<ul class=\"notes\">\n";
    for (std::size_t i = 0; i < notes.size(); ++i)
      t += "<li>[" + std::to_string(i + 1) + "] " + esc(notes[i]) + "</li>\n";
    t += "</ul>\n";
  }
  return t;
}

std::string latency_table(const std::vector<Results>& results, const std::string& workload) {
  const bool many_files = results.size() > 1;
  std::string rows;
  for (std::size_t f = 0; f < results.size(); ++f) {
    for (const Point& p : results[f].benchmarks) {
      if (p.workload != workload || !p.latency || !p.ok()) continue;
      const Point::Latency& l = *p.latency;
      auto ns = [](std::int64_t v) { return fmt::ns(static_cast<double>(v)); };
      rows += "<tr class=\"impl-" + esc(p.impl) + "\">" + (many_files ? "<td>" + esc(results[f].file) + "</td>" : "") +
              "<td>" + esc(params_text(p)) + "</td><td class=\"num\">" + std::to_string(p.procs) + "</td><td>" +
              esc(p.impl) + "</td><td class=\"num\">" + ns(l.p50) + "</td><td class=\"num\">" + ns(l.p90) +
              "</td><td class=\"num\">" + ns(l.p99) + "</td><td class=\"num\">" + ns(l.p99_9) +
              "</td><td class=\"num\">" + ns(l.max) + "</td><td class=\"num\">" + std::to_string(l.count) +
              "</td><td class=\"num\">" + (l.overhead_pct ? fmt::fixed(*l.overhead_pct, 1) + "%" : kDash) +
              "</td></tr>\n";
    }
  }
  if (rows.empty()) return "";
  return "<h3>Latency per operation (sampled)</h3>\n<table class=\"data\">\n<thead><tr>" +
         std::string(many_files ? "<th>file</th>" : "") +
         "<th>parameters</th><th class=\"num\">procs</th><th>impl</th><th class=\"num\">p50</th>"
         "<th class=\"num\">p90</th><th class=\"num\">p99</th><th class=\"num\">p99.9</th><th class=\"num\">max</th>"
         "<th class=\"num\">sampled ops</th><th class=\"num\">recording overhead</th></tr></thead>\n<tbody>\n" +
         rows + "</tbody></table>\n";
}

std::string comparison_summary(const Comparison& c) {
  std::string t = "<p class=\"summary\">" + esc(summary_line(c)) + "</p>\n";
  t += "<p class=\"gate " + std::string(c.gate_failed ? "failed" : "passed") + "\">Gate <code>--fail-on " +
       to_string(c.options.fail_on) + "</code>: <b>" + (c.gate_failed ? "failed" : "passed") + "</b> \u2014 " +
       esc(c.gate_message) + "</p>\n";
  t += "<p class=\"method\">Base <code>" + esc(c.base_file) + "</code>. Two-sided Mann-Whitney U test per point, " +
       "p-values Holm-adjusted over " + common::count_text(c.family_size, "point") + "; threshold " +
       fmt::pct(c.options.threshold) + ", alpha " + fmt::plain(c.options.alpha) + ", min samples " +
       std::to_string(c.options.min_samples) + ", max CV " + fmt::pct(c.options.max_cv) +
       ". Change = new/base median \u2212 1 (positive = slower).</p>\n";
  if (!c.warnings.empty()) {
    t += "<ul class=\"warnings\">\n";
    for (const std::string& w : c.warnings) t += "<li>" + esc(w) + "</li>\n";
    t += "</ul>\n";
  }
  return t;
}

std::string comparison_table(const Comparison& c) {
  std::string t = "<table class=\"data\">\n<thead><tr><th>point</th><th class=\"num\">base</th><th class=\"num\">new</th>"
       "<th class=\"num\">change</th><th class=\"num\">p (Holm)</th><th class=\"num\">" +
       fmt::confidence(c.options.alpha) + " CI of ratio</th><th>verdict</th></tr></thead>\n<tbody>\n";
  for (const PointComparison& p : c.points) {
    const std::string ci = p.ratio_ci ? fmt::fixed(p.ratio_ci->low, 3) + " \u2013 " + fmt::fixed(p.ratio_ci->high, 3) : kDash;
    const std::string pv = p.p_adjusted ? fmt::pvalue(*p.p_adjusted) : p.p_value ? "(" + fmt::pvalue(*p.p_value) + ")" : kDash;
    t += "<tr class=\"v-" + std::string(to_string(p.verdict)) + "\"><td><code>" + esc(p.name) +
         "</code></td><td class=\"num\">" + fmt::ns(p.base.median) + "</td><td class=\"num\">" + fmt::ns(p.next.median) +
         "</td><td class=\"num\">" + (p.ratio ? fmt::pct(*p.ratio - 1, 1, true) : kDash) + "</td><td class=\"num\">" + pv +
         "</td><td class=\"num\">" + ci + "</td><td>" + verdict_badge(p.verdict) +
         (p.reason.empty() ? "" : " <small>" + esc(p.reason) + "</small>") + "</td></tr>\n";
  }
  t += "</tbody></table>\n";
  auto list = [&](const std::string& title, const std::vector<std::string>& items) {
    if (items.empty()) return;
    t += "<details open><summary>" + esc(title) + " (" + std::to_string(items.size()) + ")</summary><ul>\n";
    for (const std::string& s : items) t += "<li><code>" + esc(s) + "</code></li>\n";
    t += "</ul></details>\n";
  };
  std::vector<std::string> failing;
  for (const NotCompared& n : c.newly_failing) failing.push_back(n.name + ": " + n.reason);
  list("newly failing: status \"ok\" in base, \"failed\" in new", failing);
  list("only in " + c.base_file, c.only_in_base);
  list("only in " + c.new_file, c.only_in_new);
  std::vector<std::string> nc;
  for (const NotCompared& n : c.not_compared) nc.push_back(n.name + ": " + n.reason);
  list("not compared", nc);
  return t;
}

}  // namespace ccb::reports::html
