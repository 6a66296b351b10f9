// reports/cli.cpp — option definitions, help texts and option validation of `ccbench compare` and
// `ccbench report` (contract in cli.hpp). Options that need custom syntax ("5%" or "0.05") are taken
// as strings and validated here, so every usage error becomes exit code 2 with a message that lists
// the accepted forms, whichever main() drives the parser.
#include "reports/cli.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>

#include "common/suggest.hpp"
#include "common/visible_text.hpp"
#include "reports/atomic_write.hpp"
#include "reports/child_run.hpp"
#include "reports/cli_help.hpp"
#include "reports/compare.hpp"
#include "reports/compare_format.hpp"
#include "reports/format_util.hpp"
#include "reports/gate_quality.hpp"
#include "reports/results_loader.hpp"

namespace ccb::reports {

struct Commands {
  CLI::App* compare = nullptr;
  CLI::App* report = nullptr;
  // compare
  std::string base_file, new_file;
  std::string threshold = "5%", alpha = "0.05", max_cv = "10%", min_samples = "5";
  std::string fail_on = "regressed", format = "table", out_file;
  std::string confirm = "auto", base_run, new_run, noise_floor_file;
  bool fail_unjudged = false;
  std::string impls;  // --impl LIST; empty: all
  // calibrate
  CLI::App* calibrate = nullptr;
  std::string pairs = "3", calib_out = "noise-floor.json", calib_run;
  std::vector<std::string> calib_files;
  // report
  std::vector<std::string> results;
  std::string out_dir, baseline;
  // Options whose empty value would read as "not given" (checked by reject_empty()).
  std::vector<CLI::Option*> compare_nonempty, calibrate_nonempty, report_nonempty;
};

namespace {

// Rounds of `compare --confirm auto` (see gate_quality.hpp: here a round of the same build against
// itself reaches +5% with probability 0.24, so 6 rounds all do with probability ~0.0002).
constexpr int kAutoConfirmRounds = 6;

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// parse_fraction() accepts "5%" (percent) or "0.05" (fraction); returns the fraction.
double parse_fraction(const std::string& text, const char* option, double lo, double hi, bool lo_inclusive) {
  std::string t = text;
  const bool percent = !t.empty() && t.back() == '%';
  if (percent) t.pop_back();
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(t, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  // decimal only, no surrounding blanks: std::stod also skips leading spaces and takes "0x1p-4"
  const bool decimal = !t.empty() && t.find_first_not_of("0123456789.eE+-") == std::string::npos;
  if (!decimal || used != t.size() || !std::isfinite(v)) {
    throw UsageError(std::string(option) + ": expected a percentage like 5% or a fraction like 0.05, got \"" + text + "\"");
  }
  if (percent) v /= 100;
  if (!(v < hi) || v < lo || (!lo_inclusive && v == lo)) {
    throw UsageError(std::string(option) + ": " + text + " is out of range: the fraction must be " +
                     (lo_inclusive ? "at least " : "above ") + fmt::plain(lo) + " and below " + fmt::plain(hi) +
                     (percent ? "" : " (write a percentage with %, e.g. 5%)"));
  }
  return v;
}

CompareOptions compare_options(const Commands& c, CompareFormat& format) {
  CompareOptions o;
  o.threshold = parse_fraction(c.threshold, "--threshold", 0, 1, true);
  o.alpha = parse_fraction(c.alpha, "--alpha", 0, 1, false);
  o.max_cv = parse_fraction(c.max_cv, "--max-cv", 0, 10, false);
  std::size_t used = 0;
  long n = 0;
  try {
    n = std::stol(c.min_samples, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  const bool digits = c.min_samples.find_first_not_of("0123456789") == std::string::npos;  // std::stol skips blanks
  if (!digits || used == 0 || used != c.min_samples.size() || n < 2 || n > 1000000) {
    throw UsageError("--min-samples: expected an integer from 2 to 1000000, got \"" + c.min_samples + "\"");
  }
  o.min_samples = static_cast<std::size_t>(n);
  if (c.fail_on == "regressed") o.fail_on = FailOn::Regressed;
  else if (c.fail_on == "geomean") o.fail_on = FailOn::Geomean;
  else if (c.fail_on == "never") o.fail_on = FailOn::Never;
  else throw UsageError("--fail-on: expected regressed, geomean or never, got \"" + c.fail_on + "\"");
  if (c.fail_unjudged && o.fail_on != FailOn::Regressed)
    throw UsageError("--fail-unjudged applies to --fail-on regressed only, not --fail-on " + c.fail_on);
  o.fail_unjudged = c.fail_unjudged;
  if (c.format == "table") format = CompareFormat::Table;
  else if (c.format == "markdown") format = CompareFormat::Markdown;
  else if (c.format == "json") format = CompareFormat::Json;
  else throw UsageError("--format: expected table, markdown or json, got \"" + c.format + "\"");
  if (!c.noise_floor_file.empty()) {
    std::error_code ec;
    if (!std::filesystem::exists(c.noise_floor_file, ec))
      throw UsageError("--noise-floor " + c.noise_floor_file + ": no such file (`ccbench calibrate` writes one)");
    o.noise_floor = load_noise_floor(c.noise_floor_file);
  }
  return o;
}

// selected_impls() is --impl's set of implementations, each one that both files measured points
// with (empty: --impl not given, every implementation).
std::set<std::string> selected_impls(const std::string& list, const Results& base, const Results& next) {
  std::set<std::string> out;
  if (list.empty() || list == "all") return out;  // every implementation, as `run --impl all`
  const auto impls_of = [](const Results& r) {
    std::set<std::string> s;
    for (const Point& p : r.benchmarks) s.insert(p.impl);
    return s;
  };
  const std::set<std::string> in_base = impls_of(base), in_next = impls_of(next);
  std::size_t from = 0;
  while (from <= list.size()) {
    const std::size_t comma = std::min(list.find(',', from), list.size());
    const std::string impl = list.substr(from, comma - from);
    from = comma + 1;
    if (impl.empty())
      throw UsageError("--impl: expected implementation names separated by commas (e.g. ccbench or ccbench,go), got \"" +
                       common::visible_text(list) + "\"");
    // As `run --impl` words them: a name no results file can hold, `all` among others, a repeat.
    static const std::vector<std::string> kKnown = {"ccbench", "go", "threads"};
    if (impl == "all")
      throw UsageError("--impl: 'all' stands alone (--impl all); it cannot be listed with other names");
    if (std::find(kKnown.begin(), kKnown.end(), impl) == kKnown.end())
      throw UsageError("--impl: unknown implementation '" + common::visible_text(impl) + "'" +
                       common::did_you_mean(impl, {"ccbench", "go", "threads", "all"}) + "; valid: ccbench, go, threads, all");
    if (out.count(impl)) throw UsageError("--impl: '" + impl + "' is listed twice");
    for (const auto& [r, has] : {std::pair{&base, &in_base}, std::pair{&next, &in_next}})
      if (!has->count(impl))
        throw UsageError("--impl " + common::visible_text(impl) + ": " + r->file + " has no point of that implementation (it has: " +
                         (has->empty() ? std::string("none") : fmt::comma_list(*has)) + ")");
    out.insert(impl);
  }
  return out;
}

// parse_count() parses an integer lo..hi for `option`: digits only, as --min-samples (std::stol
// also skips leading blanks and takes a sign: --confirm " 1" was 1).
int parse_count(const std::string& text, const char* option, int lo, int hi) {
  std::size_t used = 0;
  long n = 0;
  try {
    n = std::stol(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  const bool digits = text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits || used == 0 || used != text.size() || n < lo || n > hi)
    throw UsageError(std::string(option) + ": expected an integer from " + std::to_string(lo) + " to " +
                     std::to_string(hi) + ", got \"" + text + "\"");
  return static_cast<int>(n);
}

// reject_empty() rejects an option given with an empty value (`--out ""`), which would otherwise
// silently mean "not given" (stdout, the default command).
void reject_empty(const std::vector<CLI::Option*>& options) {
  for (const CLI::Option* o : options)
    if (o->count() > 0 && o->as<std::string>().empty())
      throw UsageError(o->get_name() + ": empty value; give a " + o->get_type_name() +
                       (o->get_required() ? "" : " or leave the option out"));
}

// check_output() proves before any work that `path` (option `--out`) can be written, and that it
// is none of the input files (which the write would replace). Throws UsageError with the reason.
void check_output(const std::string& path, const std::vector<std::string>& inputs) {
  const std::string problem = output_problem(path);
  if (!problem.empty()) throw UsageError("--out " + path + ": " + problem);
  for (const std::string& in : inputs) {
    std::error_code ec;
    if (std::filesystem::equivalent(path, in, ec) && !ec)
      throw UsageError("--out " + path + ": is also an input file (" + in + "); give another name");
  }
}

// ScratchDir: a private temporary directory, removed with its contents.
struct ScratchDir {
  std::string path;
  ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ccbench-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw UsageError("cannot create a temporary directory in " + tmpl);
    path = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

std::string self_exe() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("ccbench") : p.string();
}

int run_compare(const Commands& c, std::ostream& out, std::ostream& err) {
  try {
    CompareFormat format = CompareFormat::Table;
    reject_empty(c.compare_nonempty);
    CompareOptions options = compare_options(c, format);
    if (!c.out_file.empty()) {
      std::vector<std::string> inputs = {c.base_file, c.new_file};
      if (!c.noise_floor_file.empty()) inputs.push_back(c.noise_floor_file);  // --out F --noise-floor F replaced it
      check_output(c.out_file, inputs);
    }
    const Results base = load_results(c.base_file);
    const Results next = load_results(c.new_file);
    options.impls = selected_impls(c.impls, base, next);
    // --confirm: "auto" (default) confirms with kAutoConfirmRounds rounds when both sides' commands
    // are known (given, or re-derived from the files: rerun_command()); N > 0 requires them.
    const bool automatic = c.confirm == "auto";
    int confirm = automatic ? kAutoConfirmRounds : parse_count(c.confirm, "--confirm", 0, 100);
    if (confirm == 0 && (!c.base_run.empty() || !c.new_run.empty()))
      throw UsageError(std::string(!c.base_run.empty() ? "--base-run" : "--new-run") +
                       " has no effect with --confirm 0 (nothing is re-measured); drop one or the other");
    std::string base_cmd = c.base_run, new_cmd = c.new_run, why_not;
    // The binaries of re-derived commands ([0] base, [1] new), checked again before and after every run.
    std::optional<ExecutableIdentity> exe_id[2];
    if (confirm > 0) {
      if (base_cmd.empty()) base_cmd = rerun_command(base, why_not, &exe_id[0].emplace()).value_or("");
      if (new_cmd.empty() && why_not.empty()) new_cmd = rerun_command(next, why_not, &exe_id[1].emplace()).value_or("");
      if (base_cmd.empty() || new_cmd.empty()) {
        if (!automatic)
          throw UsageError("--confirm: " + why_not + "; pass --base-run CMD and --new-run CMD (the `ccbench run …` command of each side)");
        confirm = 0;
      }
    }
    Comparison cmp;
    std::vector<std::string> extra_warnings;  // the confirmation's own, added to cmp's at the end
    {
      // The confirmation runs only: the scope ends before --out is written. Its handler records a
      // signal and restarts the interrupted call, so an --out FIFO without a reader kept compare
      // blocked in open() through SIGINT and SIGTERM (child_run.hpp); after the scope they end it
      // at once, as they end `run` and `calibrate` while they write.
      InterruptScope interrupts;  // before the scratch dir: a signal re-raised at its end finds it gone
      std::optional<ScratchDir> scratch;
      if (confirm > 0) scratch.emplace();
      int calls = 0;
      bool other_build_said[2] = {false, false}, other_go_build_said[2] = {false, false};
      const Remeasure remeasure = [&](bool base_side, const std::vector<std::string>& names, int round) {
        const std::string file = scratch->path + "/" + std::to_string(++calls) + (base_side ? "-base" : "-new") + ".json";
        err << "ccbench compare: confirming " << common::visible_text(names.front()) << ": round " << round << "/" << confirm << ", "
            << (base_side ? "base" : "new") << "\n";
        const Results& side = base_side ? base : next;
        const int s = base_side ? 0 : 1;
        const std::string which = "round " + std::to_string(round) + " of " + names.front();
        // A round of Go points runs the file's recorded ccbench-go (rerun_command sets CCB_GO_BINARY).
        const bool go = side.context.go_binary && measures_go(side, names);
        // A re-derived command's binaries are checked before the run and after it: a binary replaced
        // while the last round ran went unnoticed when only the next round checked it.
        const auto check = [&](const char* when) {
          if (!exe_id[s]) return;
          if (const std::string change = executable_change(side.context.executable, *exe_id[s]); !change.empty())
            throw ExecutableChanged(side.file + ": its binary " + side.context.executable +
                                    " changed during the confirmation runs (" + change + ", " + when + " " + which + ")");
          if (go)
            if (const std::string change = program_change(*side.context.go_binary); !change.empty())
              throw ExecutableChanged(side.file + ": its Go binary " + side.context.go_binary->path +
                                      " is not the one that measured it (" + change + ", " + when + " " + which + ")");
        };
        check("before");
        Results r = run_and_load(base_side ? base_cmd : new_cmd, point_filter(names), file,
                                 "round " + std::to_string(round) + " (" + (base_side ? "base" : "new") + ")");
        check("during");
        if (go && exe_id[s])
          if (const std::string diff = other_go_build(side.context, r.context); !diff.empty())
            throw ExecutableChanged(side.file + ": " + which + " ran the Go binary " + diff);
        // A given command (--base-run / --new-run) is the user's to choose; when both its run and
        // the file record their binary (or ccbench-go) and they differ, its rounds measure another
        // build: said once per side and binary.
        const auto say_once = [&](bool& said, const std::string& diff, const char* ran, const char* measured,
                                  const char* rounds) {
          if (exe_id[s] || said || diff.empty()) return;
          said = true;
          extra_warnings.push_back(std::string(base_side ? "--base-run" : "--new-run") + " ran " + ran + diff + ", " +
                                   measured + " " + side.file + ": its confirmation rounds" + rounds +
                                   " measure another build");
        };
        say_once(other_build_said[s], other_build(side.context, r.context), "", "the binary that measured", "");
        if (go)
          say_once(other_go_build_said[s], other_go_build(side.context, r.context), "the Go binary ",
                   "the one that measured", " of Go points");
        return r;
      };
      try {
        cmp = confirm_regressions(base, next, options, confirm, remeasure);
      } catch (const ExecutableChanged& e) {
        // Rounds run by another binary are no evidence: all of them are dropped. As when the binary
        // had changed before compare started, --confirm N cannot do what it was asked (exit 2) and
        // auto keeps the first verdicts, unconfirmed, with a warning.
        if (!automatic) throw UsageError(std::string("--confirm: ") + e.what() + "; the confirmation stopped");
        cmp = compare_results(base, next, options);
        cmp.warnings.push_back(std::string(e.what()) + ": the confirmation stopped and its rounds are dropped (not "
                               "evidence about the build that was measured); the verdicts are the first ones, "
                               "unconfirmed");
      } catch (const std::runtime_error& e) {
        if (dynamic_cast<const InputError*>(&e) != nullptr) throw;
        throw UsageError(std::string("--confirm: ") + e.what());
      }
    }
    for (std::string& w : extra_warnings) cmp.warnings.push_back(std::move(w));
    // A file listing no point changes nothing (compare_results() counts only the points missing
    // from a file that lists some).
    if (!c.noise_floor_file.empty() && options.noise_floor.empty())
      cmp.warnings.push_back(c.noise_floor_file + " (--noise-floor) lists no point, so it changes nothing: every "
                             "point uses the threshold alone");
    // Every point the rounds would have re-measured, not only a regressed one: a noisy point slower
    // beyond the threshold, which --fail-unjudged fails the gate on, went unconfirmed without a word
    // (helper-80), where a round could have cleared it.
    const auto unconfirmed = std::count_if(cmp.points.begin(), cmp.points.end(),
                                           [&](const PointComparison& p) { return confirmation_candidate(p, options); });
    if (automatic && confirm == 0 && unconfirmed > 0)
      cmp.warnings.push_back(std::to_string(unconfirmed) + " point(s) at least " +
                             fmt::pct(kScreenFraction * options.threshold) + " slower (" +
                             std::to_string(cmp.count(Verdict::Regressed)) +
                             " flagged regressed) are not re-measured, their verdicts not confirmed (" + why_not +
                             "): two single runs on a shared machine differ by more than their repetitions "
                             "show; pass --base-run CMD and --new-run CMD to re-measure them");
    // Warnings go to stderr whatever the format and destination, so stdout holds only the
    // document (a script parsing --format json reads nothing else) and a person sees them; the
    // document carries them too, except the table on stdout, which would repeat them on a terminal.
    // An --out that is standard output (/dev/stdout, or the file or pipe stdout goes to) is no
    // --out: written through a descriptor of its own, the document went to offset 0 of a
    // redirected stdout and the summary lines printed after it overwrote its start.
    const bool to_stdout = c.out_file.empty() || is_standard_output(c.out_file);
    const bool table_on_stdout = to_stdout && format == CompareFormat::Table;
    const std::string text = table_on_stdout ? format_table(cmp, false) : format_comparison(cmp, format);
    if (!to_stdout)
      if (const std::string problem = write_atomically(c.out_file, text); !problem.empty())
        throw UsageError("--out " + c.out_file + ": " + problem);
    // Text of the files (names, warnings) goes to the terminal through common::visible_text, as in
    // the table: an ESC in a point name could retitle or clear it.
    for (const std::string& w : cmp.warnings) err << "ccbench compare: warning: " << common::visible_text(w) << "\n";
    if (to_stdout) {
      out << text;
    } else {
      out << summary_line(cmp) << "\n" << gate_line(cmp) << "\nwritten: " << c.out_file << "\n";
    }
    return cmp.gate_failed ? 1 : 0;
  } catch (const InputError& e) {
    err << "ccbench compare: " << common::visible_text(e.what()) << "\n";  // may quote a key of the file
  } catch (const UsageError& e) {
    err << "ccbench compare: " << e.what() << "\n";
  } catch (const Interrupted& e) {
    // The stopped `ccbench run` child may have named the file it wrote: that file was in the
    // scratch directory, which is gone by now.
    err << "ccbench compare: " << e.what() << "; confirmation runs stopped (any results file the stopped run "
        << "named was in compare's temporary directory, now removed)\n";
    return e.exit_code();
  }
  return 2;
}

int run_calibrate(const Commands& c, std::ostream& out, std::ostream& err) {
  try {
    reject_empty(c.calibrate_nonempty);
    check_output(c.calib_out, c.calib_files);
    std::vector<std::pair<Results, Results>> pairs;
    if (!c.calib_files.empty()) {
      for (const char* name : {"--pairs", "--run"})
        if (c.calibrate->get_option(name)->count() > 0)
          throw UsageError(std::string(name) + " has no effect with results files (they are the pairs); drop one or the other");
      if (c.calib_files.size() % 2 != 0 || c.calib_files.size() < 2)
        throw UsageError("give an even number of results files (A1 B1 A2 B2 …), got " +
                         std::to_string(c.calib_files.size()));
      for (std::size_t i = 0; i < c.calib_files.size(); i += 2)
        pairs.emplace_back(load_results(c.calib_files[i]), load_results(c.calib_files[i + 1]));
    } else {
      const int k = parse_count(c.pairs, "--pairs", 1, 100);
      const std::string cmd = c.calib_run.empty() ? shell_quote(self_exe()) + " run --preset quick" : c.calib_run;
      std::vector<std::string> dropped;
      // what run_and_load() will run: the progress lines show it, not the --run text as given
      const std::string run_cmd = strip_run_options(cmd, /*keep_filter=*/true, &dropped);
      if (!dropped.empty()) {
        std::string list;
        for (const std::string& d : dropped) list += (list.empty() ? "" : ", ") + d;
        err << "ccbench calibrate: note: removed from --run: " << list
            << " (calibrate adds its own --out and --quiet; --format and --report do not apply; nor --resume: "
               "each run of a pair measures)\n";
      }
      InterruptScope interrupts;  // before the scratch dir: a signal re-raised at its end finds it gone
      ScratchDir scratch;
      for (int i = 1; i <= k; ++i) {
        err << "ccbench calibrate: pair " << i << "/" << k << ": " << run_cmd << " --out … --quiet\n";
        Results a = run_and_load(cmd, "", scratch.path + "/a" + std::to_string(i) + ".json",
                                 "pair " + std::to_string(i) + ", run A");
        Results b = run_and_load(cmd, "", scratch.path + "/b" + std::to_string(i) + ".json",
                                 "pair " + std::to_string(i) + ", run B");
        pairs.emplace_back(std::move(a), std::move(b));
      }
    }
    const NoiseFloor nf = calibrate(pairs);
    for (const std::string& w : nf.warnings) err << "ccbench calibrate: warning: " << common::visible_text(w) << "\n";
    // --out on standard output: the JSON comes after the table there, as run prints its results
    // JSON last; written through a descriptor of its own, it went to offset 0 of a redirected
    // stdout and the table printed after it overwrote its start.
    if (is_standard_output(c.calib_out)) {
      out << noise_floor_table(nf) << "the noise-floor JSON follows\n" << noise_floor_json(nf);
    } else {
      if (const std::string problem = write_atomically(c.calib_out, noise_floor_json(nf)); !problem.empty())
        throw UsageError("--out " + c.calib_out + ": " + problem);
      out << noise_floor_table(nf) << "written: " << c.calib_out << "\n";
    }
    if (!nf.suggested_threshold) {
      err << "ccbench calibrate: " << common::visible_text(no_threshold_text(nf)) << "\n";
      return 1;
    }
    return 0;
  } catch (const InputError& e) {
    err << "ccbench calibrate: " << common::visible_text(e.what()) << "\n";
  } catch (const UsageError& e) {
    err << "ccbench calibrate: " << e.what() << "\n";
  } catch (const std::runtime_error& e) {
    err << "ccbench calibrate: " << e.what() << "\n";
  } catch (const Interrupted& e) {
    err << "ccbench calibrate: " << e.what() << "; runs stopped (any results file the stopped run named was in "
        << "calibrate's temporary directory, now removed)\n";
    return e.exit_code();
  }
  return 2;
}

}  // namespace

std::shared_ptr<Commands> add_commands(CLI::App& app) {
  auto cmds = std::make_shared<Commands>();
  Commands& c = *cmds;
  c.compare = app.add_subcommand("compare", "Compare two results files: regression verdicts and a CI gate");
  c.compare->add_option("base", c.base_file, "Baseline results JSON")->required()->type_name("BASE.json");
  c.compare->add_option("new", c.new_file, "New results JSON")->required()->type_name("NEW.json");
  c.compare->add_option("--threshold", c.threshold, "Smallest change of the median that counts: 5% or 0.05")
      ->capture_default_str()->type_name("PCT");
  c.compare->add_option("--alpha", c.alpha, "Significance level after Holm-Bonferroni adjustment")
      ->capture_default_str()->type_name("P");
  c.compare->add_option("--min-samples", c.min_samples, "Fewer samples than this in either file -> noisy")
      ->capture_default_str()->type_name("N");
  c.compare->add_option("--max-cv", c.max_cv, "CV (stddev/mean) above this in either file -> noisy: 10% or 0.1")
      ->capture_default_str()->type_name("PCT");
  c.compare->add_option("--fail-on", c.fail_on,
                        "Gate: regressed (exit 1 if any point regressed), geomean (exit 1 if the geomean ratio "
                        "exceeds 1+threshold with its CI above 1, and still does with re-measured points at their "
                        "--confirm rounds' ratios), never; regressed and geomean also exit 1 "
                        "when a point ok in BASE failed in NEW")
      ->capture_default_str()->type_name("regressed|geomean|never");
  c.compare->add_flag("--fail-unjudged", c.fail_unjudged,
                      "With --fail-on regressed: exit 1 also when every compared point is noisy, so that no "
                      "point could be judged (too few samples or too much spread; a CI gate that must not "
                      "pass blind), when a noisy point's whole ratio interval lies at or above 1 + threshold, or when "
                      "a point's median is 0 ns in either file (no ratio: no verdict can judge it)");
  c.compare_nonempty.push_back(
      c.compare->add_option("--impl", c.impls, "Compare only the points of these implementations, e.g. ccbench (a "
                            "runtime gate that Go's or the threads' points must not sway); default: all")
          ->type_name("LIST"));
  c.compare->add_option("--format", c.format, "Output format; markdown suits a CI job summary or PR comment. "
                        "Warnings always go to stderr (stdout holds only the output); markdown, json and the "
                        "--out file also carry them")
      ->capture_default_str()->type_name("table|markdown|json");
  c.compare_nonempty.push_back(
      c.compare->add_option("--out", c.out_file, "Write the output to FILE (stdout then gets the summary line); /dev/stdout, or the file stdout goes to, is standard output: as without --out")
          ->type_name("FILE"));
  c.compare->add_option("--confirm", c.confirm, "Re-measure each point flagged regressed, or at least half the threshold "
                        "slower, in up to N rounds (a base run and a new run back to back) before the verdict stands; "
                        "auto: 6 when the commands are known, 0: off")
      ->capture_default_str()->type_name("N|auto");
  c.compare_nonempty.push_back(
      c.compare->add_option("--base-run", c.base_run, "With --confirm: the base side's `ccbench run …` command")
          ->type_name("CMD"));
  c.compare_nonempty.push_back(
      c.compare->add_option("--new-run", c.new_run, "With --confirm: the new side's `ccbench run …` command")
          ->type_name("CMD"));
  c.compare_nonempty.push_back(
      c.compare->add_option("--noise-floor", c.noise_floor_file, "Noise-floor file from `ccbench calibrate`")
          ->type_name("FILE"));
  c.compare->footer(kCompareFooter);

  c.calibrate = app.add_subcommand("calibrate", "A/A calibration: the noise floor per point and a suggested threshold");
  c.calibrate->add_option("files", c.calib_files, "Existing A/A results files, in pairs (A1 B1 A2 B2 …); "
                          "without them, CMD is run 2 x --pairs times")->type_name("RESULTS.json");
  c.calibrate->add_option("--pairs", c.pairs, "A/A pairs to run")->capture_default_str()->type_name("K");
  c.calibrate_nonempty.push_back(
      c.calibrate->add_option("--run", c.calib_run, "The `ccbench run …` command to repeat (default: this ccbench "
                              "with --preset quick); --out FILE and --quiet are appended, any --out, --quiet, "
                              "--format and --report in CMD are removed (a note names them), its --filter is kept")
          ->type_name("CMD"));
  c.calibrate_nonempty.push_back(
      c.calibrate->add_option("--out", c.calib_out, "Noise-floor JSON to write (for compare --noise-floor); on standard output (/dev/stdout) it follows the table")
          ->capture_default_str()->type_name("FILE"));
  c.calibrate->footer(R"(
Runs the same build against itself (two independent runs per pair; with --run, CMD keeps its
--filter, so only those points are calibrated), compares each pair, and
records per point the largest |change| of the median seen (its noise floor). Points without one
(a zero median, a status other than ok, present in one file only) are listed as dropped, with why.
A pair whose files differ in host, CPU, build type, build (git_commit, or the ccbench binary:
path, size or modification time) or pinning, or one measured with a CCB_INJECT_* test hook or
CCB_CHAOS=1, or whose files hold the same samples (one file twice), is no A/A pair: calibrate
warns (its changes still count), and the table says how many pairs were of two builds.
Suggests a --threshold: the largest noise floor, rounded up to a whole percent (at least 1%); when
that reaches 100% (compare --threshold must be below), there is none and the noisiest points are
named.
Exit status: 0 written, 1 written but no --threshold below 100% lies above the noise, 2 bad input
(including no point left to calibrate) or a failed run, 3 internal error, 130/143/129 interrupted
by SIGINT/SIGTERM/SIGHUP (the run in progress is stopped too).
)");

  c.report = app.add_subcommand("report",
                                "Write an HTML report (index.html + charts/) that loads nothing from the network");
  c.report->add_option("results", c.results, "Results JSON files")->required()->type_name("RESULTS.json");
  c.report_nonempty.push_back(
      c.report->add_option("--out", c.out_dir, "Report directory (created if missing)")->required()->type_name("DIR"));
  c.report_nonempty.push_back(
      c.report->add_option("--baseline", c.baseline, "Compare the results against this file (first verdicts "
                              "only, as compare --confirm 0: no confirmation re-runs)")->type_name("BASE.json"));
  c.report->footer(kReportFooter);
  return cmds;
}

int run_selected(Commands& cmds, std::ostream& out, std::ostream& err) {
  if (cmds.compare != nullptr && cmds.compare->parsed()) return run_compare(cmds, out, err);
  if (cmds.calibrate != nullptr && cmds.calibrate->parsed()) return run_calibrate(cmds, out, err);
  if (cmds.report != nullptr && cmds.report->parsed()) {
    try {
      reject_empty(cmds.report_nonempty);  // `--baseline ""` would silently mean no baseline
    } catch (const UsageError& e) {
      err << "ccbench report: " << e.what() << "\n";
      return 2;
    }
    return write_report(cmds.results, cmds.out_dir, cmds.baseline, out, err);
  }
  return -1;
}

}  // namespace ccb::reports
