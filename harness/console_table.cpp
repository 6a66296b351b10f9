// harness/console_table.cpp — see console_table.hpp.
#include "harness/console_table.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <vector>

#include "common/ratio_text.hpp"
#include "common/table_notes.hpp"
#include "common/text_width.hpp"
#include "common/visible_text.hpp"
#include "harness/stats.hpp"

namespace ccb::harness {

namespace {

// Past these, fixed-point would print a dozen digits: an exponent is shown instead.
constexpr double kNsExponentFrom = 1e12;    // ns/op: 1000 s (skynet's op, one whole run, is ~1e9)
constexpr double kRateExponentFrom = 1e12;  // ops/s: past "999.99G"

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string status_cell(const Entry* e) {
  if (e == nullptr) return "-";
  if (e->status == EntryStatus::Failed) return "FAILED";
  if (e->status == EntryStatus::NotApplicable) return "n/a";
  return e->stats ? format_ns(e->stats->median) : "-";
}

const Entry* find_impl(const std::vector<Entry>& entries, const std::string& impl) {
  for (const auto& e : entries)
    if (e.impl == impl) return &e;
  return nullptr;
}

// format_ratio() keeps two significant digits for small ratios ("0.0012x", not "0.00x") and
// shows a huge one with an exponent ("1.00e+12x", not thirteen digits): common::ratio_text.
std::string format_ratio(double q) { return common::ratio_text(q) + "x"; }

// format_pct() is a percentage with one decimal ("12.3%"), with an exponent from 1e6 on.
std::string format_pct(double pct) { return fmt(std::fabs(pct) >= 1e6 ? "%.2e%%" : "%.1f%%", pct); }

std::optional<double> ratio(const Entry* a, const Entry* b) {
  if (!a || !b || !a->stats || !b->stats || !(b->stats->median > 0)) return std::nullopt;
  return a->stats->median / b->stats->median;
}

}  // namespace

// The bounds below are where the next width's rounding would carry (9.9996 with 3 decimals is
// "10.000"), so a value gets the form its rounded value belongs to ("10.00", "1.00M").
std::string format_ns(double ns) {
  if (ns < 9.9995) return fmt("%.3f", ns);
  if (ns < 99.995) return fmt("%.2f", ns);
  if (ns < 999.95) return fmt("%.1f", ns);
  if (ns >= kNsExponentFrom) return fmt("%.3e", ns);
  return fmt("%.0f", ns);
}

std::string format_rate(double r) {
  if (r >= kRateExponentFrom) return fmt("%.2e", r);
  if (r >= 999.995e6) return fmt("%.2fG", r / 1e9);
  if (r >= 999.995e3) return fmt("%.2fM", r / 1e6);
  if (r >= 999.95) return fmt("%.2fk", r / 1e3);
  return fmt("%.1f", r);
}

std::string format_cv(const Entry& e) {
  if (e.status != EntryStatus::Ok || !e.stats || !e.stats->cv) return "-";
  return "±" + format_pct(*e.stats->cv * 100);
}

TableLayout::TableLayout(const std::vector<Point>& points, const std::vector<std::string>& impls)
    : impls_(impls) {
  bool has_ccbench = std::find(impls.begin(), impls.end(), "ccbench") != impls.end();
  for (const char* other : {"go", "threads"})
    if (has_ccbench && impls.size() > 1 && std::find(impls.begin(), impls.end(), other) != impls.end())
      ratio_of_.push_back(other);
  ratios_.resize(ratio_of_.size());
  std::vector<std::string> h = header();
  widths_.assign(h.size(), 0);
  for (size_t i = 0; i < h.size(); ++i) widths_[i] = common::display_width(h[i]);
  for (const auto& p : points) {
    widths_[0] = std::max(widths_[0], common::display_width(p.workload->name));
    widths_[1] = std::max(widths_[1], common::display_width(p.params_text()));
  }
  for (size_t i = 2; i < widths_.size(); ++i) widths_[i] = std::max<size_t>(widths_[i], 8);
}

std::vector<std::string> TableLayout::header() const {
  std::vector<std::string> h = {"workload", "params", "procs"};
  if (single()) {
    for (const char* c : {"impl", "ns/op", "±CV", "ops/s"}) h.push_back(c);
    return h;
  }
  for (const auto& impl : impls_) {
    h.push_back(impl + " ns/op");
    h.push_back("±CV");
  }
  for (const auto& other : ratio_of_) h.push_back("ccbench/" + other);
  return h;
}

std::string TableLayout::markers(const std::vector<const Entry*>& es) const {
  std::string out;
  for (const Entry* e : es) {
    if (e == nullptr) continue;
    for (const auto& note : e->notes) {
      if (!common::note_for_tables(note)) continue;
      // a note read back by --resume is the file's text: no escape sequence reaches the terminal
      const std::string text = e->impl + ": " + common::visible_text(note);
      auto it = std::find(notes_.begin(), notes_.end(), text);
      if (it == notes_.end()) it = notes_.insert(notes_.end(), text);
      const std::string m = "[" + std::to_string(it - notes_.begin() + 1) + "]";
      if (out.find(m) == std::string::npos) out += m;
    }
  }
  return out;
}

std::vector<std::string> TableLayout::footnotes() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < notes_.size(); ++i) out.push_back("[" + std::to_string(i + 1) + "] " + notes_[i]);
  return out;
}

