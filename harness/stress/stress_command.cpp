// harness/stress/stress_command.cpp — see stress_command.hpp.
#include "harness/stress/stress_command.hpp"

#include <ccb/debug.hpp>
#include <ccb/runtime.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>

#include "common/fnv1a.hpp"
#include "common/shell_quote.hpp"
#include "harness/atomic_file.hpp"
#include "harness/errors.hpp"
#include "harness/list_syntax.hpp"
#include "harness/stress/crash_note.hpp"
#include "harness/stress/options.hpp"
#include "harness/stress/rss.hpp"
#include "harness/stress/scenario.hpp"
#include "harness/stress/summary.hpp"
#include "harness/stress/watchdog.hpp"

namespace ccb::stress {

namespace {

constexpr const char* kFooter = R"(
Each scenario runs for --duration at EACH procs value: 8 scenarios x 3 procs x 30 s = 12
minutes by default. Every scenario checks its invariants while it runs and at the end (see README).
CCB_CHAOS=1 in the environment turns on --chaos, seeded with the run's seed (CCB_CHAOS_SEED does
not apply here, so the printed reproduce line repeats the same injections).
Test hook, for ccbench's own tests (tests/stress), never for real runs:
CCB_STRESS_TEST_HOOK=violate|stall|stall-part|leak-task|early-timer|leak-memory|over-admit|
early-tick|dup-job|misroute|double-select|crash breaks a scenario on purpose (see README) so
that a check can be seen failing; it is announced on stderr and in the reproduce line, and any
other value is bad usage.
Exit codes: 0 all passed, 1 an invariant violation, runtime error or watchdog stall (the seed,
the command to reproduce it and the task dump are printed), 2 bad usage, 3 internal error. A
crash (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT) prints "CRASHED:" with the scenario, the signal,
the seed and the reproduce command, and ends the process with that signal's status (139 for
SIGSEGV in a shell).
A signal (Ctrl-C, SIGTERM) ends it at once, with the signal's status (the shell shows 128+N,
e.g. 130); the seed line is printed first, and --out then lists the run in progress as not
finished. An --out that is standard output (/dev/stdout, or the file or pipe stdout goes to) gets
the JSON once, after everything else, when the last run ends (not after a signal or a stall).)";

// kHooks: every CCB_STRESS_TEST_HOOK value, and what it breaks on purpose (the warning's text).
struct HookInfo {
  TestHook hook;
  const char* name;
  const char* effect;
};
constexpr HookInfo kHooks[] = {
    {TestHook::Violate, "violate",
     "the channels scenario (alone or inside mixed) loses a message on purpose; the other scenarios are unaffected"},
    {TestHook::Stall, "stall", "every scenario stalls on purpose"},
    {TestHook::StallPart, "stall-part",
     "the mixed scenario's sync part stalls on purpose while its other parts keep running; the other scenarios "
     "are unaffected"},
    {TestHook::LeakTask, "leak-task",
     "the churn scenario (alone or inside mixed) starts a task that never exits, on purpose; the other scenarios "
     "are unaffected"},
    {TestHook::EarlyTimer, "early-timer",
     "the cancel scenario (alone or inside mixed) resets a Timer from a plain thread to fire at once where its "
     "check expects 50 ms, on purpose (a Timer firing early); the other scenarios are unaffected"},
    {TestHook::LeakMemory, "leak-memory",
     "the churn scenario (alone or inside mixed) leaks 256 MiB after its warm-up, on purpose; the other scenarios "
     "are unaffected"},
    {TestHook::OverAdmit, "over-admit",
     "the ratelimit scenario (alone or inside mixed) lets every 4th task draw from a second token bucket as if it "
     "were the shared one, on purpose (a limiter granting twice); the other scenarios are unaffected"},
    {TestHook::EarlyTick, "early-tick",
     "the cancel scenario (alone or inside mixed) makes its Tickers tick every quarter of the period its check "
     "expects, on purpose (a Ticker ticking early); the other scenarios are unaffected"},
    {TestHook::DupJob, "dup-job",
     "the patterns scenario (alone or inside mixed) submits every 50th WorkerPool job twice, on purpose (a job "
     "run twice); the other scenarios are unaffected"},
    {TestHook::Crash, "crash", "every scenario's run raises SIGSEGV on purpose (a crash inside a task)"},
    {TestHook::Misroute, "misroute",
     "the channels scenario (alone or inside mixed) sends one message carrying a producer of another channel, on "
     "purpose (a torn or misrouted message); the other scenarios are unaffected"},
    {TestHook::DoubleSelect, "double-select",
     "the select scenario (alone or inside mixed) carries out a second case after one select, on purpose (a "
     "select committing two cases); the other scenarios are unaffected"},
};

