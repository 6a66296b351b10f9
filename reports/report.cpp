// reports/report.cpp — `ccbench report` / write_report(): load and validate every input, optionally
// compare against the baseline, draw the charts, write index.html (contract in cli.hpp and
// report_html.hpp). Order matters: all input is validated before anything is written, so bad input
// (exit 2) leaves no half-written report behind. Neither does SIGINT, SIGTERM or SIGHUP while the
// charts are drawn (most of a report's time): the drawer is stopped and reaped (chart_runner.hpp),
// the charts it drew and this report's compare.json are removed, no index.html is written (an
// earlier report's went with its charts as this one started: prepare_dirs()), and
// the exit status is 128 + the signal. At any other moment the signal ends ccbench at once (its
// default action): compare.json and index.html are each written whole or not at all, and no
// child is running then.
// DIR/charts may hold other files: a report removes only chart files a report wrote there (the
// charts the earlier report's charts/manifest.json lists, and what this report's drawer created
// or rewrote that its page does not use), never the rest (see "the files of DIR/charts" below).
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include "common/json_text.hpp"
#include "common/output_file.hpp"
#include "common/visible_text.hpp"
#include "reports/atomic_write.hpp"
#include "reports/chart_runner.hpp"
#include "reports/child_run.hpp"
#include "reports/cli.hpp"
#include "reports/compare.hpp"
#include "reports/compare_format.hpp"
#include "reports/report_html.hpp"
#include "reports/results_loader.hpp"

