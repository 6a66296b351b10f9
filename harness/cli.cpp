// harness/cli.cpp — see cli.hpp.
#include "harness/cli.hpp"

#include "harness/build_info.hpp"

namespace ccb::harness {

namespace {

constexpr const char* kRunFooter = R"(
LIST syntax: comma-separated values and ranges; a range a..b doubles from a to b
(1..8 = 1,2,4,8). Integers may be written 1000000 or 1e6.
Examples:
  ccbench run fanin --procs 1..4 --set cap=0,128 --set n=1e6
  ccbench run --impl all --preset full --out results.json --report report/
Measurement controls:
  --pin (default on) pins ccbench runtime worker i to allowed CPU i mod N and starts the Go child
  on the CPUs of workers 0..procs-1; OS threads of the threads implementation are not pinned.
  A refused pin prints one warning and the run goes on unpinned. --shuffle (default on when more
  than one implementation runs, off otherwise) runs the repetitions of windows of 8 points and of
  every implementation in a seeded random order; the seed is printed and recorded (--seed N
  repeats an order). Environment warnings (load, governor, debug/sanitizer build, too few
  repetitions for `compare`) go to stderr unless --quiet and always into context.environment_warnings.
Progress (stderr): on a terminal, one line redrawn in place (point, implementation, ETA; a name
  too long for the terminal loses its middle); when stderr is not a terminal (a log file, CI) or
  TERM is dumb, or with --progress lines, a plain line such as
  "ccbench run: 12/40 points done, 3m05s elapsed, ETA ~1m10s" at most every 10 s, so a run shorter
  than 10 s prints none; CCB_PROGRESS_INTERVAL=SECONDS (0 to 3600) replaces those 10 s (0: a line
  after every repetition; it changes nothing measured). --progress never or --quiet: no progress.
Test hooks: CCB_INJECT_DELAY_NS=N makes the ccbench implementation busy-wait N ns per op inside
  each repetition; CCB_INJECT_SLOWDOWN=P (10% or 0.1) makes it busy-wait P x its own run time, a
  slowdown of P on every point; CCB_INJECT_WORKLOAD=name limits either to one workload (alone it
  is bad usage). The run warns loudly (even with --quiet) and records it in context.injection.
  Never active unless set.
  CCB_CHAOS=1 (the runtime's fault injection, see README) perturbs the ccbench implementation the
  same way: the run warns loudly and records it in context.chaos; CCB_CHAOS_SEED=N (0 to 2^64-1;
  unset or 0: each run draws its own seed) repeats its injections and is recorded with it.
Go reference: --impl go builds workloads/go into build/<preset>/go/bin/ccbench-go when that is
  missing or older than its sources; CCB_GO_BINARY=PATH runs an already built ccbench-go instead,
  as is (nothing is built or checked against the sources). CCB_GO_TIMEOUT=SECONDS (1 to 86400,
  default 600): a Go child without a reply that long is killed and its point fails; later Go
  points of the run then fail at once. Its first reply, after start-up and --warmup N warm-up
  runs, gets (N + 1) times that. The ccbench-go file used is recorded (context.go_binary)
  and checked again at the end: replaced meanwhile, the run warns (go_binary_changed). A path
  of ccbench or ccbench-go that is not UTF-8 is recorded with U+FFFD (warned: path_not_utf8).
Interrupting: SIGINT (Ctrl-C), SIGTERM or SIGHUP stops the run after the workload run in
  progress (a run still going 10 s after the signal is abandoned, a Go child killed): the
  points finished before it are written to --out with context.interrupted (the
  shuffle window in progress is dropped whole; a failure in it is still printed, unless the run
  in progress was abandoned), no report is made, and the exit status is 130, 143 or 129. A second signal stops at once, writing nothing (the same signal from the same
  process within 1 s is the first one again: timeout(1) sends it to ccbench and to its group).
Hangs: a run of the ccbench or threads implementation (a warm-up or one run of a repetition) that
  has not ended after CCB_RUN_TIMEOUT=SECONDS (0.001 to 86400, default 600; 0: no limit; time
  stopped, as by Ctrl-Z, does not count) is taken for a hang (a bug in the runtime or a workload,
  or a --set size too large for the limit): the points finished before it are written as for a
  signal (context.interrupted.signal "hang", the hang warning names the run), and the exit status
  is 1. (A hung Go child is killed instead: CCB_GO_TIMEOUT above.)
Resuming: --resume FILE (e.g. the --out of an interrupted run; then give the same command again
  with --resume FILE, and an --out of its own or the same file) takes from FILE every point it
  holds an ok (or not applicable) result of for each implementation of this run, shows them
  first in the table, and measures only the other points; --out gets them all, in matrix order,
  with context.resumed. FILE must come from this ccbench binary on this host with the same
  --preset, --repetitions, --warmup, --min-time and --pin (pinned: the same CPUs), without test
  hooks, and (for reused Go points) the same ccbench-go build and GOGC/GOMEMLIMIT/GODEBUG,
  and each entry it takes must be its point's (workload, params, procs), once, with one sample
  > 0 per repetition (not a merge of two runs): otherwise exit 2, naming the difference. FILE
  must be a regular file. With --dry-run
  it lists only the points left to measure, and their least time.
Exit codes: 0 ok, 1 a workload failed its self-check or a point could not be measured (a Go child
  that crashed, hung or reported a wrong op count, or a point refused memory: "out of memory"; the
  other points still run and are written; or a run that hung, see above), 2 bad usage or input, or output that could
  not be written (--out, --report, or standard output), 3 internal error (nothing is written),
  130/143/129 interrupted by SIGINT/SIGTERM/SIGHUP (see above).)";

constexpr const char* kListFooter = R"(Lists the named workloads, or every workload when none is named (e.g. 'ccbench list pingpong').
Each is listed with its unit, its parameters (type, default, range or choices, quick and full
presets' values), the procs values of each preset and its implementations (ccbench, threads, and
go where the Go reference has it and Go is installed). --format json gives the same as data.
Exit codes: 0 ok; 2 bad usage (an unknown workload name: the message lists the valid ones).)";

constexpr const char* kTopFooter = R"(Run 'ccbench COMMAND --help' for a command's options.
Environment (each described in its command's --help and in README):
  CCB_GO_BINARY=PATH      run: use this built ccbench-go for --impl go instead of building one
  CCB_GO_TIMEOUT=SECONDS  run: kill a Go child that gives no reply that long (default 600;
                          (N + 1) times that for its first, after --warmup N)
  CCB_REPORT_PYTHON=PATH  report: the Python with matplotlib that draws the charts (default
                          /usr/bin/python3)
  CCB_CHART_TIMEOUT_S=SECONDS  report: stop a chart drawer still running that long (default 300)
  CCB_RUN_TIMEOUT=SECONDS run: a run of an in-process workload that long is a hang: the run
                          writes the points finished and exits 1 (default 600; 0: no limit)
  CCB_PROGRESS_INTERVAL=SECONDS  run: how often the plain progress lines come (default 10)
  CCB_CHAOS=1, CCB_CHAOS_SEED=N  run, stress: the runtime's fault injection (run warns and marks
                          its results as not real; stress seeds it with the run's seed)
  CCB_INJECT_DELAY_NS, CCB_INJECT_SLOWDOWN, CCB_INJECT_WORKLOAD (run), CCB_STRESS_TEST_HOOK
                          (stress): test hooks for ccbench's own tests, never for real runs
Exit codes: 0 ok; 1 a check failed (a workload's self-check or a point not measured, e.g. out of
  memory, the compare gate, calibrate's noise too large, a stress invariant or stall); 2 bad usage
  or input, or output that could not be written; 3 internal error (a bug in ccbench, or no
  threads or memory outside a point's run: never a verdict); 130/143/129 run, compare, calibrate
  or report interrupted by SIGINT/SIGTERM/SIGHUP (run writes the points it finished; stress ends
  by the signal itself, which a shell shows as the same numbers). Each command's --help has the
  details.)";

}  // namespace

std::vector<std::string> bare_switches_on(const std::vector<std::string>& argv) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    const bool next_is_value = i + 1 < argv.size() && (argv[i + 1] == "on" || argv[i + 1] == "off");
    out.push_back((a == "--pin" || a == "--shuffle") && !next_is_value ? a + "=on" : a);
  }
  return out;
}

