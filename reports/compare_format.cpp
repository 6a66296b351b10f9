// reports/compare_format.cpp — the three renderings of a Comparison (see compare_format.hpp).
#include "reports/compare_format.hpp"

#include <algorithm>
#include <sstream>

#include "common/count_text.hpp"
#include "common/json_text.hpp"
#include "common/markdown.hpp"
#include "common/text_width.hpp"
#include "common/visible_text.hpp"
#include "reports/format_util.hpp"

namespace ccb::reports {
namespace {

using Json = nlohmann::ordered_json;

std::string confidence_label(const Comparison& c) {
  return fmt::confidence(c.options.alpha) + " CI";
}

std::string interval_text(const std::optional<stats::Interval>& ci) {
  if (!ci) return "-";
  return std::string("[") + fmt::fixed(ci->low, 3) + ", " + fmt::fixed(ci->high, 3) + "]";
}

std::string change_text(const PointComparison& p) {
  return p.ratio ? fmt::pct(*p.ratio - 1, 1, true) : "-";
}

std::string p_text(const PointComparison& p) {
  if (p.p_adjusted) return fmt::pvalue(*p.p_adjusted);
  if (p.p_value) return std::string("(") + fmt::pvalue(*p.p_value) + ")";
  return "-";
}

// rounds_text() lists the confirmation rounds' changes: "; rounds +2.1% -0.4% +1.0%".
std::string rounds_text(const PointComparison& p) {
  if (p.confirm_ratios.empty()) return "";
  std::string out = "; rounds";
  for (double r : p.confirm_ratios) out += " " + fmt::pct(r - 1, 1, true);
  return out;
}

std::string verdict_text(const PointComparison& p) {
  std::string v = to_string(p.verdict);
  if (p.first_verdict) v += std::string(" (first verdict: ") + to_string(*p.first_verdict) + rounds_text(p) + ")";
  if (p.noise_floor) v += " [noise floor " + fmt::pct(*p.noise_floor) + "]";
  return p.reason.empty() ? v : v + ": " + p.reason;
}

std::string options_line(const Comparison& c) {
  const CompareOptions& o = c.options;
  return "threshold " + fmt::pct(o.threshold) + ", alpha " + fmt::plain(o.alpha) +
         " (two-sided Mann-Whitney U, Holm-adjusted over " + common::count_text(c.family_size, "point") +
         "), min samples " + std::to_string(o.min_samples) + ", max CV " + fmt::pct(o.max_cv) +
         (o.noise_floor.empty() ? "" : ", noise floor of " + std::to_string(o.noise_floor.size()) + " points") +
         (o.impls.empty() ? "" : ", implementations " + fmt::comma_list(o.impls) + " only") +
         (c.confirm_rounds ? ", " + std::to_string(c.confirm_rounds) + " confirmation round(s)" : "");
}

const char* verdict_mark(Verdict v) {
  switch (v) {
    case Verdict::Regressed: return "\U0001F534";  // red circle
    case Verdict::Improved: return "\U0001F7E2";   // green circle
    case Verdict::Noisy: return "\U0001F7E1";      // yellow circle
    case Verdict::Unchanged: return "\u26AA";      // white circle
  }
  return "";
}

std::string markdown_rows(const Comparison& c, const std::vector<const PointComparison*>& pts) {
  std::string out = "| verdict | point | base | new | change | p (Holm) | " + confidence_label(c) +
                    " of ratio |\n|---|---|---:|---:|---:|---:|---|\n";
  for (const PointComparison* p : pts) {
    out += std::string("| ") + verdict_mark(p->verdict) + " " + to_string(p->verdict) +
           (p->first_verdict ? std::string(" (first: ") + to_string(*p->first_verdict) + rounds_text(*p) + ")" : "") +
           (p->reason.empty() ? "" : " (" + common::md_text(p->reason) + ")") + " | " +
           common::md_code(p->name, true) + " | " + fmt::ns(p->base.median) +
           " | " + fmt::ns(p->next.median) + " | " + change_text(*p) + " | " + p_text(*p) + " | " +
           interval_text(p->ratio_ci) + " |\n";
  }
  return out;
}

// markdown_list() folds a list into <details>; `code` makes each item a code span (md_code),
// otherwise the items are markdown already. The title is HTML (the <summary> line is an HTML block,
// where markdown escapes do not apply), so a file name in it is escaped as HTML.
std::string markdown_list(const std::string& title, const std::vector<std::string>& items, bool code = true) {
  if (items.empty()) return "";
  std::string out = "<details><summary>" + fmt::html(title) + " (" + std::to_string(items.size()) + ")</summary>\n\n";
  for (const std::string& s : items) out += code ? "- " + common::md_code(s, false) + "\n" : "- " + s + "\n";
  return out + "\n</details>\n\n";
}

Json optional_number(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

Json side_json(const SampleStats& s) {
  Json j;
  j["samples"] = s.n;
  j["median_ns"] = s.n ? Json(s.median) : Json(nullptr);
  j["min_ns"] = s.n ? Json(s.min) : Json(nullptr);
  j["max_ns"] = s.n ? Json(s.max) : Json(nullptr);
  j["cv"] = optional_number(s.cv);
  return j;
}

Json interval_json(const std::optional<stats::Interval>& ci) {
  if (!ci) return nullptr;
  return Json{{"low", ci->low}, {"high", ci->high}};
}

}  // namespace

std::string summary_line(const Comparison& c) {
  std::string s = common::count_text(c.points.size(), "point") + " compared: " +
                  std::to_string(c.count(Verdict::Regressed)) + " regressed, " +
                  std::to_string(c.count(Verdict::Improved)) + " improved, " +
                  std::to_string(c.count(Verdict::Unchanged)) + " unchanged, " +
                  std::to_string(c.count(Verdict::Noisy)) + " noisy";
  if (!c.newly_failing.empty()) s += "; " + std::to_string(c.newly_failing.size()) + " newly failing";
  if (c.geomean) {
    s += "; geomean ratio " + fmt::fixed(*c.geomean, 3) + " (" + fmt::pct(*c.geomean - 1, 1, true);
    if (c.geomean_ci) s += ", " + confidence_label(c) + " " + interval_text(c.geomean_ci);
    s += ")";
  }
  if (!c.only_in_base.empty()) s += "; " + std::to_string(c.only_in_base.size()) + " only in " + c.base_file;
  if (!c.only_in_new.empty()) s += "; " + std::to_string(c.only_in_new.size()) + " only in " + c.new_file;
  if (!c.not_compared.empty()) s += "; " + std::to_string(c.not_compared.size()) + " not compared";
  return s;
}

std::string gate_line(const Comparison& c) {
  return std::string("gate (--fail-on ") + to_string(c.options.fail_on) +
         "): " + (c.gate_failed ? "FAILED: " : "passed: ") + c.gate_message;
}

// format_table() prints text of the files (names, reasons, warnings) through common::visible_text:
// an ESC in a point name could retitle or clear the terminal, a newline fake a line.
std::string format_table(const Comparison& c, bool with_warnings) {
  const auto v = [](const std::string& s) { return common::visible_text(s); };
  std::string out = "ccbench compare: base " + v(c.base_file) + " -> new " + v(c.new_file) + "\n" + options_line(c) + "\n";
  if (with_warnings)
    for (const std::string& w : c.warnings) out += "warning: " + v(w) + "\n";
  out += "\n";
  std::vector<std::vector<std::string>> rows{
      {"point", "base", "new", "change", "p(Holm)", confidence_label(c) + " of ratio", "verdict"}};
  for (const PointComparison& p : c.points) {
    rows.push_back({v(p.name), fmt::ns(p.base.median), fmt::ns(p.next.median), change_text(p), p_text(p),
                    interval_text(p.ratio_ci), v(verdict_text(p))});
  }
  out += common::render_columns(rows, {false, true, true, true, true, false, false});
  if (c.count(Verdict::Noisy) > 0) out += "(p in parentheses: raw p of a noisy point, not in the Holm family)\n";
  auto list = [&](const std::string& title, const std::vector<std::string>& items) {
    if (items.empty()) return;
    out += "\n" + v(title) + " (" + std::to_string(items.size()) + "):\n";
    for (const std::string& s : items) out += "  " + v(s) + "\n";
  };
  if (!c.newly_failing.empty()) {
    out += "\nnewly failing: status \"ok\" in base, \"failed\" in new (" + std::to_string(c.newly_failing.size()) +
           "):\n";
    for (const NotCompared& n : c.newly_failing) out += "  " + v(n.name) + ": " + v(n.reason) + "\n";
  }
  list("only in " + c.base_file, c.only_in_base);
  list("only in " + c.new_file, c.only_in_new);
  if (!c.not_compared.empty()) {
    out += "\nnot compared (" + std::to_string(c.not_compared.size()) + "):\n";
    for (const NotCompared& n : c.not_compared) out += "  " + v(n.name) + ": " + v(n.reason) + "\n";
  }
  out += "\nsummary: " + v(summary_line(c)) + "\n" + v(gate_line(c)) + "\n";
  return out;
}

std::string format_markdown(const Comparison& c) {
  std::string out = std::string("### ccbench compare: ") + (c.gate_failed ? "\u274C gate failed" : "\u2705 gate passed") +
                    "\n\n**" + common::md_text(summary_line(c)) + "**\n\n" + "Gate `--fail-on " +
                    to_string(c.options.fail_on) + "`: " + (c.gate_failed ? "**failed**: " : "passed: ") +
                    common::md_text(c.gate_message) + ".\n\n";
  if (!c.newly_failing.empty()) {
    out += "#### \U0001F534 Newly failing (" + std::to_string(c.newly_failing.size()) +
           "): status \"ok\" in base, \"failed\" in new\n\n";
    for (const NotCompared& n : c.newly_failing)
      out += "- " + common::md_code(n.name, false) + ": " + common::md_text(n.reason) + "\n";
    out += "\n";
  }
  if (!c.warnings.empty()) {
    out += "> [!WARNING]\n";
    for (const std::string& w : c.warnings) out += "> - " + common::md_text(w) + "\n";
    out += "\n";
  }
  std::vector<const PointComparison*> notable, unchanged;
  for (const PointComparison& p : c.points) (p.verdict == Verdict::Unchanged ? unchanged : notable).push_back(&p);
  auto rank = [](Verdict v) { return v == Verdict::Regressed ? 0 : v == Verdict::Improved ? 1 : 2; };
  std::stable_sort(notable.begin(), notable.end(), [&](const PointComparison* a, const PointComparison* b) {
    return rank(a->verdict) < rank(b->verdict);
  });
  if (!notable.empty()) out += markdown_rows(c, notable) + "\n";
  if (!unchanged.empty()) {
    out += "<details><summary>unchanged (" + std::to_string(unchanged.size()) + ")</summary>\n\n" +
           markdown_rows(c, unchanged) + "\n</details>\n\n";
  }
  out += markdown_list("only in " + c.base_file, c.only_in_base);
  out += markdown_list("only in " + c.new_file, c.only_in_new);
  std::vector<std::string> nc;
  for (const NotCompared& n : c.not_compared) nc.push_back(common::md_code(n.name, false) + ": " + common::md_text(n.reason));
  out += markdown_list("not compared", nc, false);
  out += "<sub>Base " + common::md_code(c.base_file, false) + ", new " + common::md_code(c.new_file, false) + "; " +
         options_line(c) +
         ". Change = new/base median ns/op - 1 (positive = slower).</sub>\n";
  return out;
}

Json to_json(const Comparison& c) {
  Json j;
  j["tool"] = "ccbench compare";
  j["base_file"] = c.base_file;
  j["new_file"] = c.new_file;
  const CompareOptions& o = c.options;
  j["options"] = {{"threshold", o.threshold}, {"alpha", o.alpha}, {"min_samples", o.min_samples},
                  {"max_cv", o.max_cv}, {"fail_on", to_string(o.fail_on)}, {"fail_unjudged", o.fail_unjudged},
                  {"test", "mann-whitney-u two-sided: exact distribution when a point's samples have no ties and n1*n2 <= 2500, "
                           "otherwise normal approximation, tie and continuity corrected"},
                  {"adjustment", "holm-bonferroni"}, {"family_size", c.family_size},
                  {"noise_floor_points", o.noise_floor.size()}, {"confirm_rounds", c.confirm_rounds},
                  {"impls", o.impls.empty() ? Json(nullptr) : Json(o.impls)}};
  j["warnings"] = c.warnings;
  Json pts = Json::array();
  for (const PointComparison& p : c.points) {
    pts.push_back({{"name", p.name}, {"verdict", to_string(p.verdict)},
                   {"reason", p.reason.empty() ? Json(nullptr) : Json(p.reason)}, {"base", side_json(p.base)},
                   {"new", side_json(p.next)}, {"ratio", optional_number(p.ratio)},
                   {"change", p.ratio ? Json(*p.ratio - 1) : Json(nullptr)}, {"p_value", optional_number(p.p_value)},
                   {"p_adjusted", optional_number(p.p_adjusted)}, {"ratio_ci", interval_json(p.ratio_ci)},
                   {"noise_floor", optional_number(p.noise_floor)},
                   {"first_verdict", p.first_verdict ? Json(to_string(*p.first_verdict)) : Json(nullptr)},
                   {"confirm_ratios", p.confirm_ratios}, {"confirmed_ratio", optional_number(p.confirmed_ratio)}});
  }
  j["points"] = std::move(pts);
  Json nf = Json::array();
  for (const NotCompared& n : c.newly_failing) nf.push_back({{"name", n.name}, {"reason", n.reason}});
  j["newly_failing"] = std::move(nf);
  j["only_in_base"] = c.only_in_base;
  j["only_in_new"] = c.only_in_new;
  Json nc = Json::array();
  for (const NotCompared& n : c.not_compared) nc.push_back({{"name", n.name}, {"reason", n.reason}});
  j["not_compared"] = std::move(nc);
  j["summary"] = {{"points", c.points.size()},
                  {"regressed", c.count(Verdict::Regressed)},
                  {"improved", c.count(Verdict::Improved)},
                  {"unchanged", c.count(Verdict::Unchanged)},
                  {"noisy", c.count(Verdict::Noisy)},
                  {"newly_failing", c.newly_failing.size()},
                  {"geomean_ratio", optional_number(c.geomean)},
                  {"geomean_ci", interval_json(c.geomean_ci)},
                  {"confirmed_geomean_ratio", optional_number(c.confirmed_geomean)},
                  {"geomean_remeasured", c.geomean_remeasured},
                  {"line", summary_line(c)}};
  j["gate"] = {{"fail_on", to_string(o.fail_on)}, {"failed", c.gate_failed}, {"message", c.gate_message}};
  return j;
}

// File names come from the command line and may hold any bytes; replace (U+FFFD) what is not UTF-8
// rather than throw (a file named in Latin-1 made compare exit 1, the gate's code, with no output).
std::string format_json(const Comparison& c) { return common::json_text(to_json(c)); }

std::string format_comparison(const Comparison& c, CompareFormat f) {
  switch (f) {
    case CompareFormat::Table: return format_table(c);
    case CompareFormat::Markdown: return format_markdown(c);
    case CompareFormat::Json: return format_json(c);
  }
  return format_table(c);
}

}  // namespace ccb::reports