std::vector<std::vector<std::string>> TableLayout::rows(const std::vector<Entry>& es) const {
  std::vector<std::vector<std::string>> out;
  if (es.empty()) return out;
  const Entry& first = es.front();
  std::vector<std::string> lead = {first.workload, first.params_text(), std::to_string(first.procs)};
  if (single()) {
    for (const auto& e : es) {
      std::vector<std::string> r = lead;
      r.push_back(e.impl);
      r.push_back(status_cell(&e));
      r.push_back(format_cv(e));
      auto ops = e.ops_per_sec();
      r.push_back(ops ? format_rate(*ops) : "-");
      if (std::string m = markers({&e}); !m.empty()) r.push_back(m);
      out.push_back(r);
    }
    return out;
  }
  std::vector<std::string> r = lead;
  std::vector<const Entry*> shown;
  for (const auto& impl : impls_) {
    const Entry* e = find_impl(es, impl);
    r.push_back(status_cell(e));
    r.push_back(e ? format_cv(*e) : "-");
    shown.push_back(e);
  }
  for (size_t i = 0; i < ratio_of_.size(); ++i) {
    auto q = ratio(find_impl(es, "ccbench"), find_impl(es, ratio_of_[i]));
    r.push_back(q ? format_ratio(*q) : "-");
    if (q) ratios_[i].push_back(*q);
  }
  if (std::string m = markers(shown); !m.empty()) r.push_back(m);
  out.push_back(r);
  return out;
}

std::vector<std::string> TableLayout::footer() const {
  if (ratio_of_.empty()) return {};
  std::vector<std::string> r(header().size(), "");
  r[0] = "geomean";
  bool any = false;
  for (size_t i = 0; i < ratio_of_.size(); ++i) {
    auto g = geometric_mean(ratios_[i]);
    r[r.size() - ratio_of_.size() + i] = g ? format_ratio(*g) : "-";
    any |= g.has_value();
  }
  return any ? r : std::vector<std::string>{};
}

std::string TableLayout::legend() const {
  if (ratio_of_.empty()) return "";
  return "ratios: ccbench ns/op divided by the other implementation's; below 1.00x ccbench is faster";
}

void ConsoleTable::print_row(const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) line += "  ";
    // a cell past the columns (a row's note markers) is not padded: the widths stay those of the header
    line += i < layout_.widths().size() ? common::pad(cells[i], layout_.widths()[i], layout_.right_aligned(i)) : cells[i];
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out_ << line << '\n' << std::flush;
}

void ConsoleTable::print_header() { print_row(layout_.header()); }

void ConsoleTable::print_point(const std::vector<Entry>& es) {
  for (const auto& r : layout_.rows(es)) print_row(r);
}

