// tests/reports/child_run_test.cpp — compare's confirmation children (reports/child_run.hpp): the
// user's run command loses the options compare sets itself (and --resume: a round is measured), and a signal stops compare's child
// and ends compare as interrupted (128 + signal), not as bad input.
#include "reports/child_run.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "cli_helper.hpp"

namespace ccb::reports {
namespace {

// Regression: --base-run/--new-run with their own --filter (or --out/--quiet) got compare's
// appended as well, and `ccbench run` rejected the repeated option: confirmation failed (exit 2).
TEST(ChildRun, StripRunOptionsRemovesWhatCompareSetsAndKeepsTheRestVerbatim) {
  EXPECT_EQ(strip_run_options("build/ccbench run pingpong --filter 'cap=0' --repetitions 3"),
            "build/ccbench run pingpong --repetitions 3");
  EXPECT_EQ(strip_run_options("ccbench run --out=x.json --quiet --format json --report dir -r 5"),
            "ccbench run -r 5");
  // perf-gate's printf %q words, an env prefix and a quoted value that only looks like an option
  EXPECT_EQ(strip_run_options("CCB_X=1 /tmp/a\\ b/ccbench run --filter fanin/producers=16/cap=128 --set "
                              "'n=1' --repetitions 5"),
            "CCB_X=1 /tmp/a\\ b/ccbench run --set 'n=1' --repetitions 5");
  EXPECT_EQ(strip_run_options("ccbench run --set \"--out\"x"), "ccbench run --set \"--out\"x");
  EXPECT_EQ(strip_run_options("cd /tmp && ccbench run --quiet; true"), "cd /tmp && ccbench run; true");
}

// Regression: calibrate --run 'ccbench run --filter procs:1' lost its --filter (calibrate sets none
// of its own) and calibrated every point. keep_filter keeps it; `removed` lists what went, as written.
TEST(ChildRun, StripRunOptionsCanKeepTheFilterAndNamesWhatItRemoved) {
  std::vector<std::string> removed;
  EXPECT_EQ(strip_run_options("ccbench run --filter 'procs:1' --format json --report=d --out x.json -r 3 --quiet",
                              true, &removed),
            "ccbench run --filter 'procs:1' -r 3");
  EXPECT_EQ(removed, (std::vector<std::string>{"--format json", "--report=d", "--out x.json", "--quiet"}));
  removed.clear();
  EXPECT_EQ(strip_run_options("ccbench run --filter=pingpong -r 3", true, &removed), "ccbench run --filter=pingpong -r 3");
  EXPECT_TRUE(removed.empty());
  EXPECT_EQ(strip_run_options("ccbench run --filter pingpong -r 3", false, &removed), "ccbench run -r 3");
  EXPECT_EQ(removed, (std::vector<std::string>{"--filter pingpong"}));
}

// Regression (review of confirmation rounds): --resume stayed in a --base-run/--new-run command, so
// every round took its points from that (stale) file instead of measuring them.
TEST(ChildRun, StripRunOptionsRemovesResumeInBothForms) {
  std::vector<std::string> removed;
  EXPECT_EQ(strip_run_options("ccbench run --resume old.json -r 3", false, &removed), "ccbench run -r 3");
  EXPECT_EQ(strip_run_options("ccbench run --resume=old.json -r 3", true, &removed), "ccbench run -r 3");
  EXPECT_EQ(removed, (std::vector<std::string>{"--resume old.json", "--resume=old.json"}));
}

// fake_run() writes a stand-in for `ccbench run` into `dir`: it copies the file of its --resume
// when it has one, else `fresh`, to its --out (as a resumed run's points are FILE's).
std::string fake_run(const std::string& dir, const std::string& fresh) {
  const std::string fake = dir + "/fake-run.sh";
  std::ofstream f(fake);
  f << "#!/bin/sh\nshift\nout= src='" << fresh << "'\n"
    << "while [ $# -gt 0 ]; do case $1 in --out) out=$2 ;; --resume) src=$2 ;; --resume=*) src=${1#--resume=} ;; esac; "
    << "shift; done\ncp \"$src\" \"$out\"\n";
  f.close();
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  return fake;
}

// Review repro: the same build's rounds, with a --new-run that resumes from a file whose samples are
// 1.2x: before, every round re-read that file and "confirmed" the regression (exit 1).
TEST(ChildRun, ConfirmationRoundsDropTheCommandsResume) {
  const std::string dir = test::scratch_dir("confirm_resume");
  const std::string b = test::data("base.json"), s = test::data("slower20.json");
  const std::string fake = fake_run(dir, b);
  const auto r = test::run_cli({"compare", b, s, "--confirm", "2", "--base-run", fake + " run",
                                "--new-run", fake + " run --resume " + s});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("not confirmed"), std::string::npos) << r.out;
}

// A round whose results still say they were resumed (a wrapper that adds --resume itself) measured
// nothing: refused (exit 2), not used as a round.
TEST(ChildRun, ConfirmationRefusesARoundThatWasResumed) {
  const std::string dir = test::scratch_dir("confirm_resumed_round");
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(test::read_text(test::data("base.json")));
  j["context"]["resumed"] = {{"file", "old.json"}, {"date", "2024-05-02T10:15:03+00:00"}, {"points", 50}};
  const std::string resumed = dir + "/resumed.json";
  std::ofstream(resumed) << j.dump(1);
  const std::string fake = fake_run(dir, resumed);
  const auto r = test::run_cli({"compare", test::data("base.json"), test::data("slower20.json"), "--confirm", "1",
                                "--base-run", fake + " run", "--new-run", fake + " run"});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("took its points from an earlier results file (context.resumed: 50 points from old.json"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("must be measured fresh"), std::string::npos) << r.err;
}

// A round whose run stopped before its end (a hang: exit 1, context.interrupted "hang") is refused
// (exit 2) by compare --confirm and by calibrate --run; before, it passed as a run whose missing
// points had failed, and compare ran the hung command again in every round.
TEST(ChildRun, ConfirmationAndCalibrationRefuseARunThatStoppedBeforeItsEnd) {
  const std::string dir = test::scratch_dir("confirm_hung_round");
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(test::read_text(test::data("base.json")));
  j["context"]["interrupted"] = {{"signal", "hang"}, {"points_done", 3}, {"points_planned", 50}};
  const std::string hung = dir + "/hung.json";
  std::ofstream(hung) << j.dump(1);
  const std::string fake = fake_run(dir, hung);
  const auto r = test::run_cli({"compare", test::data("base.json"), test::data("slower20.json"), "--confirm", "1",
                                "--base-run", fake + " run", "--new-run", fake + " run"});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("the run stopped before its end (context.interrupted: hang after 3 of 50 points"),
            std::string::npos)
      << r.err;
  const auto c = test::run_cli({"calibrate", "--run", fake + " run", "--pairs", "1", "--out", dir + "/nf.json"});
  EXPECT_EQ(c.code, 2) << c.out << c.err;
  EXPECT_NE(c.err.find("context.interrupted: hang after 3 of 50 points"), std::string::npos) << c.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/nf.json"));
}