TestHook read_hook() {
  const char* e = std::getenv("CCB_STRESS_TEST_HOOK");
  if (e == nullptr || *e == '\0') return TestHook::None;
  const std::string v(e);
  std::vector<std::string> names;
  for (const HookInfo& h : kHooks) {
    if (v == h.name) return h.hook;
    names.push_back(h.name);
  }
  throw harness::UsageError("CCB_STRESS_TEST_HOOK: unknown value '" + v + "'; valid: " + harness::join(names, ", "));
}

const HookInfo& hook_info(TestHook hook) {
  return *std::find_if(std::begin(kHooks), std::end(kHooks), [&](const HookInfo& h) { return h.hook == hook; });
}

// program() is the path this process was started as (argv[0]), for the reproduce command.
std::string program() {
  std::ifstream f("/proc/self/cmdline", std::ios::binary);
  std::string arg0;
  std::getline(f, arg0, '\0');
  return arg0.empty() ? "ccbench" : arg0;
}

std::string repro_command(const StressSettings& s, TestHook hook, const std::string& scenario, int procs) {
  std::ostringstream c;
  // Quoted for the shell: a path with a space ("./my dir/ccb") printed bare did not run as printed
  // (session 48's review).
  if (hook != TestHook::None) c << "CCB_STRESS_TEST_HOOK=" << hook_info(hook).name << " ";
  if (const char* e = std::getenv("CCB_CHAOS"); e != nullptr && *e != '\0' && !s.chaos)
    c << "CCB_CHAOS=" << common::shell_quote(e) << " ";
  c << common::shell_quote(program()) << " stress " << scenario << " --procs " << procs << " --seed " << s.seed << " --duration "
    << s.duration_text << " --tasks " << s.tasks;
  if (s.stall_limit_text != kDefaultStallLimit) c << " --stall-limit " << s.stall_limit_text;
  if (s.chaos) c << " --chaos";
  return c.str();
}

uint64_t run_seed(uint64_t seed, const std::string& scenario, int procs) {
  // FNV-1a of the name, from a basis that lost the last digit of FNV's (14695981039346656037):
  // kept, so that the seeds printed by earlier runs still reproduce them.
  const uint64_t h = common::fnv1a64(scenario, 1469598103934665603ULL);
  return Rng::mix(seed ^ Rng::mix(h) ^ (static_cast<uint64_t>(procs) << 48));
}

void print_failure(std::ostream& err, const RunResult& r, const std::string& failure, const std::string& footer,
                   const std::string& dump) {
  err << "\nccbench stress: FAILED: scenario " << r.scenario << " (procs " << r.procs << "): " << failure << "\n"
      << footer;
  if (!dump.empty()) err << "what every task was doing when the violation was detected:\n" << dump;
  err.flush();
}