void ConsoleTable::print_footer() {
  std::vector<std::string> f = layout_.footer();
  if (!f.empty()) print_row(f);
  if (!layout_.legend().empty()) out_ << layout_.legend() << '\n';
  const std::vector<std::string> notes = layout_.footnotes();
  if (!notes.empty()) out_ << "notes:\n";
  for (const auto& n : notes) out_ << "  " << n << '\n';
}

}  // namespace ccb::harness

namespace ccb::harness {

std::vector<std::vector<std::string>> latency_rows(const std::vector<Entry>& entries) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : entries) {
    if (!e.latency || e.status != EntryStatus::Ok) continue;
    if (rows.empty())
      rows.push_back({"workload", "params", "procs", "impl", "p50", "p90", "p99", "p99.9", "max", "overhead"});
    const LatencySummary& l = *e.latency;
    auto ns = [](uint64_t v) { return format_ns(static_cast<double>(v)); };
    rows.push_back({e.workload, e.params_text(), std::to_string(e.procs), e.impl, ns(l.p50), ns(l.p90), ns(l.p99),
                    ns(l.p99_9), ns(l.max), l.overhead_pct ? format_pct(*l.overhead_pct) : "-"});
  }
  return rows;
}

namespace {

// clock_read_ns() is the median difference of two back-to-back steady_clock reads in this process:
// what a latency sample adds to the op it times (its two reads bracket the op plus about one read).
double clock_read_ns() {
  std::vector<double> d(1001);
  for (double& v : d) {
    const auto a = std::chrono::steady_clock::now();
    const auto b = std::chrono::steady_clock::now();
    v = std::chrono::duration<double, std::nano>(b - a).count();
  }
  std::nth_element(d.begin(), d.begin() + 500, d.end());
  return d[500];
}

}  // namespace

void write_latency_table(std::ostream& out, const std::vector<Entry>& entries) {
  const auto rows = latency_rows(entries);
  if (rows.empty()) return;
  // A sample of a ~70 ns round trip read p50 91 ns against a median of 70-82 ns per op: the
  // clock's own cost is in every sample, and the header says how large it is here.
  out << "\nlatency per operation, ns (sampled ops of the measured repetitions; overhead = cost of recording;\n"
      << "each sample also times about one clock read, " << format_ns(clock_read_ns())
      << " ns here, so a short op's p50 can exceed its ns/op):\n"
      << common::render_columns(rows, {false, false, true, false, true, true, true, true, true, true});
}

// ---- spawn's seeds' table (extras of the spawn workload; workloads/CONTRACT.md) ----------------

std::vector<std::vector<std::string>> spawn_table_rows(const std::vector<Entry>& entries) {
  static const char* const kLimit[] = {"1 GiB RSS", "task cap", "pid_max", "threads-max",
                                       "RLIMIT_NPROC", "max_map_count", "create failed"};
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : entries) {
    if (e.workload != "spawn" || e.status != EntryStatus::Ok) continue;
    auto x = [&](const char* k) -> std::optional<double> {
      auto it = e.extra.find(k);
      return it == e.extra.end() ? std::nullopt : it->second;
    };
    if (rows.empty())
      rows.push_back({"workload", "params", "procs", "impl", "create ns", "switch ns", "RSS/task B",
                      "tasks in 1 GiB", "stopped by"});
    auto num = [](std::optional<double> v, const char* f) { return v ? fmt(f, *v) : std::string("-"); };
    const auto lim = x("max_tasks_limit");
    const int li = lim ? static_cast<int>(*lim) : -1;
    rows.push_back({e.workload, e.params_text(), std::to_string(e.procs), e.impl,
                    e.stats ? format_ns(e.stats->median) : "-", num(x("switch_ns"), "%.0f"),
                    num(x("rss_per_task_bytes"), "%.0f"), num(x("max_tasks_1gib"), "%.0f"),
                    li >= 0 && li < 7 ? kLimit[li] : "-"});
  }
  return rows;
}

void write_spawn_table(std::ostream& out, const std::vector<Entry>& entries) {
  const auto rows = spawn_table_rows(entries);
  if (rows.empty()) return;
  out << "\nspawn, the seeds' table (medians; tasks in 1 GiB only with capacity=1):\n"
      << common::render_columns(rows, {false, false, true, false, true, true, true, true, false});
}

}  // namespace ccb::harness
