// harness/run_command.cpp — see run_command.hpp.
#include "harness/run_command.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>
#include <string_view>
#include <unistd.h>

#include "common/count_text.hpp"
#include "common/disturbance.hpp"
#include "common/fnv1a.hpp"
#include "common/visible_text.hpp"
#include "harness/atomic_file.hpp"
#include "harness/build_info.hpp"
#include "harness/chaos_env.hpp"
#include "harness/console_table.hpp"
#include "harness/dry_run.hpp"
#include "harness/errors.hpp"
#include "harness/hang_watch.hpp"
#include "harness/list_syntax.hpp"
#include "harness/machine_context.hpp"
#include "harness/matrix.hpp"
#include "harness/progress.hpp"
#include "harness/results_json.hpp"
#include "harness/resume.hpp"
#include "harness/run_env.hpp"
#include "harness/run_interrupts.hpp"
#include "harness/run_live.hpp"
#include "harness/run_stop.hpp"
#include "harness/runner.hpp"

namespace ccb::harness {

namespace {

// ScopeExit runs `f` when its scope ends, however it ends; `f` must not throw.
template <class F>
class ScopeExit {
 public:
  explicit ScopeExit(F f) : f_(std::move(f)) {}
  ~ScopeExit() { f_(); }
  ScopeExit(const ScopeExit&) = delete;
  ScopeExit& operator=(const ScopeExit&) = delete;