namespace ccb::reports {
namespace {

namespace fs = std::filesystem;

class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

void write_file(const fs::path& path, const std::string& text) {
  if (const std::string problem = write_atomically(path.string(), text); !problem.empty())  // temp + rename
    throw OutputError("cannot write " + path.string() + ": " + problem);
}

// merged() is what a baseline is compared against: every point of the results files, the first
// file holding a name winning (the page still shows all of them). `ignored` counts the points
// left out because an earlier file holds the same name. Several files are named together ("a.json
// + b.json"), each one's recorded warnings are kept under its own name, and what one file's
// context says of itself alone (an interrupted run, a test hook, CCB_CHAOS) goes to `notes`, said
// of that file: on the merged side it named "results" and read "is an interrupted run ...: it
// holds only those points" of a set holding all 12 (session 48's review).
Results merged(const std::vector<Results>& results, std::size_t& ignored, std::vector<std::string>& notes) {
  Results m;
  m.context = results.front().context;
  if (results.size() == 1) {
    m.file = results.front().file;
  } else {
    for (const Results& r : results) m.file += (m.file.empty() ? "" : " + ") + r.file;
    m.context.warnings.clear();
    m.context.injection = m.context.chaos = false;
    m.context.interrupted.reset();
    for (const Results& r : results) {
      for (const std::string& w : r.context.warnings) m.context.warnings.push_back(r.file + ": " + w);
      if (r.context.injection)
        notes.push_back(r.file + " was measured with a CCB_INJECT_* test hook active (deliberately slowed)");
      if (r.context.chaos)
        notes.push_back(r.file + " was measured with CCB_CHAOS=1 (the runtime's fault injection perturbed it)");
      if (r.context.interrupted)
        notes.push_back(r.file + " is an interrupted run (" + *r.context.interrupted +
                        "): the comparison has only its finished points, with the other files' points");
    }
  }
  std::map<std::string, bool> seen;
  ignored = 0;
  for (const Results& r : results) {
    for (const Point& p : r.benchmarks) {
      if (seen.emplace(p.name, true).second) m.benchmarks.push_back(p);
      else ++ignored;
    }
  }
  return m;
}

// The field that marks a compare.json as written by report (kWrittenBy), so that a later report
// removes only its own: a DIR/compare.json from `ccbench compare --format json --out` is the user's.
constexpr const char* kWrittenByKey = "written_by";
constexpr const char* kWrittenBy = "ccbench report";

// written_by_report() is true when `path` is a JSON object whose "written_by" is "ccbench report".
bool written_by_report(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return false;
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (!j.is_object()) return false;
  const auto it = j.find(kWrittenByKey);
  return it != j.end() && it->is_string() && it->get<std::string>() == kWrittenBy;
}

// ---- the files of DIR/charts -------------------------------------------------------------------
// A report removes only chart files a report wrote: the charts the previous report's
// charts/manifest.json lists (and that manifest), and, of the files this report's drawer created
// or rewrote, those its page does not use (all of them when it is interrupted). Everything else in
// DIR/charts (a user's own *.png, *.svg, notes) stays. Before, every *.png and *.svg there went.

bool is_chart_file(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".png" || ext == ".svg" || p.filename() == "manifest.json";
}

// chart_file_name() is NAME of a manifest path "charts/NAME" when NAME is a file name charts.py
// writes ([A-Za-z0-9_-]+ then `ext`), else empty: a manifest never makes report remove anything else.
std::string chart_file_name(const nlohmann::json& v, const std::string& ext) {
  if (!v.is_string()) return {};
  const std::string s = v.get<std::string>();
  const std::string prefix = "charts/";
  if (s.size() <= prefix.size() + ext.size() || s.rfind(prefix, 0) != 0 || !s.ends_with(ext)) return {};
  const std::string name = s.substr(prefix.size());
  const std::string stem = name.substr(0, name.size() - ext.size());
  const bool safe = std::all_of(stem.begin(), stem.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  return safe ? name : std::string();
}

// remove_listed_charts() removes the charts that `charts`/manifest.json lists, and that manifest,
// when it is a chart manifest (an object with a "charts" array); anything else is left alone.
void remove_listed_charts(const fs::path& charts) {
  const fs::path manifest = charts / "manifest.json";
  std::ifstream in(manifest);
  if (!in) return;
  const nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
  in.close();
  if (!doc.is_object() || !doc.contains("charts") || !doc["charts"].is_array()) return;
  std::error_code ec;
  for (const nlohmann::json& c : doc["charts"]) {
    if (!c.is_object()) continue;
    for (const auto& [key, ext] : {std::pair{"png", ".png"}, std::pair{"svg", ".svg"}})
      if (const std::string name = chart_file_name(c.value(key, nlohmann::json()), ext); !name.empty())
        if (fs::is_regular_file(fs::symlink_status(charts / name, ec))) fs::remove(charts / name, ec);
  }
  fs::remove(manifest, ec);
}

// ChartFiles: the chart files (*.png, *.svg, manifest.json) in DIR/charts before the drawer ran,
// by name, with what identifies their content (inode, size, modification time).
using FileId = std::tuple<std::uint64_t, std::int64_t, std::int64_t>;
using ChartFiles = std::map<std::string, FileId>;

ChartFiles chart_files(const fs::path& charts) {
  ChartFiles out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(charts, ec)) {
    struct stat st {};
    if (!is_chart_file(entry.path()) || ::lstat(entry.path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    out[entry.path().filename().string()] =
        FileId{st.st_ino, st.st_size, static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec};
  }
  return out;
}

// remove_drawn() removes the chart files in `charts` that are not in `before` as they were there
// (created or rewritten since: the drawer's), except the names in `keep`.
void remove_drawn(const fs::path& charts, const ChartFiles& before, const std::set<std::string>& keep = {}) {
  std::error_code ec;
  for (const auto& [name, id] : chart_files(charts)) {
    const auto it = before.find(name);
    if ((it == before.end() || it->second != id) && keep.count(name) == 0) fs::remove(charts / name, ec);
  }
}

// prepare_dirs() creates DIR and DIR/charts and removes the charts (those its manifest lists) and
// the compare.json of an earlier report there, so the directory never holds a stale chart of a
// report or a comparison this report did not make (a run without --baseline left the previous
// run's compare.json). A compare.json that report did not write (no "written_by": "ccbench
// report") is left alone, as are files in DIR/charts no manifest lists (the user's). The earlier
// index.html goes with its charts: a report interrupted while drawing left it linking to charts
// that were gone (session 48's review); `had_index` says whether there was one.
fs::path prepare_dirs(const std::string& out_dir, bool& had_index) {
  if (const std::string problem = common::directory_name_problem(out_dir); !problem.empty())
    throw OutputError("--out " + out_dir + ": " + problem);
  std::error_code ec;
  if (fs::exists(out_dir, ec) && !fs::is_directory(out_dir, ec))
    throw OutputError("--out " + out_dir + ": is a file, not a directory; the report is a directory "
                      "(index.html, charts/): give a directory name");
  const fs::path charts = fs::path(out_dir) / "charts";
  fs::create_directories(charts, ec);
  if (ec)
    throw OutputError("--out " + out_dir + ": cannot create the report's directory " + charts.string() + ": " +
                      ec.message());
  const fs::path old_compare = fs::path(out_dir) / "compare.json";
  if (fs::is_regular_file(old_compare, ec) && written_by_report(old_compare)) fs::remove(old_compare, ec);
  had_index = fs::remove(fs::path(out_dir) / "index.html", ec);
  remove_listed_charts(charts);
  return charts;
}

// usable_charts() keeps the manifest entries whose files exist and are non-empty.
std::vector<ChartInfo> usable_charts(const fs::path& out_dir, std::vector<ChartInfo> charts, std::string& notice) {
  std::vector<ChartInfo> ok;
  for (ChartInfo& c : charts) {
    std::error_code ec;
    const bool present = fs::file_size(out_dir / c.png, ec) > 0 && !ec && fs::file_size(out_dir / c.svg, ec) > 0 && !ec;
    if (present) ok.push_back(std::move(c));
    else notice = "some charts are missing: " + c.id + " was listed but not written";
  }
  return ok;
}

}  // namespace

int write_report(const std::vector<std::string>& result_files, const std::string& out_dir,
                 const std::string& baseline_file, std::ostream& out, std::ostream& err) {
  if (result_files.empty()) {
    err << "ccbench report: no results files given\n";
    return 2;
  }
  if (out_dir.empty()) {
    err << "ccbench report: --out DIR is required\n";
    return 2;
  }
  // One file given twice (a.json ./a.json) put every row in twice without a word (helper-80).
  for (std::size_t i = 0; i < result_files.size(); ++i)
    for (std::size_t j = i + 1; j < result_files.size(); ++j) {
      std::error_code ec;
      if (fs::equivalent(result_files[i], result_files[j], ec) && !ec) {
        err << "ccbench report: " << common::visible_text(result_files[j]) << " is "
            << common::visible_text(result_files[i]) << " again: give each results file once\n";
        return 2;
      }
    }
  // the user's own setting gone wrong: bad usage, not a report without charts and exit 0
  if (const std::string problem = chart_settings_problem(); !problem.empty()) {
    err << "ccbench report: " << common::visible_text(problem) << "\n";
    return 2;
  }
  ReportPage page;
  std::optional<Results> base;
  std::optional<Comparison> comparison;
  try {
    for (const std::string& f : result_files) page.results.push_back(load_results(f));
    if (!baseline_file.empty()) {
      base = load_results(baseline_file);
      std::size_t ignored = 0;
      std::vector<std::string> notes;
      comparison = compare_results(*base, merged(page.results, ignored, notes), CompareOptions{});
      for (std::string& n : notes) {
        err << "ccbench report: warning: " << common::visible_text(n) << "\n";
        comparison->warnings.push_back(std::move(n));
      }
      // Said, not silent: the comparison leaves out those points of later files. On stderr too: it
      // was only in the page (helper-43's audit).
      if (ignored > 0) {
        comparison->warnings.push_back(std::to_string(ignored) + " point(s) of later results files are also in an "
                                       "earlier one; the comparison uses the first file that has each point");
        err << "ccbench report: warning: " << common::visible_text(comparison->warnings.back()) << "\n";
      }
      page.baseline = &*base;
    }
  } catch (const InputError& e) {
    err << "ccbench report: " << common::visible_text(e.what()) << "\n";
    return 2;
  }
  // Files from different machines or builds side by side: said, as compare says it (the report put
  // them in one table and one chart with no word; reports audit, session 42). Each file's own
  // flags (chaos, injection, interrupted) are in its context table already.
  for (std::size_t i = 1; i < page.results.size(); ++i)
    for (std::string& w : pair_warnings(page.results[0], page.results[i], "the report shows their numbers side by side"))
      if (w.rfind("files differ in ", 0) == 0 &&
          std::find(page.warnings.begin(), page.warnings.end(), w) == page.warnings.end()) {
        err << "ccbench report: warning: " << common::visible_text(w) << "\n";
        page.warnings.push_back(std::move(w));
      }
  // Valid but empty (e.g. a run interrupted before its first point): said, not a silent blank page.
  for (const Results& r : page.results)
    if (r.benchmarks.empty())
      err << "ccbench report: warning: " << common::visible_text(r.file) << " has no points (nothing was measured); the report shows "
          << "nothing of it\n";
  fs::path charts_dir;
  ChartFiles before_drawing;  // DIR/charts' chart files before the drawer ran (none of them its)
  bool had_index = false;  // DIR held an earlier report's index.html (prepare_dirs removed it)
  std::string compare_json;
  try {
    const fs::path dir(out_dir);
    charts_dir = prepare_dirs(out_dir, had_index);
    if (comparison) {
      compare_json = (dir / "compare.json").string();
      nlohmann::ordered_json j = to_json(*comparison);
      j[kWrittenByKey] = kWrittenBy;  // lets a later report without --baseline remove it (prepare_dirs)
      write_file(compare_json, common::json_text(j));
      page.comparison = &*comparison;
    }
    before_drawing = chart_files(charts_dir);
    const ChartRun run = run_charts(result_files, charts_dir.string(), compare_json);
    if (run.drawn) {
      page.charts = read_chart_manifest((charts_dir / "manifest.json").string(), page.notice);
      page.charts = usable_charts(dir, std::move(page.charts), page.notice);
      // What the drawer wrote and the page does not show (a chart that failed halfway) goes.
      std::set<std::string> shown = {"manifest.json"};
      for (const ChartInfo& c : page.charts)
        for (const std::string& f : {c.png, c.svg}) shown.insert(fs::path(f).filename().string());
      remove_drawn(charts_dir, before_drawing, shown);
    } else {
      remove_drawn(charts_dir, before_drawing);
      page.notice = run.notice;
      if (!run.log.empty() && run.notice.find("matplotlib is not available") == std::string::npos) {
        // line by line through visible_text: the drawer's output quotes the results files
        std::size_t start = 0;
        while (start < run.log.size()) {
          std::size_t end = run.log.find('\n', start);
          if (end == std::string::npos) end = run.log.size();
          err << common::visible_text(std::string_view(run.log).substr(start, end - start)) << "\n";
          start = end + 1;
        }
      }
    }
    if (!page.notice.empty()) err << "ccbench report: " << common::visible_text(page.notice) << "\n";
    const fs::path index = dir / "index.html";
    write_file(index, render_index_html(page));
    out << index.string() << "\n";
    return 0;
  } catch (const OutputError& e) {
    err << "ccbench report: " << e.what() << "\n";
  } catch (const fs::filesystem_error& e) {
    err << "ccbench report: " << e.what() << "\n";
  } catch (const Interrupted& e) {
    // The drawer is stopped and reaped (run_charts()): nothing writes here any more. What this
    // report wrote goes, so that DIR holds no half-written report.
    remove_drawn(charts_dir, before_drawing);
    std::error_code ec;
    if (!compare_json.empty()) fs::remove(compare_json, ec);
    err << "ccbench report: " << e.what() << "; the chart drawer was stopped, the charts it had drawn"
        << (compare_json.empty() ? "" : " and compare.json") << " removed, and no index.html written"
        << (had_index ? " (the earlier report's index.html there went with its charts when this one started)" : "")
        << "\n";
    return e.exit_code();
  }
  return 2;
}

}  // namespace ccb::reports