RunResult run_one(const StressSettings& s, TestHook hook, const ScenarioInfo& info, int procs, std::ostream& err) {
  RunResult r;
  r.scenario = info.name;
  r.procs = procs;
  r.seed = run_seed(s.seed, info.name, procs);
  const std::string repro = repro_command(s, hook, info.name, procs);
  std::ostringstream footer;
  footer << "seed: " << s.seed << " (this run's derived seed " << r.seed << ")\n"
         << "reproduce: " << repro << "\n";
  ScenarioContext ctx(r.seed, s.tasks, hook, true);
  // CCB_CHAOS=1 is seeded with the run's seed like --chaos (CCB_CHAOS_SEED does not apply), so
  // the reproduce line repeats its injections; otherwise chaos is off.
  if (s.chaos || s.chaos_env) ccb::debug::set_chaos(true, r.seed);
  else ccb::debug::set_chaos(false);
  reset_peak_rss();
  r.rss_start_kib = rss_kib();
  const auto t0 = ccb::Clock::now();
  std::string error;
  {
    const CrashNote crash("ccbench stress: CRASHED: scenario " + r.scenario + " (procs " + std::to_string(procs) + ")",
                          footer.str());
    Watchdog dog(ctx, s.stall_limit, "scenario " + r.scenario + " (procs " + std::to_string(procs) + ")",
                 footer.str(), err);
    ccb::Config cfg;
    cfg.procs = procs;
    try {
      ccb::run(cfg, [&] {
        const auto deadline = ccb::Clock::now() + s.duration;
        std::atomic<bool> done{false};
        ccb::go([&] {
          if (hook == TestHook::Crash) std::raise(SIGSEGV);  // test hook: a crash inside a task
          if (hook == TestHook::Stall) run_stall(ctx); else info.fn(ctx);
          done = true;
        });
        while (!done.load() && !ctx.failed()) {
          ccb::sleep_for(std::chrono::milliseconds(1));
          if (ccb::Clock::now() >= deadline) ctx.request_stop();
        }
        // Report a violation now, before the run's end abandons (unwinds) the remaining tasks.
        if (ctx.failed()) print_failure(err, r, ctx.failure(), footer.str(), ctx.failure_dump());
        // A plain thread still calling into the run (a canceller, scenario.hpp OutsideThread) must
        // be done before main returns; each does a few ms of work.
        while (OutsideThread::live() > 0) ccb::sleep_for(std::chrono::microseconds(100));
      });
    } catch (const std::exception& e) {
      error = std::string("ccb::run threw: ") + e.what();
    }
  }
  r.seconds = std::chrono::duration<double>(ccb::Clock::now() - t0).count();
  r.rss_end_kib = rss_kib();
  // The kernel's high-water mark is updated lazily and its counters are approximate: it read
  // 8308 KiB for a run that started at 8404 (session 51's stress review). The peak is at least both ends.
  r.peak_rss_kib = std::max({peak_rss_kib(), r.rss_start_kib, r.rss_end_kib});
  r.ops = ctx.progress();
  r.checks = ctx.checks();
  r.chaos_yields = ccb::debug::chaos_state().yields;
  if (ctx.failed() || !error.empty()) {
    r.passed = false;
    r.failure = ctx.failed() ? ctx.failure() : error;
    if (!ctx.failed()) print_failure(err, r, r.failure, footer.str(), "");
  }
  return r;
}

std::string chaos_text(const StressSettings& s) {
  return s.chaos ? "on (--chaos)" : s.chaos_env ? "on (CCB_CHAOS=1)" : "off";
}

// finish_out() ends the command after its last run: it writes the --out file, then prints
// `last_line` (so a script that sees that line finds the file complete), then, when --out names
// standard output (out_is_stdout), the JSON after everything else printed there.
void finish_out(const StressSettings& s, const std::vector<RunResult>& results, std::ostream& out,
                const std::string& last_line) {
  if (s.out && !s.out_is_stdout) write_json(s, results);
  out << last_line;
  if (s.out_is_stdout) out << json_summary(s, results);
}

