// tests/harness/cli_test.cpp — the command line, in-process through ccbench_main(): help,
// version, list, and every bad-input class -> exit 2 with a message listing the valid choices,
// before any benchmark runs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <tuple>

#include "fake_workloads.hpp"
#include "harness/build_info.hpp"
#include "test_support.hpp"

namespace ccb::test {
namespace {

TEST(Cli, HelpListsCommands) {
  CliRun r = run_cli({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("list"), std::string::npos);
  EXPECT_NE(r.out.find("run"), std::string::npos);
  EXPECT_NE(r.out.find("--version"), std::string::npos);
}

// Every CCB_* variable that ccbench's code reads (getenv in harness/, reports/, runtime/src/) is
// named in `ccbench --help` and in the README, so a new one cannot go undocumented.
TEST(Cli, HelpAndReadmeNameEveryEnvironmentVariable) {
  namespace fs = std::filesystem;
  const std::regex getenv_re(R"re(getenv\("(CCB_[A-Z0-9_]+)"\))re");
  std::set<std::string> names;
  for (const char* dir : {"harness", "reports", "runtime/src"})
    for (const auto& e : fs::recursive_directory_iterator(fs::path(CCB_SOURCE_DIR) / dir)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path());
      const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      for (std::sregex_iterator m(text.begin(), text.end(), getenv_re), end; m != end; ++m)
        names.insert((*m)[1]);
    }
  ASSERT_GE(names.size(), 9u) << "the scan found too few getenv calls; did the sources move?";
  const std::string help = run_cli({"--help"}).out;
  std::ifstream readme_in(std::string(CCB_SOURCE_DIR) + "/README.md");
  const std::string readme((std::istreambuf_iterator<char>(readme_in)), std::istreambuf_iterator<char>());
  for (const std::string& n : names) {
    EXPECT_NE(help.find(n), std::string::npos) << n << " is not named in ccbench --help";
    EXPECT_NE(readme.find(n), std::string::npos) << n << " is not named in README.md";
  }
}

// Regression (docs audit): `ccbench --help` says each variable is described in its command's
// --help, but run --help did not name CCB_CHAOS_SEED (stress --help names CCB_STRESS_TEST_HOOK:
// tests/stress); CCB_PROGRESS_INTERVAL, which only paces the progress lines, was listed with the
// test hooks "never for real measurements"; and the exit codes left out 129 (SIGHUP).
TEST(Cli, EachCommandsHelpDescribesTheVariablesTheTopHelpGivesIt) {
  const std::string top = run_cli({"--help"}).out;
  const std::string run = run_cli({"run", "--help"}).out;
  for (const char* n : {"CCB_GO_BINARY", "CCB_GO_TIMEOUT", "CCB_RUN_TIMEOUT", "CCB_PROGRESS_INTERVAL", "CCB_CHAOS=1",
                        "CCB_CHAOS_SEED", "CCB_INJECT_DELAY_NS", "CCB_INJECT_SLOWDOWN", "CCB_INJECT_WORKLOAD"}) {
    EXPECT_NE(top.find(n), std::string::npos) << n << "\n" << top;
    EXPECT_NE(run.find(n), std::string::npos) << n << "\n" << run;
  }
  EXPECT_NE(top.find("CCB_PROGRESS_INTERVAL=SECONDS  run: how often the plain progress lines come"), std::string::npos)
      << top;
  // in run --help, described with the progress lines, before (not among) the test hooks
  EXPECT_LT(run.find("CCB_PROGRESS_INTERVAL"), run.find("Test hooks:")) << run;
  EXPECT_NE(run.find("it changes nothing measured"), std::string::npos) << run;
  // report too (session 48's CLI review: its --help and the README said so, the top help did not)
  EXPECT_NE(top.find("130/143/129 run, compare, calibrate\n  or report interrupted by SIGINT/SIGTERM/SIGHUP"),
            std::string::npos) << top;
  EXPECT_NE(run.find("130/143/129 interrupted by SIGINT/SIGTERM/SIGHUP"), std::string::npos) << run;
  // --dry-run with --out or --report is bad usage (DryRun.ListsThePointsAndTheLeastTimeAndRunsNothing)
  EXPECT_NE(run.find("(so --out or --report with it is bad usage, exit 2, except with --resume"), std::string::npos)
      << run;
}

TEST(Cli, SubcommandHelp) {
  CliRun r = run_cli({"run", "--help"});
  EXPECT_EQ(r.code, 0);
  for (const char* opt : {"--filter", "--procs", "--set", "--preset", "--impl", "--repetitions",
                          "--min-time", "--warmup", "--out", "--format", "--quiet", "--report", "1..8"})
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
  // list's own footer, not the top level's (CLI11 copies a parent's footer to its subcommands)
  CliRun list = run_cli({"list", "--help"});
  EXPECT_EQ(list.code, 0);
  EXPECT_NE(list.out.find("Exit codes: 0 ok; 2 bad usage (an unknown workload name"), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find("CCB_GO_BINARY"), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find("Run 'ccbench COMMAND --help'"), std::string::npos) << list.out;
}

TEST(Cli, VersionPrintsVersionAndCommit) {
  CliRun r = run_cli({"--version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("ccbench " + harness::build_info().version), std::string::npos);
  EXPECT_NE(r.out.find("git " + harness::build_info().git_commit), std::string::npos);
}

TEST(Cli, NoCommandIsUsageError) {
  CliRun r = run_cli({});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("valid commands: list, run"), std::string::npos) << r.err;
}

TEST(Cli, UnknownCommandListsCommands) {
  CliRun r = run_cli({"bogus"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown command 'bogus'; valid commands: list, run"), std::string::npos) << r.err;
  CliRun typo = run_cli({"rn"});
  EXPECT_EQ(typo.code, 2);
  EXPECT_NE(typo.err.find("unknown command 'rn' (did you mean 'run'?); valid commands: list, run"), std::string::npos)
      << typo.err;
}

// Regression: `ccbench --bogus` said only "A subcommand is required".
TEST(Cli, AnUnknownOptionAloneIsNamed) {
  CliRun r = run_cli({"--bogus"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown option '--bogus'; usage: ccbench COMMAND [OPTIONS], commands: list, run"),
            std::string::npos) << r.err;
  CliRun typo = run_cli({"--verison"});
  EXPECT_EQ(typo.code, 2);
  EXPECT_NE(typo.err.find("unknown option '--verison' (did you mean '--version'?); usage:"), std::string::npos)
      << typo.err;
  EXPECT_EQ(run_cli({"--version"}).code, 0);
  EXPECT_EQ(run_cli({"--help"}).code, 0);
}

TEST(Cli, ListTableShowsParameters) {
  CliRun r = run_cli({"list"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("fake_sum — Sums"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1..1000000"), std::string::npos);
  EXPECT_NE(r.out.find("ok|fail|na|crash|fail_second|miscount|oom"), std::string::npos);
  EXPECT_NE(r.out.find("procs: quick 1,2, full 1,2,4"), std::string::npos);
}

TEST(Cli, ListJson) {
  CliRun r = run_cli({"list", "--format", "json"});
  ASSERT_EQ(r.code, 0);
  auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["workloads"].size(), 4u);
  const auto& sum = doc["workloads"][3];
  EXPECT_EQ(sum["name"], "fake_sum");
  EXPECT_EQ(sum["unit"], "item");
  EXPECT_EQ(sum["impls"], nlohmann::json({"ccbench", "threads"}));
  EXPECT_EQ(sum["params"][0]["name"], "n");
  EXPECT_EQ(sum["params"][0]["type"], "int");
  EXPECT_EQ(sum["params"][0]["default"], 2000);
  EXPECT_EQ(sum["params"][0]["max"], 1000000);
  EXPECT_EQ(sum["params"][0]["full"], nlohmann::json({2000, 4000}));
  EXPECT_EQ(sum["procs"]["full"], nlohmann::json({1, 2, 4}));
  const auto& fail = doc["workloads"][1];
  EXPECT_EQ(fail["params"][0]["type"], "choice");
  EXPECT_EQ(fail["params"][0]["choices"][1], "fail");
}

// `ccbench list pingpong` shows that workload only (it was "The following argument was not
// expected"); names keep their order, and an unknown one is refused before the Go backend is asked
// (which may build the Go reference).
TEST(Cli, ListNamedWorkloadsOnlyInTheOrderNamed) {
  CliRun one = run_cli({"list", "fake_fail"});
  ASSERT_EQ(one.code, 0) << one.err;
  EXPECT_NE(one.out.find("fake_fail — "), std::string::npos) << one.out;
  EXPECT_EQ(one.out.find("fake_sum"), std::string::npos) << one.out;
  CliRun two = run_cli({"list", "fake_sum", "fake_extra", "--format", "json"});
  ASSERT_EQ(two.code, 0) << two.err;
  const auto doc = nlohmann::json::parse(two.out);
  ASSERT_EQ(doc["workloads"].size(), 2u);
  EXPECT_EQ(doc["workloads"][0]["name"], "fake_sum");
  EXPECT_EQ(doc["workloads"][1]["name"], "fake_extra");
  harness::Hooks hooks;
  hooks.go = std::make_shared<FakeGo>(false);
  CliRun bad = run_cli({"list", "fake_sum", "bogus"}, hooks);
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.out, "");
  EXPECT_NE(bad.err.find("unknown workload 'bogus'; valid workloads: fake_extra, fake_fail, fake_latency, fake_sum"),
            std::string::npos) << bad.err;
  EXPECT_EQ(bad.err.find("go is not listed"), std::string::npos) << bad.err;
  CliRun twice = run_cli({"list", "fake_sum", "fake_sum"});
  EXPECT_EQ(twice.code, 2);
  EXPECT_NE(twice.err.find("workload 'fake_sum' is named twice"), std::string::npos) << twice.err;
}

struct BadInput {
  const char* label;
  std::vector<std::string> args;
  const char* expected;  // a substring of stderr that names what is valid
};

class CliBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(CliBadInput, ExitsTwoListingValidChoicesWithoutRunning) {
  const BadInput& c = GetParam();
  CliRun r = run_cli(c.args);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find(c.expected), std::string::npos) << "stderr: " << r.err;
  EXPECT_TRUE(call_log().empty()) << "a benchmark ran before the input was rejected";
}

const BadInput kBadInputs[] = {
    {"unknown_workload", {"run", "nope"}, "valid workloads: fake_extra, fake_fail, fake_latency, fake_sum"},
    {"unknown_parameter", {"run", "fake_sum", "--set", "foo=1"}, "valid parameters: fake_sum: n, k"},
    {"bad_choice", {"run", "fake_fail", "--set", "mode=maybe"}, "valid: ok, fail, na, crash, fail_second, miscount, oom"},
    {"n_negative", {"run", "fake_sum", "--set", "n=-1"}, "'-1' is out of range; valid: 1..1000000"},
    {"n_huge", {"run", "fake_sum", "--set", "n=1e30"}, "out of range; valid: 1..1000000"},
    {"n_power_syntax", {"run", "fake_sum", "--set", "n=10^30"}, "not an integer"},
    {"n_non_numeric", {"run", "fake_sum", "--set", "n=abc"}, "'abc' is not an integer"},
    {"set_without_equals", {"run", "fake_sum", "--set", "n"}, "expected NAME=LIST"},
    {"set_twice", {"run", "fake_sum", "--set", "n=1", "--set", "n=2"}, "--set n is given twice"},
    // Regression (session 51's CLI review): a value out of the range of a workload that --filter
    // leaves out was refused with no word of why that workload counted.
    {"set_before_filter", {"run", "--set", "n=500", "--filter", "^fake_sum"},
     "(--set applies to every selected workload with that parameter, before --filter picks points: name the "
     "workloads instead"},
    // Regression: a combination the workload cannot run failed the run (exit 1) as a self-check.
    {"combination_rejected", {"run", "fake_sum", "--set", "n=1e6", "--set", "k=4"},
     "point fake_sum/n=1000000/k=4/procs:1: n*k=4000000 must be at most 2000000"},
    {"procs_zero", {"run", "fake_sum", "--procs", "0"}, "valid: 1..1024"},
    {"procs_huge", {"run", "fake_sum", "--procs", "100000"}, "valid: 1..1024"},
    {"procs_empty_item", {"run", "fake_sum", "--procs", "1,,2"}, "empty item"},
    {"procs_bad_range", {"run", "fake_sum", "--procs", "1..6"}, "never reaches 6"},
    {"procs_non_numeric", {"run", "fake_sum", "--procs", "two"}, "not an integer"},
    {"duplicated_out", {"run", "--out", "a.json", "--out", "b.json"}, "--out"},
    {"duplicated_quiet", {"run", "--quiet", "--quiet"}, "--quiet"},
    {"duplicated_procs", {"run", "--procs", "1", "--procs", "2"}, "--procs"},
    {"workload_twice", {"run", "fake_sum", "fake_sum"}, "named twice"},
    {"bad_format", {"run", "--format", "xml"}, "{table,json,csv,markdown}"},
    {"bad_list_format", {"list", "--format", "yaml"}, "{table,json}"},
    {"bad_preset", {"run", "--preset", "medium"}, "{quick,full}"},
    {"bad_impl", {"run", "--impl", "rust"}, "valid: ccbench, go, threads, all"},
    {"repetitions_zero", {"run", "--repetitions", "0"}, "valid: 1..1000"},
    {"warmup_negative", {"run", "--warmup", "-1"}, "valid: 0..100"},
    {"min_time_text", {"run", "--min-time", "abc"}, "not a number of seconds"},
    {"bad_filter", {"run", "--filter", "("}, "not a valid regular expression"},
    {"filter_matches_nothing", {"run", "--filter", "zzz"}, "points are named like"},
    {"out_missing_dir", {"run", "fake_sum", "--out", "/nonexistent-ccbench-dir/r.json"}, "does not exist"},
    {"out_is_directory", {"run", "fake_sum", "--out", "/tmp"}, "is a directory"},
    {"out_dash", {"run", "fake_sum", "--out", "-"}, "--format json prints the results JSON on standard output"},
    {"workload_typo", {"run", "fake_sun"}, "unknown workload 'fake_sun' (did you mean 'fake_sum'?); valid workloads"},
    {"parameter_typo", {"run", "fake_sum", "--set", "nn=1"}, "parameter 'nn' (did you mean 'n'?); valid parameters"},
    {"impl_typo", {"run", "--impl", "ccbench,thread"}, "'thread' (did you mean 'threads'?); valid:"},
    {"option_typo", {"run", "--proc", "1"}, "not expected: --proc (did you mean '--procs'?); see 'ccbench run --help'"},
    {"option_typo_with_value", {"run", "--repetition=3"}, "(did you mean '--repetitions'?)"},
    {"list_option_typo", {"list", "--formt", "json"}, "(did you mean '--format'?); see 'ccbench list --help'"},
    {"report_without_module", {"run", "fake_sum", "--report", "/tmp/ccbench-report-x"}, "without the reports module"},
    {"go_not_built_in", {"run", "fake_sum", "--impl", "go"}, "scripts/setup"},
    {"no_impl_for_selection", {"run", "fake_extra", "--impl", "threads"}, "nothing to run"},
    {"unknown_option", {"run", "--bogus"}, "--bogus"},
};

INSTANTIATE_TEST_SUITE_P(All, CliBadInput, ::testing::ValuesIn(kBadInputs),
                         [](const auto& info) { return std::string(info.param.label); });

TEST(Cli, GoUnavailableNamedExplicitlyIsUsageError) {
  harness::Hooks hooks;
  hooks.go = std::make_shared<FakeGo>(false);
  CliRun r = run_cli({"run", "fake_sum", "--impl", "ccbench,go"}, hooks);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--impl go: go is not installed; run scripts/setup"), std::string::npos) << r.err;
  EXPECT_TRUE(call_log().empty());
}

// Regression: a bad CCB_CHAOS made the runtime throw ccb::ConfigError mid-run (exit 1, "error:
// ...; no results were written") instead of rejecting the input up front (exit 2).
TEST(Cli, BadChaosEnvironmentIsUsageErrorBeforeRunning) {
  for (const auto& [name, value, message] :
       {std::tuple<const char*, const char*, const char*>{"CCB_CHAOS", "banana", "CCB_CHAOS must be 1 (on) or 0 (off), got 'banana'"},
        {"CCB_CHAOS_SEED", "-3", "CCB_CHAOS_SEED must be an integer 0..18446744073709551615, got '-3'"},
        {"CCB_CHAOS_SEED", "99999999999999999999", "CCB_CHAOS_SEED must be an integer"}}) {
    setenv(name, value, 1);
    CliRun r = run_cli({"run", "fake_sum", "--repetitions", "1", "--warmup", "0", "--min-time", "0"});
    unsetenv(name);
    EXPECT_EQ(r.code, 2) << name << "=" << value << ": " << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_TRUE(call_log().empty()) << "a benchmark ran before the input was rejected";
  }
}

// Regression: `ccbench list` never listed the Go implementation, though `run --impl go` ran it.
TEST(Cli, ListNamesGoForTheWorkloadsItSupports) {
  harness::Hooks hooks;
  hooks.go = std::make_shared<FakeGo>(true, std::set<std::string>{"fake_sum"});
  CliRun r = run_cli({"list", "--format", "json"}, hooks);
  ASSERT_EQ(r.code, 0) << r.err;
  for (const auto& w : nlohmann::json::parse(r.out)["workloads"]) {
    if (w["name"] == "fake_sum") EXPECT_EQ(w["impls"], nlohmann::json({"ccbench", "go", "threads"}));
    else EXPECT_EQ(std::find(w["impls"].begin(), w["impls"].end(), "go"), w["impls"].end()) << w["name"];
  }
  CliRun table = run_cli({"list"}, hooks);
  EXPECT_NE(table.out.find("impls: ccbench, go, threads"), std::string::npos) << table.out;
  hooks.go = std::make_shared<FakeGo>(false);
  CliRun without = run_cli({"list"}, hooks);
  EXPECT_EQ(without.code, 0);
  EXPECT_EQ(without.out.find(", go"), std::string::npos);
  EXPECT_NE(without.err.find("go is not listed"), std::string::npos) << without.err;
}

// Regression: a bare --shuffle or --pin took the next word as its value (`run --shuffle fake_sum`
// exited 2: "fake_sum not in {on,off}"), and run --help showed `--shuffle on|off:{on,off}=on`
// though the default with one implementation is off.
TEST(Cli, BareShuffleAndPinDoNotSwallowTheWorkload) {
  ScratchDir dir;
  CliRun r = run_cli({"run", "--shuffle", "fake_sum", "--pin", "--set", "k=1", "--procs", "1", "--repetitions",
                      "1", "--warmup", "0", "--min-time", "0", "--quiet", "--out", dir.file("r.json")});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto doc = read_json(dir.file("r.json"));
  EXPECT_EQ(doc["context"]["shuffle"]["enabled"], true);
  CliRun off = run_cli({"run", "fake_sum", "--shuffle", "off", "--pin", "off", "--set", "k=1", "--procs", "1",
                        "--repetitions", "1", "--warmup", "0", "--min-time", "0", "--quiet", "--out", dir.file("o.json")});
  ASSERT_EQ(off.code, 0) << off.err;
  EXPECT_EQ(read_json(dir.file("o.json"))["context"]["shuffle"]["enabled"], false);
  const std::string help = run_cli({"run", "--help"}).out;
  EXPECT_NE(help.find("--shuffle [=on|off]"), std::string::npos) << help;
  EXPECT_EQ(help.find("{on,off}=on"), std::string::npos) << help;
}

// Found by hand: `run --shuffle maybe` said only "unknown workload 'maybe'" (the bare --shuffle
// does not take the word); a word after a bare --pin/--shuffle that is no workload is now named as
// the switch's bad value. A workload there still runs (above), and so does one after `--`.
TEST(Cli, AWordAfterABareSwitchThatIsNoWorkloadIsNamedAsItsValue) {
  for (const char* sw : {"--shuffle", "--pin"}) {
    CliRun r = run_cli({"run", "fake_sum", sw, "maybe", "--dry-run"});
    EXPECT_EQ(r.code, 2) << sw;
    EXPECT_EQ(r.err, std::string("ccbench: ") + sw + " takes on or off (" + sw +
                         "=on|off), not 'maybe'; nor is 'maybe' a workload (see `ccbench list`)\n");
  }
  CliRun unknown = run_cli({"run", "maybe", "--dry-run"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("unknown workload 'maybe'"), std::string::npos) << unknown.err;
}

// Regression: CLI11's own errors were printed without the "ccbench:" prefix, on two lines.
TEST(Cli, ParseErrorsAreOneLineWithThePrefix) {
  CliRun r = run_cli({"run", "--bogus"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "ccbench: The following argument was not expected: --bogus; see 'ccbench run --help'\n");
}

// CLI11 said "--procs: At Most 1 required but received 2" for a repeated option.
TEST(Cli, RepeatedOptionSaysGivenTwiceAndHowToListValues) {
  CliRun r = run_cli({"run", "--procs", "1", "--procs", "2"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "ccbench: --procs: given 2 times; give it once (several values go in one list: "
                   "--procs 1,2,4); see 'ccbench run --help'\n");
  r = run_cli({"run", "--preset", "quick", "--preset", "full", "--preset", "quick"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "ccbench: --preset: given 3 times; give it once; see 'ccbench run --help'\n");
}

TEST(Cli, GoUnavailableWithImplAllIsSkippedWithANotice) {
  harness::Hooks hooks;
  hooks.go = std::make_shared<FakeGo>(false);
  CliRun r = run_cli({"run", "fake_sum", "--impl", "all", "--repetitions", "1", "--warmup", "0",
                      "--min-time", "0"}, hooks);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("note: go: skipped — go is not installed; run scripts/setup"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("ccbench/threads"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("ccbench/go"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ccb::test