 private:
  F f_;
};

struct Resolved {
  Preset preset = Preset::Quick;
  RunSettings settings;
  std::vector<std::string> requested_impls;
  bool impl_all = false;
  bool pin = true;
  std::optional<bool> shuffle;  // unset: decided once the implementations are known
};

// parse_seed() accepts a decimal 0..2^64-1.
uint64_t parse_seed(const std::string& text) {
  if (text.empty() || text.size() > 20 || text.find_first_not_of("0123456789") != std::string::npos)
    throw UsageError("--seed: expected an integer from 0 to 18446744073709551615, got '" + text + "'");
  unsigned long long v = 0;
  for (char c : text) {
    const unsigned d = static_cast<unsigned>(c - '0');
    if (v > (~0ULL - d) / 10)
      throw UsageError("--seed: " + text + " is larger than 18446744073709551615");
    v = v * 10 + d;
  }
  return v;
}

// pin_failed_warning(): the warning of a run in which `failures` pins were refused.
EnvWarning pin_failed_warning(long failures) {
  return {"pin_failed", std::to_string(failures) +
                            " pin(s) of runtime workers or Go children were refused during the run; those ran unpinned"};
}

// check_bare_switch_words(): `--shuffle maybe` parses as a bare --shuffle followed by a workload
// named "maybe" (bare_switches_on() keeps a bare switch from swallowing the next word), and said
// only "unknown workload 'maybe'". When the word after a bare --pin or --shuffle is no workload,
// it was most likely meant as the switch's value: say so.
void check_bare_switch_words(const std::vector<std::string>& argv) {
  for (std::size_t i = 2; i + 1 < argv.size() && argv[i] != "--"; ++i) {
    const std::string& a = argv[i];
    const std::string& w = argv[i + 1];
    if ((a == "--pin" || a == "--shuffle") && w != "on" && w != "off" && !w.empty() && w[0] != '-' &&
        ccb::workloads::find_workload(w) == nullptr)
      throw UsageError(a + " takes on or off (" + a + "=on|off), not '" + w + "'; nor is '" + w +
                       "' a workload (see `ccbench list`)");
  }
}

Resolved resolve(const RunOptions& o) {
  Resolved r;
  r.preset = o.preset == "full" ? Preset::Full : Preset::Quick;
  const bool full = r.preset == Preset::Full;
  RunSettings& s = r.settings;
  s.repetitions = o.repetitions ? static_cast<int>(parse_int_in_range(*o.repetitions, "--repetitions", 1, 1000))
                                : (full ? 10 : 7);
  s.warmup = o.warmup ? static_cast<int>(parse_int_in_range(*o.warmup, "--warmup", 0, 100)) : 1;
  s.min_time_s = o.min_time ? parse_seconds(*o.min_time, "--min-time", 3600) : (full ? 0.5 : 0.05);
  r.requested_impls = parse_impls(o.impl.value_or("ccbench"));
  r.impl_all = o.impl && *o.impl == "all";
  r.pin = o.pin != "off";
  if (o.shuffle) r.shuffle = *o.shuffle != "off";
  s.seed = o.seed ? parse_seed(*o.seed) : (static_cast<uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
  s.window = kShuffleWindow;
  return r;
}

// choose_backends() keeps the requested implementations that can run here (see header, step 2).
Backends choose_backends(Resolved& r, const Hooks& hooks, std::vector<std::string>& notices) {
  Backends backends;
  for (const auto& impl : r.requested_impls) {
    std::shared_ptr<ImplBackend> b = impl == "go" ? hooks.go : make_in_process_backend(impl);
    try {
      if (!b)
        throw ImplUnavailable("the Go implementation is not part of this ccbench build "
                              "(harness/go_impl.cmake was absent at configure time); run "
                              "scripts/setup, then reconfigure and rebuild");
      b->check_available();
    } catch (const ImplMisconfigured& e) {
      throw UsageError("--impl " + impl + ": " + e.what());
    } catch (const ImplUnavailable& e) {
      if (!r.impl_all) throw UsageError("--impl " + impl + ": " + e.what());
      notices.push_back(impl + ": skipped — " + e.what());
      continue;
    }
    backends[impl] = b;
    r.settings.impls.push_back(impl);
  }
  return backends;
}

// WorkerStartHook installs the pinning hook in the runtime for the life of the run (and removes
// it afterwards, so a later in-process run is not pinned by accident).
class WorkerStartHook {
 public:
  WorkerStartHook(const Hooks& hooks, std::shared_ptr<Pinner> pinner) : hooks_(hooks) {
    if (!pinner || !hooks_.install_worker_start) return;
    installed_ = true;
    hooks_.install_worker_start([pinner](int worker) { pinner->pin_worker(worker); });
  }
  ~WorkerStartHook() {
    if (installed_) hooks_.install_worker_start(nullptr);
  }
  WorkerStartHook(const WorkerStartHook&) = delete;
  WorkerStartHook& operator=(const WorkerStartHook&) = delete;

 private:
  const Hooks& hooks_;
  bool installed_ = false;
};

int max_procs(const std::vector<Point>& points) {
  int m = 0;
  for (const auto& p : points) m = std::max(m, p.procs);
  return m;
}

// units_of() is how many measured repetitions `points` take, all implementations (the progress
// display's units; warm-ups are not units, runner.cpp).
size_t units_of(const std::vector<Point>& points, const RunSettings& settings, Backends& backends) {
  size_t units = 0;
  for (const auto& p : points) units += impls_for(p, settings, backends).size() * static_cast<size_t>(settings.repetitions);
  return units;
}

// run_info() is the context of a run of `points` as `r` settles it (before the run: no shuffle, pin
// or interruption facts yet), with the environment warnings known at its start.
RunInfo run_info(const Resolved& r, const std::vector<std::string>& argv, Backends& backends,
                 const std::vector<Point>& points, const std::optional<InjectDelay>& inject,
                 const std::optional<ChaosEnv>& chaos) {
  RunInfo info;
  info.machine = collect_machine_context(argv);
  info.build = build_info();
  info.preset = preset_name(r.preset);
  info.repetitions = r.settings.repetitions;
  info.min_time_s = r.settings.min_time_s;
  info.warmup = r.settings.warmup;
  info.warnings = environment_warnings(info.machine, info.build, max_procs(points), r.settings.repetitions,
                                       kGateMinSamples);
  if (backends.count("go")) {
    info.go_version = backends.at("go")->version();
    if (const auto program = backends.at("go")->program()) {
      info.go_binary = file_identity(*program);
      if (info.go_binary) info.go_binary_fnv1a64 = common::file_fnv1a64(info.go_binary->path);
    }
    // The Go child inherits this environment: a Go runtime setting left set changes what Go
    // measures, so it is named and recorded (GOMAXPROCS is set per point).
    for (const char* var : {"GOGC", "GOMEMLIMIT", "GODEBUG"})
      if (const char* v = std::getenv(var); v != nullptr && *v != '\0')
        info.warnings.push_back({"go_env", std::string(var) + "=" + v +
                                               " is set: the Go child runs with it, not with Go's defaults"});
  }
  // Results are UTF-8: a binary's path that is not (a Latin-1 directory name) is written with
  // U+FFFD, which names no file, so `compare --confirm` cannot re-run this file's points by itself.
  for (const std::string* path : {&info.machine.executable, info.go_binary ? &info.go_binary->path : nullptr})
    if (path != nullptr && !common::is_utf8(*path))
      info.warnings.push_back({"path_not_utf8", common::visible_text(*path) +
                                                    " is not UTF-8 and is recorded with U+FFFD: `ccbench compare "
                                                    "--confirm` cannot re-run this file's points by itself (it needs "
                                                    "--base-run/--new-run)"});
  info.inject = inject;
  info.chaos = chaos;
  info.pin.requested = r.pin;
  return info;
}

// resume() takes from --resume's file the points it holds (resume.hpp): they leave `todo`, and
// `notes` gets what was taken.
Resumed resume(const std::string& file, const RunInfo& info, const Resolved& r, Backends& backends,
               const std::vector<Point>& points, std::vector<Point>& todo, std::vector<std::string>& notes) {
  Resumed taken = load_resume(file, info, points, [&](const Point& p) { return impls_for(p, r.settings, backends); });
  std::erase_if(todo, [&](const Point& p) { return taken.points.count(p.base_name) != 0; });
  notes.push_back(resume_note(taken, points.size(), todo.size()));
  return taken;
}

// out_in_report_dir() is true when --out is a file directly in the --report directory; it throws
// UsageError when --out is one the report writes (index.html, anything under charts/): the report
// replaced the results JSON there, and `run` said it had written it.
bool out_in_report_dir(const std::string& out, const std::string& report) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path o = fs::weakly_canonical(fs::absolute(out, ec), ec);
  const fs::path d = fs::weakly_canonical(fs::absolute(report, ec), ec);
  if (ec) return false;  // check_writable() and ensure_directory() report the path's problem
  const fs::path rel = o.lexically_relative(d);
  if (rel.empty() || *rel.begin() == "..") return false;
  if (rel == "index.html" || *rel.begin() == "charts")
    throw UsageError("--out " + out + ": the report in --report " + report + " writes that file (index.html and " +
                     "charts/ are the report's): give --out another name, such as " +
                     (fs::path(report) / "results.json").string());
  return rel.parent_path().empty();
}

// disturbed_warning() is the `disturbed` warning: how many ok entries other processes disturbed
// (common/disturbance.hpp), and the worst of them; nullopt when none was.
std::optional<EnvWarning> disturbed_warning(const std::vector<Entry>& entries) {
  size_t n = 0;
  const Entry* worst = nullptr;
  for (const auto& e : entries) {
    if (!e.disturbed()) continue;
    ++n;
    if (!worst || e.disturbance->other_cpus > worst->disturbance->other_cpus) worst = &e;
  }
  if (n == 0) return std::nullopt;
  return EnvWarning{"disturbed", std::to_string(n) + " of " + std::to_string(entries.size()) +
                                     " results were measured while other processes kept " +
                                     common::cpus_text(common::kDisturbedOtherCpus) + " or more busy (the most: " +
                                     common::cpus_text(worst->disturbance->other_cpus) + ", " + worst->name +
                                     "); their timings may be off (see their notes): rerun them on a quieter machine"};
}

// go_binary_warning() is the `go_binary_changed` warning when the ccbench-go the run started with
// (context.go_binary) has changed since: another process may rebuild or replace it while this run
// goes on (a second ccbench building it, a `go build` by hand), and the Go points started after
// that ran another build. nullopt when it has not, or no Go point was planned.
std::optional<EnvWarning> go_binary_warning(const RunInfo& info) {
  if (!info.go_binary || file_identity(info.go_binary->path) == info.go_binary) return std::nullopt;
  return EnvWarning{"go_binary_changed", info.go_binary->path +
                                             " changed during the run (rebuilt or replaced): the Go points "
                                             "started after that ran another build than context.go_binary"};
}

}  // namespace

int run_command(const RunOptions& o, const std::vector<std::string>& argv, const Io& io,
                const Hooks& hooks) {
  // 1. settings and matrix
  check_bare_switch_words(argv);
  Resolved r = resolve(o);
  MatrixRequest req{o.workloads, o.sets, o.procs, r.preset, o.filter};
  const std::vector<Point> points = expand_matrix(req);
  const std::optional<ChaosEnv> chaos = chaos_from_env();
  // read here, not at step 4: a dry run refuses a bad value as the real run would
  const std::optional<InjectDelay> inject = inject_from_env();
  const char* term = std::getenv("TERM");
  const ProgressMode progress =
      progress_mode(o.progress, io.err_is_tty, o.quiet, term != nullptr && std::string_view(term) == "dumb");
  const double progress_interval_s = progress_interval_from_env();
  const double run_timeout_s = run_timeout_from_env();

  // 2. outputs (cheap, and before anything slow such as building the Go workloads)
  // With --resume they belong to the command being previewed ("give the same command again with
  // --resume FILE", then add --dry-run to see what is left): noted, not written. (Before, that
  // documented preview was refused, exit 2: session 48's CLI review.)
  if (o.dry_run && (o.out || o.report) && !o.resume)
    throw UsageError(std::string(o.out ? "--out" : "--report") + " has no effect with --dry-run, which writes nothing");
  if (o.dry_run && o.format != "table")
    throw UsageError("--format " + o.format + " has no effect with --dry-run, which lists the points as text");
  if (o.out && *o.out == "-")
    throw UsageError("--out -: '-' is not standard output here; --format json prints the results JSON on "
                     "standard output instead of the table (or give --out /dev/stdout, or ./- for a file named '-')");
  // --out naming standard output (/dev/stdout, /proc/self/fd/1, or the file stdout is redirected
  // to): the JSON is printed on stdout after everything else (step 6). Written through a descriptor
  // of its own, it overwrote the table in a redirected file (offset 0) and landed between the
  // tables in a pipe.
  const bool out_is_stdout = o.out && names_standard_output(*o.out);
  if (o.report && !hooks.reports.write_report)
    throw UsageError("--report: this ccbench was built without the reports module (reports/)");
  // before the run: a typo there used to cost the charts after the whole run, with exit 0
  if (o.report && hooks.reports.report_settings_problem)
    if (const std::string problem = hooks.reports.report_settings_problem(); !problem.empty())
      throw UsageError("--report: " + problem);
  // --out in the --report directory: not one of the report's own files, and the directory is
  // created first, as --report creates it.
  if (o.report && o.out && !out_is_stdout && out_in_report_dir(*o.out, *o.report)) ensure_directory(*o.report, "--report");
  if (o.out && !out_is_stdout) check_writable(*o.out, "--out");
  std::optional<std::string> report_input;
  if (o.report) {
    ensure_directory(*o.report, "--report");
    // the report reads the results back from --out, unless --out cannot be read back
    // (/dev/null, /dev/stdout, a FIFO, the file stdout goes to): then they also go to DIR/results.json
    const bool own_copy = !o.out || out_is_stdout || writes_in_place(*o.out);
    report_input = own_copy ? (std::filesystem::path(*o.report) / "results.json").string() : *o.out;
    if (own_copy) check_writable(*report_input, "--report");
  }
  const RunOutputs outputs{o.out, out_is_stdout, o.report, report_input, o.format};

  // 3. implementations
  std::vector<std::string> notices;
  Backends backends = choose_backends(r, hooks, notices);
  std::set<std::string> seen;
  size_t total_units = units_of(points, r.settings, backends);
  for (const auto& p : points) {
    if (!seen.insert(p.workload->name).second) continue;
    const auto impls = impls_for(p, r.settings, backends);
    for (const auto& impl : r.settings.impls)
      if (std::find(impls.begin(), impls.end(), impl) == impls.end())
        notices.push_back(impl + ": workload " + p.workload->name + " has no " + impl +
                          " implementation; skipped");
  }
  if (total_units == 0 || r.settings.impls.empty())
    throw UsageError("nothing to run: no selected workload has any of the implementations " +
                     join(r.requested_impls, ", "));
  std::vector<Point> todo = points;  // all but those --resume takes from its file
  if (o.dry_run) {
    if (o.resume) {
      // checked against the CPUs the run below settles before it resumes, as it would be
      RunInfo info = run_info(r, argv, backends, points, inject, chaos);
      if (r.pin) {
        info.pin.effective = true;
        info.pin.cpus = hooks.pin_cpus ? *hooks.pin_cpus : allowed_cpus();
      }
      resume(*o.resume, info, r, backends, points, todo, notices);
    }
    for (const auto& [flag, value] : {std::pair{"--out", &o.out}, std::pair{"--report", &o.report}})
      if (*value) notices.push_back("--dry-run writes nothing: " + std::string(flag) + " " + **value + " is left as it is");
    for (const std::string& n : notices) io.err << "ccbench: note: " << n << "\n";
    print_dry_run(io.out, todo, r.settings, backends);
    return 0;
  }

  // 4. context and measurement controls
  RunInfo info = run_info(r, argv, backends, points, inject, chaos);
  r.settings.shuffle = r.shuffle.value_or(r.settings.impls.size() > 1);
  if (o.seed && !r.settings.shuffle && !o.quiet)
    io.err << "ccbench: note: --seed has no effect: the order is not shuffled ("
           << (r.shuffle ? "--shuffle off" : "one implementation; --shuffle on shuffles its points too") << ")\n";
  // A shuffle window's live processes (Go children) may hold at most a quarter of the RAM by the
  // workloads' resident hints (runner.hpp).
  if (r.settings.shuffle && info.machine.memory_bytes)
    r.settings.window_memory_bytes = static_cast<double>(*info.machine.memory_bytes) / 4;
  info.shuffle = {r.settings.shuffle, r.settings.seed, r.settings.shuffle ? r.settings.window : 1,
                  r.settings.window_memory_bytes};
  MeasureControls controls;
  controls.inject = inject;
  std::shared_ptr<Pinner> pinner;
  if (r.pin) {
    pinner = std::make_shared<Pinner>(hooks.pin_cpus ? *hooks.pin_cpus : allowed_cpus());
    const std::string refused = pinner->probe();
    if (!refused.empty()) {
      info.warnings.push_back({"pin_refused", "--pin: pinning refused (" + refused + "); the run continues unpinned"});
      pinner.reset();
    }
  }
  WorkerStartHook worker_hook(hooks, pinner);
  if (pinner) {
    info.pin.effective = true;
    info.pin.cpus = pinner->cpus();
    controls.pinner = pinner;
  }
  for (const auto& impl : r.settings.impls) {
    if (!pinner) info.pin.impls[impl] = "not pinned";
    else if (impl == "ccbench")
      info.pin.impls[impl] = hooks.install_worker_start ? "runtime worker i pinned to cpus[i mod n] (pthread_setaffinity_np)"
                                                        : "not pinned (this build has no runtime worker-start hook)";
    else if (impl == "go") info.pin.impls[impl] = "child process affinity = cpus of workers 0..procs-1, set at spawn";
    else info.pin.impls[impl] = "not pinned: OS threads are placed by the kernel";
  }
  for (auto& [name, b] : backends) b->set_controls(controls);
  if (info.inject) {
    // loud on purpose, even with --quiet: these numbers are deliberately wrong
    io.err << "ccbench: WARNING: " << (info.inject->is_slowdown ? "CCB_INJECT_SLOWDOWN" : "CCB_INJECT_DELAY_NS")
           << " is set: the ccbench implementation"
           << (info.inject->workload ? " of workload " + *info.inject->workload : std::string()) << " busy-waits ";
    if (info.inject->is_slowdown)
      io.err << info.inject->slowdown * 100 << "% of its own run time";
    else
      io.err << info.inject->ns_per_op << " ns per op";
    io.err << " (test hook); these results are NOT real\n";
  }
  if (info.chaos) {
    // as loud as the CCB_INJECT_* hooks: the runtime perturbs every run of the ccbench implementation
    io.err << "ccbench: WARNING: CCB_CHAOS=1 is set: the runtime injects random yields, delays and steals "
              "into the ccbench implementation (fault injection"
           << (info.chaos->seed ? ", CCB_CHAOS_SEED=" + std::to_string(*info.chaos->seed) : std::string())
           << "); these results are NOT real\n";
  }
  // --resume: the points FILE already holds are not measured again (resume.hpp)
  Resumed resumed;
  if (o.resume) {
    resumed = resume(*o.resume, info, r, backends, points, todo, notices);
    info.resumed = ResumeInfo{*o.resume, resumed.date, resumed.points.size()};
    total_units = units_of(todo, r.settings, backends);
  }
  if (!o.quiet) {
    for (const auto& n : notices) io.err << "ccbench: note: " << n << "\n";
    for (const auto& w : info.warnings) io.err << "ccbench: warning: " << w.message << "\n";
    if (r.settings.shuffle)
      io.err << "ccbench: note: shuffled order, seed " << r.settings.seed << " (repeat it with --seed "
             << r.settings.seed << ")\n";
  }

  // 5. run
  const bool table = o.format == "table" && !o.quiet;
  Live live(io, table, o.quiet, progress, progress_interval_s, points, r.settings.impls, total_units);
  FinishedPoints finished(live);
  std::vector<Entry> entries;
  int stop_signal = 0;
  {
    // SIGINT, SIGTERM or SIGHUP: stop after the workload run in progress and write what finished
    // (run_interrupts.hpp); a second one kills at once. One that comes after the last point still
    // counts: the results are complete, but no report is written and the exit status says it.
    RunInterrupts interrupts;
    r.settings.stop = &interrupts.flag();
    // A run of an in-process workload that has not ended after run_timeout_s: the points finished
    // are written as for a signal, and the process ends with exit 1 (hang_watch.hpp, run_stop.hpp).
    // One still going kStopGrace (run_interrupts.hpp) after a signal is abandoned the same way, exit 128 +
    // signal; a Go child is killed then (go_impl.hpp).
    controls.stop = r.settings.stop;
    controls.hang_watch = std::make_shared<HangWatch>(
        run_timeout_s,
        [&](const std::string& what, double limit, int signal) {
          // On the watcher thread, outside any handler: whatever throws here (a bad_alloc when the
          // hang is memory running out) must still end the process with the hang's exit status.
          try {
            RunInfo stopped = info;
            stopped.interrupted = InterruptInfo{signal != 0 ? signal_name(signal) : "hang",
                                                resumed.points.size() + finished.points(), points.size()};
            std::vector<Entry> done = finished.entries();
            if (o.resume) done = in_matrix_order(points, resumed.points, std::move(done));
            if (auto w = disturbed_warning(done)) stopped.warnings.push_back(std::move(*w));
            if (auto w = go_binary_warning(stopped)) stopped.warnings.push_back(std::move(*w));
            if (pinner) stopped.pin.failures = pinner->failures();  // atomic: safe from this thread
            if (stopped.pin.failures > 0) stopped.warnings.push_back(pin_failed_warning(stopped.pin.failures));
            stop_on_hang(what, limit, signal, std::move(stopped), done, points, r.settings.impls, outputs, io);
          } catch (...) {
            static const char hang[] =
                "ccbench run: HANG: one run has not ended after CCB_RUN_TIMEOUT seconds, and the points finished "
                "could not be written (out of memory?)\n";
            static_assert(kStopGrace == std::chrono::seconds(10), "the message below names kStopGrace");
            static const char stop[] =
                "ccbench run: interrupted: one run had not ended 10 s after the signal, and the points finished "
                "could not be written (out of memory?)\n";
            [[maybe_unused]] const ssize_t n =
                signal != 0 ? ::write(2, stop, sizeof stop - 1) : ::write(2, hang, sizeof hang - 1);
            ::_exit(signal != 0 ? 128 + signal : 1);
          }
        },
        r.settings.stop);
    for (auto& [name, b] : backends) b->set_controls(controls);
    // the watch (its thread, and its references to this scope) ends with the run, also on a throw
    const ScopeExit end_watch([&] {
      controls.hang_watch.reset();
      controls.stop = nullptr;
      for (auto& [name, b] : backends) b->set_controls(controls);
    });
    live.begin();
    for (const Point& p : points)  // the reused points first, as if they had just been measured
      if (const auto it = resumed.points.find(p.base_name); it != resumed.points.end()) live.on_point_done(p, it->second);
    size_t points_done = points.size();
    std::vector<Entry> dropped_failures;
    try {
      entries = run_points(todo, r.settings, backends, finished);
    } catch (const RunInterrupted& stopped) {
      entries = stopped.entries;
      points_done = resumed.points.size() + stopped.points_done;
      dropped_failures = stopped.dropped_failures;
    }
    if (o.resume) entries = in_matrix_order(points, std::move(resumed.points), std::move(entries));
    live.end();
    // even with --quiet, as a failure of a point finished is (run_live.cpp)
    for (const auto& e : dropped_failures)
      io.err << "ccbench: error: " << e.name << " failed (a point stopped unfinished, not written): " << e.error << "\n";
    r.settings.stop = nullptr;
    stop_signal = interrupts.finish();
    if (stop_signal != 0) info.interrupted = InterruptInfo{signal_name(stop_signal), points_done, points.size()};
  }
  if (pinner) {
    info.pin.failures = pinner->failures();
    if (info.pin.failures > 0) {
      info.warnings.push_back(pin_failed_warning(info.pin.failures));
      if (!o.quiet) io.err << "ccbench: warning: " << info.warnings.back().message << "\n";
    }
  }

  if (auto w = go_binary_warning(info)) {
    info.warnings.push_back(std::move(*w));
    if (!o.quiet) io.err << "ccbench: warning: " << info.warnings.back().message << "\n";
  }
  if (auto w = disturbed_warning(entries)) {
    info.warnings.push_back(std::move(*w));
    if (!o.quiet) io.err << "ccbench: warning: " << info.warnings.back().message << "\n";
  }

  // 6. outputs
  const std::string text = results_json_text(info, entries);
  write_documents(outputs, text, points, r.settings.impls, entries, io);
  // --out on standard output: the JSON comes last there (once, with --format json), after the
  // tables, the summary and the report's lines
  const auto json_on_stdout_last = [&] {
    if (out_is_stdout && o.format != "json") io.out << text;
  };

  size_t failed = 0, not_applicable = 0, short_reps = 0;
  for (const auto& e : entries) {
    failed += e.status == EntryStatus::Failed;
    not_applicable += e.status == EntryStatus::NotApplicable;
    short_reps += e.below_min_time;
  }
  if (table) write_latency_table(io.out, entries);
  if (table) write_spawn_table(io.out, entries);
  if (table) {
    io.out << "\n" << common::count_text(entries.size(), "result") << ": " << entries.size() - failed - not_applicable
           << " ok, " << failed << " failed, " << not_applicable << " not applicable";
    if (out_is_stdout) io.out << "; the results JSON follows";
    else if (o.out) io.out << "; written to " << *o.out;
    io.out << "\n";
    if (r.settings.shuffle) io.out << "shuffle seed " << r.settings.seed << "\n";
  }
  if (short_reps && !o.quiet)
    io.err << "ccbench: note: " << short_reps << " of " << common::count_text(entries.size(), "result")
           << " had repetitions shorter than --min-time " << r.settings.min_time_s
           << " s; their timings may be noisy (raise the size with --set; see the notes in the results)\n";
  if (!entries.empty() && not_applicable == entries.size() && !o.quiet)
    io.err << "ccbench: warning: nothing was measured: "
           << (entries.size() == 1 ? std::string("the one result is")
                                   : "all " + std::to_string(entries.size()) + " results are")
           << " not applicable here (" << (entries.size() == 1 ? "its" : "each one's") << " error says why)\n";
  int rc = failed ? 1 : 0;
  if (info.interrupted) {
    // even with --quiet: the file is not the run that was asked for
    io.err << "ccbench run: interrupted by " << info.interrupted->signal << ": " << stopped_text(*info.interrupted, outputs)
           << "\n";
    json_on_stdout_last();
    return 128 + stop_signal;
  }
  if (o.report) {
    // the report writer's messages must not corrupt a json/csv/markdown document on stdout
    std::ostream discard(nullptr);
    std::ostream& report_out = o.quiet ? discard : o.format == "table" ? io.out : io.err;
    int report_rc = hooks.reports.write_report({*report_input}, *o.report, report_out, io.err);
    // a report interrupted (128 + signal: its chart child is stopped, reports/chart_runner.hpp)
    // says so even when points failed
    if (report_rc != 0 && (rc == 0 || report_rc > 128)) rc = report_rc;
  }
  json_on_stdout_last();
  return rc;
}

}  // namespace ccb::harness