namespace {

template <class T>
CLI::Option* single(CLI::App* app, const std::string& name, std::optional<T>& var, const std::string& help) {
  return app->add_option_function<T>(name, [&var](const T& v) { var = v; }, help)
      ->multi_option_policy(CLI::MultiOptionPolicy::Throw);
}

}  // namespace

std::unique_ptr<CLI::App> build_cli(ParsedCli& p, const ReportsHooks& reports) {
  auto app = std::make_unique<CLI::App>(
      "ccbench — benchmarks of Go-style concurrency (tasks, channels, select, sync) against Go "
      "and OS threads",
      "ccbench");
  app->set_version_flag("--version", version_line(), "Print the version and git commit, then exit");
  app->require_subcommand(1);
  app->footer(kTopFooter);

  p.list_cmd = app->add_subcommand("list", "List the workloads with their parameters and sweeps");
  // Its own footer: CLI11 gives a subcommand its parent's, whose "Run 'ccbench COMMAND --help'"
  // and environment list are not about `list`.
  p.list_cmd->footer(kListFooter);
  p.list_cmd->add_option("workloads", p.list.workloads, "Workloads to list (default: all)");
  p.list_cmd->add_option("--format", p.list.format, "Output format: table (default) or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->multi_option_policy(CLI::MultiOptionPolicy::Throw);

  CLI::App* run = p.run_cmd = app->add_subcommand("run", "Run benchmarks and report ns/op");
  RunOptions& o = p.run;
  run->footer(kRunFooter);
  run->add_option("workloads", o.workloads, "Workloads to run (default: all)");
  single(run, "--filter", o.filter, "Keep only points whose name (without /impl:) matches REGEX (POSIX extended, as GB's --benchmark_filter)")
      ->type_name("REGEX");
  single(run, "--procs", o.procs, "Worker threads / GOMAXPROCS values, 1..1024 (default: the "
                                  "workload's preset sweep)")->type_name("LIST");
  run->add_option("--set", o.sets, "Sweep a parameter: NAME=LIST, e.g. cap=0,128 (repeatable)")
      ->type_name("NAME=LIST")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  run->add_option("--preset", o.preset, "Sweep, repetitions and min-time preset (default quick)")
      ->check(CLI::IsMember({"quick", "full"}))
      ->multi_option_policy(CLI::MultiOptionPolicy::Throw);
  single(run, "--impl", o.impl, "Implementations: ccbench, go, threads, or all (default ccbench)")
      ->type_name("LIST");
  single(run, "--repetitions", o.repetitions, "Measured repetitions per point, 1..1000 "
                                              "(default: quick 7, full 10)")->type_name("N");
  single(run, "--min-time", o.min_time, "Least measured time of one repetition: a shorter "
                                        "workload run is repeated within it, R times, R fixed by the first "
                                        "repetition and recorded (default: quick 0.05, full 0.5; 0: one run)")->type_name("SECONDS");
  single(run, "--warmup", o.warmup, "Unreported warm-up runs per point and implementation, 0..100 "
                                    "(default 1): each is one run of the workload, not a --min-time repetition")
      ->type_name("N");
  single(run, "--out", o.out, "Write the results JSON (reports/SCHEMA.md) to FILE (/dev/stdout, or the file "
                              "stdout goes to: printed on stdout after everything else)")
      ->type_name("FILE");
  run->add_option("--format", o.format, "Standard output format (default table)")
      ->check(CLI::IsMember({"table", "json", "csv", "markdown"}))
      ->multi_option_policy(CLI::MultiOptionPolicy::Throw);
  run->add_flag("--quiet", o.quiet, "Print only errors (and a --format json|csv|markdown document)")
      ->multi_option_policy(CLI::MultiOptionPolicy::Throw);
  run->add_flag("--dry-run", o.dry_run, "Print the points and implementations the run would measure (with "
                                        "the reason of any known not to apply), and "
                                        "the least time it would take, then exit without measuring or "
                                        "writing anything (so --out or --report with it is bad usage, exit 2, except with "
                                        "--resume: the command being previewed keeps them, and they are not written)")
      ->multi_option_policy(CLI::MultiOptionPolicy::Throw);
  run->add_option("--progress", o.progress, "Progress on stderr: auto (default; a line redrawn in place on a "
                                            "terminal, else a plain line every 10 s), lines (plain lines every "
                                            "10 s), never; --quiet implies never")
      ->check(CLI::IsMember({"auto", "lines", "never"}))
      ->multi_option_policy(CLI::MultiOptionPolicy::Throw);
  single(run, "--report", o.report, "After the run, write the HTML report into DIR (the results "
                                    "JSON goes to --out, or DIR/results.json when --out is not given "
                                    "or is a device such as /dev/null)")->type_name("DIR");

  // --pin/--shuffle take an optional value; a bare one never swallows the next word
  // (bare_switches_on(), applied before parsing), so their help shows no default value.
  run->add_option("--pin", o.pin, "Pin runtime workers (and the Go child) to CPUs (default on)")
      ->check(CLI::Validator(CLI::IsMember({"on", "off"})).description(""))
      ->expected(0, 1)
      ->type_name("[=on|off]")
      ->multi_option_policy(CLI::MultiOptionPolicy::Throw);
  single(run, "--shuffle", o.shuffle, "Shuffle repetitions of points and implementations in a seeded "
                                      "order (default on with several implementations, off with one)")
      ->check(CLI::Validator(CLI::IsMember({"on", "off"})).description(""))
      ->expected(0, 1)
      ->type_name("[=on|off]");
  single(run, "--seed", o.seed, "Shuffle seed, 0..2^64-1 (default: random, printed and recorded)")
      ->type_name("N");
  single(run, "--resume", o.resume, "Take the points FILE (the results of an earlier, e.g. interrupted, run of this "
                                    "binary with the same settings) holds in full, and measure only the others; "
                                    "--out gets them all")
      ->type_name("FILE");

  if (reports.add_commands) p.run_reports = reports.add_commands(*app);
  return app;
}

}  // namespace ccb::harness