int run_stress(const StressOptions& o, std::ostream& out, std::ostream& err) {
  const TestHook hook = read_hook();
  const StressSettings s = validate(o);
  if (hook != TestHook::None)
    err << "ccbench stress: WARNING: test hook CCB_STRESS_TEST_HOOK=" << hook_info(hook).name << " is active: "
        << hook_info(hook).effect << "\n";
  out << "ccbench stress: seed " << s.seed << " (repeat with --seed " << s.seed << "); " << s.duration_text
      << " per scenario per procs value; procs " << harness::join([&] {
           std::vector<std::string> v;
           for (int p : s.procs) v.push_back(std::to_string(p));
           return v;
         }(), ",")
      << "; tasks " << s.tasks << "; chaos " << chaos_text(s) << "\n";
  print_header(out);
  out.flush();  // the seed line reaches a log even if a signal or a CI timeout ends the first run
  // A provisional --out before each run (see below) needs a file that is replaced each time; a FIFO
  // or device (writes_in_place) would get one document per run, so it gets only the final one.
  const bool provisional = s.out && !s.out_is_stdout && !harness::writes_in_place(*s.out);
  std::vector<RunResult> results;
  for (const std::string& name : s.scenarios) {
    const ScenarioInfo& info =
        *std::find_if(scenarios().begin(), scenarios().end(), [&](const ScenarioInfo& i) { return name == i.name; });
    for (int p : s.procs) {
      if (provisional) {
        // Provisional: if the watchdog, a crash or a signal ends the process during this run, --out
        // says so instead of keeping an earlier file (the watchdog exits at once, without results).
        RunResult pending;
        pending.scenario = info.name;
        pending.procs = p;
        pending.seed = run_seed(s.seed, info.name, p);
        pending.passed = false;
        pending.failure = "did not finish: the process ended during this run (a watchdog stall or a crash, "
                          "reported on its standard error, or a signal such as Ctrl-C)";
        std::vector<RunResult> provisional = results;
        provisional.push_back(pending);
        write_json(s, provisional);
      }
      results.push_back(run_one(s, hook, info, p, err));
      print_result_line(out, results.back());
      if (!results.back().passed) {
        finish_out(s, results, out, "");
        return 1;
      }
    }
  }
  finish_out(s, results, out,
             "ccbench stress: " +
                 (results.size() == 1 ? std::string("1 run") : "all " + std::to_string(results.size()) + " runs") +
                 " passed (seed " + std::to_string(s.seed) + ")\n");
  return 0;
}

}  // namespace

harness::ReportsHooks::SelectedRunner add_stress_command(CLI::App& app) {
  auto opts = std::make_shared<StressOptions>();
  CLI::App* cmd = app.add_subcommand(
      "stress", "Stress-test the runtime: scenarios with invariants, a stall watchdog, fault injection");
  cmd->footer(kFooter);
  add_options(cmd, *opts);
  return [opts, cmd](std::ostream& out, std::ostream& err) -> int {
    if (!cmd->parsed()) return -1;
    return run_stress(*opts, out, err);
  };
}

std::function<int(std::ostream&, std::ostream&)> add_stress_options(CLI::App& app) {
  auto opts = std::make_shared<StressOptions>();
  app.footer(kFooter);
  add_options(&app, *opts);
  return [opts](std::ostream& out, std::ostream& err) { return run_stress(*opts, out, err); };
}

AddCommands with_stress_command(AddCommands inner) {
  return [inner = std::move(inner)](CLI::App& app) -> harness::ReportsHooks::SelectedRunner {
    harness::ReportsHooks::SelectedRunner others = inner ? inner(app) : nullptr;
    harness::ReportsHooks::SelectedRunner stress = add_stress_command(app);
    return [others, stress](std::ostream& out, std::ostream& err) {
      const int rc = stress(out, err);
      if (rc >= 0 || !others) return rc;
      return others(out, err);
    };
  };
}

}  // namespace ccb::stress