// calibrate --run end to end: a fake `ccbench run` logs its arguments and writes base.json as its
// --out. The user's --filter reaches every run; --format and --report do not, and a note names them.
TEST(ChildRun, CalibrateRunKeepsTheUsersFilterAndNamesWhatItDrops) {
  const std::string dir = test::scratch_dir("calib_run");
  const std::string fake = dir + "/fake.sh", log = dir + "/args.log";
  {
    std::ofstream f(fake);
    f << "#!/bin/sh\nshift\necho \"$*\" >> '" << log << "'\nout=\n"
      << "while [ $# -gt 0 ]; do [ \"$1\" = --out ] && out=$2; shift; done\n"
      << "cp '" << test::data("base.json") << "' \"$out\"\n";
  }
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  const auto r = test::run_cli({"calibrate", "--pairs", "1", "--out", dir + "/nf.json", "--run",
                                fake + " run --filter 'procs:1' --format json --report " + dir + "/rep -r 3"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  const std::string args = test::read_text(log);
  // two runs (one pair), each: the user's --filter and -r, then calibrate's --out (a scratch file) and --quiet
  EXPECT_TRUE(std::regex_match(args, std::regex("(--filter procs:1 -r 3 --out [^ ]*/[ab]1\\.json --quiet\n){2}"))) << args;
  EXPECT_NE(r.err.find("note: removed from --run: --format json, --report " + dir + "/rep"), std::string::npos)
      << r.err;
  // Regression (docs audit): the progress line showed --run as given, --format and --report
  // included, right after the note that removed them.
  EXPECT_NE(r.err.find("ccbench calibrate: pair 1/1: " + fake + " run --filter 'procs:1' -r 3 --out … --quiet\n"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("--format json --report"), std::string::npos) << r.err;
  // The fake wrote the same file twice; the warning names the runs, not calibrate's scratch files
  // (removed by then: it said "/tmp/…/a1.json and /tmp/…/b1.json hold the same samples").
  EXPECT_NE(r.err.find("ccbench calibrate: warning: pair 1, run A and pair 1, run B hold the same samples"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("a1.json"), std::string::npos) << r.err;
}

// Regression: a child ended by SIGTERM made compare exit 2 ("command failed (exit 143)").
TEST(ChildRun, CompareEndsAsInterruptedWhenItsChildIsKilled) {
  const std::string b = test::data("base.json"), s = test::data("slower20.json");
  const auto r = test::run_cli({"compare", b, s, "--confirm", "1", "--base-run", "kill -TERM $$; true",
                                "--new-run", "kill -TERM $$; true"});
  EXPECT_EQ(r.code, 143) << r.err;
  EXPECT_NE(r.err.find("ccbench compare: interrupted by SIGTERM"), std::string::npos) << r.err;
  // the stopped run may have named a file in compare's scratch directory: said to be gone
  EXPECT_NE(r.err.find("was in compare's temporary directory, now removed"), std::string::npos) << r.err;
}

// SIGHUP ends compare and calibrate as interrupted too, with 129 (their --help and ccbench --help
// say 130/143/129), not as a failed run (exit 2).
TEST(ChildRun, CompareAndCalibrateEndWith129WhenTheirChildIsHungUp) {
  const std::string b = test::data("base.json"), s = test::data("slower20.json");
  const auto cmp = test::run_cli({"compare", b, s, "--confirm", "1", "--base-run", "kill -HUP $$; true",
                                  "--new-run", "kill -HUP $$; true"});
  EXPECT_EQ(cmp.code, 129) << cmp.err;
  EXPECT_NE(cmp.err.find("ccbench compare: interrupted by SIGHUP"), std::string::npos) << cmp.err;
  const std::string dir = test::scratch_dir("calib_hup");
  const auto cal = test::run_cli({"calibrate", "--pairs", "1", "--out", dir + "/nf.json", "--run", "kill -HUP $$; true"});
  EXPECT_EQ(cal.code, 129) << cal.err;
  EXPECT_NE(cal.err.find("ccbench calibrate: interrupted by SIGHUP"), std::string::npos) << cal.err;
}

// dead() is true for a zombie (killed, not yet reaped by whatever adopted it).
bool dead(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_text, comm, state;
  stat >> pid_text >> comm >> state;
  return !stat || state == "Z";
}

// Regression: SIGTERM to compare left its confirmation child running as an orphan.
// Regression (CLI audit): `compare --confirm 2 --base-run "echo hi" ...` printed the command's
// output on compare's standard output, into the document a script parses.
TEST(ChildRun, TheCommandsStandardOutputGoesToStandardError) {
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  const int code = run_shell("echo from-the-command");
  const std::string out = ::testing::internal::GetCapturedStdout();
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, 0);
  EXPECT_EQ(out, "");
  EXPECT_EQ(err, "from-the-command\n");
}

TEST(ChildRun, SignalToTheParentStopsTheChildsProcessGroup) {
  const std::string dir = test::scratch_dir("child-run");
  const std::string pidfile = dir + "/pid";
  std::thread killer([&] {
    for (int i = 0; i < 500 && !std::ifstream(pidfile).good(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ::kill(::getpid(), SIGTERM);
  });
  int code = -1;
  try {
    run_shell("sleep 30 & echo $! > '" + pidfile + "'; wait");
  } catch (const Interrupted& e) {
    code = e.exit_code();
  }
  killer.join();
  EXPECT_EQ(code, 143);
  pid_t sleeper = 0;
  std::ifstream(pidfile) >> sleeper;
  ASSERT_GT(sleeper, 0);
  bool gone = false;  // the orphaned sleep is reaped by init; allow it a moment
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = ::kill(sleeper, 0) != 0 || dead(sleeper);
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(gone) << "sleep " << sleeper << " outlived run_shell()";
  if (!gone) ::kill(sleeper, SIGKILL);
}

}  // namespace
}  // namespace ccb::reports
